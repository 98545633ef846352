"""The day's sweep: reminders before deadlines, overdue escalations, and the daily digests.

Every notification's key names the day, so running the sweep again the same day tells nobody
twice; a batch of dossiers costs the same few queries whatever its size.
"""

import datetime
import functools

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from workflow import selectors
from workflow.models import Dossier, Round, RoundSeat, Seat, Vote
from workflow.permissions import council_stages, is_agency_drafter, may_see
from workflow.policies import add_working_days
from workflow.roles import APPROVER, DRAFTER, SECRETARY
from workflow.states import STAGE_ROLES, TIMED_STAGES, DossierKind

from .events import Channel, EventKind
from .models import Delivery, DeliveryKind, Notification, Preference, ReminderPolicy
from .outbox import notify_many


def _escalate_to(dossier, council_stages) -> str:
    """Overdue at a council stage (the secretary's, or the council's) goes to the secretary."""
    if STAGE_ROLES.get(dossier.state) == SECRETARY or dossier.state in council_stages(dossier.kind):
        return SECRETARY
    return APPROVER


def _holidays() -> set[datetime.date]:
    return set(selectors.public_holidays())


def _reminder_dates(today, holidays) -> dict[str, set[datetime.date]]:
    """Per kind, the deadlines to remind of today: N working days ahead, and today's."""
    days = dict(ReminderPolicy.objects.values_list("kind", "days_before"))
    return {
        kind: {today, add_working_days(today, days.get(kind, 2), holidays)}
        for kind in DossierKind.values
    }


def _due_filter(dates, field) -> Q:
    query = Q(pk__in=[])
    for kind, on in dates.items():
        query |= Q(**{"kind" if field.startswith("stage") else "dossier__kind": kind}) & Q(
            **{f"{field}__in": on}
        )
    return query


class _People:
    """Everyone the sweep may tell, loaded once with roles and preferences."""

    def __init__(self):
        self.by_role = {
            role: selectors.people_with_roles({role})
            for role in {*STAGE_ROLES.values(), SECRETARY, APPROVER}
        }
        self.drafters_by_agency = {}
        for user in self.by_role.get(DRAFTER, []):
            agency_id = getattr(getattr(user, "profile", None), "agency_id", None)
            self.drafters_by_agency.setdefault(agency_id, []).append(user)
        self.preferences = {
            (user_id, kind): channel
            for user_id, kind, channel in Preference.objects.filter(
                kind__in=[EventKind.REMINDER, EventKind.OVERDUE]
            ).values_list("user_id", "kind", "channel")
        }

    def holding(self, role, dossier) -> list:
        if role == DRAFTER:
            people = self.drafters_by_agency.get(dossier.agency_id, [])
            return [u for u in people if is_agency_drafter(dossier, u)]
        return [u for u in self.by_role.get(role, []) if may_see(u, dossier)]


def _context(dossier, **extra) -> dict:
    return {"title": dossier.title, "agency": dossier.agency.name, **extra}


def _stage_batches(query, batch):
    last = 0
    while True:
        dossiers = list(
            Dossier.objects.filter(query, pk__gt=last)
            .select_related("agency")
            .order_by("pk")[:batch]
        )
        if not dossiers:
            return
        yield dossiers
        last = dossiers[-1].pk


def _write(rows, people) -> int:
    with transaction.atomic():
        return notify_many(rows, preferences=people.preferences, skip_told=True)


def _stage_rows(dossiers, people, today, council_stages) -> list:
    rows = []
    for dossier in dossiers:
        entered = dossier.stage_entered_at.isoformat()
        if dossier.stage_due_on < today:
            role = _escalate_to(dossier, council_stages)
            kind, key = EventKind.OVERDUE, f"overdue:{dossier.pk}:{entered}:{today}"
        else:
            role = STAGE_ROLES.get(dossier.state)
            kind, key = EventKind.REMINDER, f"reminder:dossier:{dossier.pk}:{entered}:{today}"
        context = _context(dossier, due_on=dossier.stage_due_on.isoformat(), stage=dossier.state)
        for user in people.holding(role, dossier):
            rows.append((user.pk, kind, key, dossier.pk, None, context))
    return rows


def _round_rows(rounds, today) -> list:
    waiting = (
        RoundSeat.objects.filter(round__in=[r.pk for r in rounds])
        .exclude(role=Seat.SECRETARY)
        .exclude(Exists(Vote.objects.filter(round=OuterRef("round"), member=OuterRef("user"))))
        .values_list("round_id", "user_id")
    )
    by_round = {r.pk: r for r in rounds}
    pairs = list(waiting)
    members = {u.pk: u for u in selectors.people({pk for _, pk in pairs})}
    rows = []
    for round_id, user_id in pairs:
        round_, user = by_round[round_id], members.get(user_id)
        if user is None or not may_see(user, round_.dossier):
            continue
        context = _context(round_.dossier, due_on=round_.due_on.isoformat(), round=round_.number)
        key = f"reminder:round:{round_id}:{round_.due_on}:{today}"
        rows.append((user_id, EventKind.REMINDER, key, round_.dossier_id, round_id, context))
    return rows


def _is_working_day(day, holidays) -> bool:
    return add_working_days(day - datetime.timedelta(days=1), 1, holidays) == day


def run(*, batch: int = 500, now: datetime.datetime | None = None) -> int:
    """Write today's reminders, escalations and digests; returns how many rows were written."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    holidays = _holidays()
    written = 0
    if _is_working_day(today, holidays):
        dates = _reminder_dates(today, holidays)
        people = _People()
        stages_of_council = functools.cache(council_stages)
        due = _due_filter(dates, "stage_due_on") | Q(stage_due_on__lt=today)
        query = due & Q(state__in=TIMED_STAGES, stage_due_on__isnull=False)
        for dossiers in _stage_batches(query, batch):
            written += _write(_stage_rows(dossiers, people, today, stages_of_council), people)
        rounds = Round.objects.filter(closed_at=None).filter(_due_filter(dates, "due_on"))
        rounds = list(rounds.select_related("dossier__agency").order_by("pk"))
        for start in range(0, len(rounds), batch):
            written += _write(_round_rows(rounds[start : start + batch], today), people)
    if timezone.localtime(now).hour >= settings.NOTIFICATIONS_DIGEST_HOUR:
        written += queue_digests(today)
    return written


def queue_digests(today) -> int:
    """One digest e-mail per user and day for the notifications they chose to read that way."""
    waiting = (
        Notification.objects.filter(channel=Channel.DIGEST, digest=None)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    queued = 0
    for user_id in list(waiting):
        with transaction.atomic():
            digest, created = Delivery.objects.get_or_create(
                key=f"digest:{user_id}:{today}",
                defaults={"recipient_id": user_id, "kind": DeliveryKind.DIGEST},
            )
            if not created:
                continue  # today's digest is out; the rest waits for tomorrow's
            Notification.objects.filter(
                recipient_id=user_id, channel=Channel.DIGEST, digest=None
            ).update(digest=digest)
            queued += 1
    return queued
