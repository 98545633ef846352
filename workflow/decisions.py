"""Decision numbers: `12-QĐ/VPTW`, unique per issuing body and year, taken under a row lock."""

import datetime

from django.apps import apps
from django.conf import settings
from django.db import transaction


def format_decision_number(number: int, issuing_body: str) -> str:
    return f"{number}-QĐ/{issuing_body}"


def allocate_decision_number(*, on: datetime.date, issuing_body: str | None = None) -> str:
    """Take the next number of the year; must run inside the approving transaction."""
    issuing_body = issuing_body or settings.DECISION_ISSUING_BODY
    counter_model = apps.get_model("workflow", "DecisionCounter")
    with transaction.atomic():
        counter_model.objects.get_or_create(issuing_body=issuing_body, year=on.year)
        counter = counter_model.objects.select_for_update().get(
            issuing_body=issuing_body, year=on.year
        )
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
    return format_decision_number(counter.last_number, issuing_body)
