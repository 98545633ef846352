"""Stage visits kept in step with the audit trail: each transition closes the visit its dossier
was on and opens the next, in the transaction that took the transition (two writes); the whole
set can be derived again from the audit trail (`rebuild_stage_visits`)."""

from django.db import transaction
from django.dispatch import receiver
from django.utils.timezone import localdate

from ..models import AuditEntry
from ..policies import working_day_counter
from ..selectors import all_dossiers, policy_for, public_holidays, stage_deadlines
from ..signals import dossier_created, dossier_transitioned
from .models import StageVisit

BATCH = 2000


def _closed(visit: StageVisit, left_at, *, kind, counter, policies) -> StageVisit:
    visit.left_at = left_at
    visit.working_days = counter(localdate(visit.entered_at), localdate(left_at))
    limit = policies[kind].days_for(visit.stage)
    visit.on_time = None if limit is None else visit.working_days <= limit
    return visit


def _transitions(dossier_ids=None):
    entries = AuditEntry.objects.exclude(to_state="")
    if dossier_ids is not None:
        entries = entries.filter(dossier_id__in=dossier_ids)
    return entries.order_by("dossier_id", "created_at", "id").values_list(
        "id", "dossier_id", "to_state", "created_at"
    )


def _open(dossier, entry) -> None:
    # One visit per entry: one a rebuild already derived (before this follow-up) stays as it is.
    visit = StageVisit(
        dossier_id=dossier.pk,
        entry_id=entry.pk,
        stage=entry.to_state,
        entered_at=entry.created_at,
        entered_on=localdate(entry.created_at),
    )
    StageVisit.objects.bulk_create([visit], ignore_conflicts=True)


@receiver(dossier_created, dispatch_uid="dashboard.first_visit")
def follow_creation(sender, dossier, entry, **kwargs):
    _open(dossier, entry)


@receiver(dossier_transitioned, dispatch_uid="dashboard.stage_visits")
def follow_transition(sender, dossier, entry, **kwargs):
    """Close the dossier's open visit at the transition's entry and open the one it starts; a
    dossier with no open visit (never derived) has its visits rebuilt from its audit trail."""
    current = (
        StageVisit.objects.filter(dossier_id=dossier.pk, left_at=None)
        .order_by("-entered_at", "-id")
        .first()
    )
    if current is None:
        rebuild_stage_visits(dossier_ids=[dossier.pk])
        return
    if current.entry_id >= entry.pk:
        return  # a rebuild ran between the transition and its follow-up: derived already
    counter = working_day_counter(public_holidays())
    policies = {dossier.kind: policy_for(dossier.kind)}
    _closed(current, entry.created_at, kind=dossier.kind, counter=counter, policies=policies)
    current.save(update_fields=["left_at", "working_days", "on_time"])
    _open(dossier, entry)


@transaction.atomic
def rebuild_stage_visits(*, dossier_ids=None) -> int:
    """Derive the visits of the given dossiers (every dossier: None) from their audit trail."""
    visits = StageVisit.objects.all()
    dossiers = all_dossiers()
    if dossier_ids is not None:
        visits = visits.filter(dossier_id__in=dossier_ids)
        dossiers = dossiers.filter(pk__in=dossier_ids)
    visits.delete()
    kinds = dict(dossiers.order_by().values_list("pk", "kind"))
    counter = working_day_counter(public_holidays())
    policies = stage_deadlines()
    batch, made, previous = [], 0, None
    for entry_id, dossier_id, stage, at in _transitions(dossier_ids).iterator(chunk_size=BATCH):
        if previous is not None and previous.dossier_id == dossier_id:
            _closed(previous, at, kind=kinds[dossier_id], counter=counter, policies=policies)
        previous = StageVisit(
            dossier_id=dossier_id,
            entry_id=entry_id,
            stage=stage,
            entered_at=at,
            entered_on=localdate(at),
        )
        batch.append(previous)
        if len(batch) >= BATCH:
            # The last visit may still be closed by the next entry: keep it for the next batch.
            StageVisit.objects.bulk_create(batch[:-1])
            made += len(batch) - 1
            batch = batch[-1:]
    StageVisit.objects.bulk_create(batch)
    return made + len(batch)
