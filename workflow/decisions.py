"""Document numbers: `12-QĐ/VPTW`, `5-BB/VPTW`…: one series per document type, unique per
issuing body and year, taken under a row lock inside the transaction that issues the document."""

import datetime

from django.apps import apps
from django.conf import settings
from django.db import transaction

DECISION = "QĐ"  # quyết định
MINUTES = "BB"  # biên bản
NOTICE = "TB"  # thông báo (the revision request)
REPORT = "BC"  # báo cáo (the appraisal report)


def format_number(number: int, series: str, issuing_body: str) -> str:
    return f"{number}-{series}/{issuing_body}"


def allocate_number(*, series: str, on: datetime.date, issuing_body: str | None = None) -> str:
    """Take the next number of the series for the year."""
    issuing_body = issuing_body or settings.DECISION_ISSUING_BODY
    counter_model = apps.get_model("workflow", "DecisionCounter")
    key = {"series": series, "issuing_body": issuing_body, "year": on.year}
    # No savepoint of its own: inside the issuing transaction a failure here fails it anyway.
    with transaction.atomic(savepoint=False):
        counter = counter_model.objects.select_for_update().filter(**key).first()
        if counter is None:  # the series' first number of the year
            counter_model.objects.get_or_create(**key)
            counter = counter_model.objects.select_for_update().get(**key)
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
    return format_number(counter.last_number, series, issuing_body)


def allocate_decision_number(*, on: datetime.date, issuing_body: str | None = None) -> str:
    return allocate_number(series=DECISION, on=on, issuing_body=issuing_body)
