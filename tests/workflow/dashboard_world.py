"""Dossiers with an audit trail at chosen moments, for the dashboard tests and the benchmark."""

import datetime

from django.utils import timezone

from tests.factories import make_dossier
from workflow.models import AuditEntry


def at(day: str, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour))
    )


def walked(agency, steps, *, kind="plan", title="Kế hoạch ứng dụng CNTT", **fields):
    """A dossier created at the first step's moment that then moved through `steps`:
    (action, to_state, day) in order; it ends at the last step's stage."""
    first_day = steps[0][2]
    dossier = make_dossier(agency=agency, state=steps[-1][1], kind=kind, title=title, **fields)
    type(dossier).objects.filter(pk=dossier.pk).update(created_at=at(first_day))
    previous = ""
    for action, to_state, day in steps:
        AuditEntry.objects.create(
            dossier=dossier,
            action=action,
            from_state=previous,
            to_state=to_state,
            created_at=at(day),
        )
        previous = to_state
    return dossier
