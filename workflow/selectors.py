"""Every read with a permission in it: views, documents (through paperwork.DocumentAccess) and
search ask here who sees what. The rules themselves are workflow.permissions'."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Page
from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django_fsm import can_proceed
from viewflow.workflow.fields import get_task_ref
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from . import flows
from .actions import is_button_action
from .models import (
    Agency,
    AuditEntry,
    Dossier,
    FollowUp,
    KindPolicy,
    PublicHoliday,
    RegisterEntry,
    Round,
    RoundSeat,
    Seat,
    Vote,
)
from .paging import first_page
from .people import display_name
from .permissions import (
    ballots_are_shown,
    council_stages,
    may_appraise,
    may_close_round,
    may_create_dossier,
    may_edit_dossier,
    may_open_round,
    may_take,
    may_upload_documents,
    visible_agency_ids,
    what_is_missing,
)
from .reads import once
from .roles import ADMINISTRATOR, COUNCIL_MEMBER, DRAFTER, ROLE_LABELS, preload_roles, roles_of
from .states import QUEUES, ROLE_QUEUES, TIMED_STAGES, DossierKind, Queue

HOME_ROWS = 10  # the most urgent dossiers of each home page list; the rest in the dossier list

# Who may do what is workflow.permissions' to say; these names stay importable from here.
__all__ = [
    "council_stages",
    "is_button_action",
    "may_appraise",
    "may_close_round",
    "may_create_dossier",
    "may_edit_dossier",
    "may_open_round",
    "may_upload_documents",
    "visible_agency_ids",
]


def dossiers_visible_to(user) -> QuerySet[Dossier]:
    dossiers = Dossier.objects.select_related("agency")
    agency_ids = visible_agency_ids(user)
    if agency_ids is None:
        return dossiers
    return dossiers.filter(agency_id__in=agency_ids)


def all_dossiers() -> QuerySet[Dossier]:
    """Every dossier, for work done on behalf of the system (indexing), never shown as is."""
    return Dossier.objects.select_related("agency")


def lock_dossier(pk) -> Dossier:
    """The dossier re-read under a row lock, inside the caller's transaction."""
    return Dossier.objects.select_for_update().get(pk=pk)


def titles_of(user, dossier_ids) -> dict[int, str]:
    """The titles of those of these dossiers the user may see (one query, for a page of hits)."""
    return dict(
        dossiers_visible_to(user).filter(pk__in=set(dossier_ids)).values_list("pk", "title")
    )


def agency_names(agency_ids) -> dict[int, str]:
    return dict(Agency.objects.filter(pk__in=set(agency_ids)).values_list("pk", "name"))


def dossier_for(user, pk) -> Dossier:
    """The dossier if the user may see it; otherwise 404, so its existence is not revealed."""
    try:
        return dossiers_visible_to(user).get(pk=pk)
    except (Dossier.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def available_actions(user, dossier: Dossier) -> list[str]:
    """Names of the transitions this user may take with a button on this dossier now."""
    return [
        t.name
        for t in dossier.get_available_user_state_transitions(user)
        if is_button_action(t.name)
    ]


def blocked_actions(user, dossier: Dossier) -> list[tuple[str, str]]:
    """The buttons this user would have at this stage but not yet, each with what is missing."""
    blocked = []
    for name in dict.fromkeys(t.name for t in dossier.get_all_state_transitions()):
        method = getattr(dossier, name)
        if (
            is_button_action(name)
            and can_proceed(method, check_conditions=False)  # the right stage
            and may_take(name, dossier, user)  # the right person
            and not can_proceed(method)  # but something is missing
        ):
            blocked.append((name, what_is_missing(name, dossier)))
    return blocked


def register_for(user, *, series="", year=None, text="") -> QuerySet[RegisterEntry]:
    """The office's register of issued documents, as far as the user may see the dossiers."""
    entries = RegisterEntry.objects.filter(dossier__in=dossiers_visible_to(user)).select_related(
        "dossier", "dossier__agency"
    )
    if series:
        entries = entries.filter(series=series)
    if year:
        entries = entries.filter(year=year)
    if text:
        entries = entries.filter(
            Q(number__icontains=text)
            | Q(subject__icontains=text)
            | Q(dossier__title__icontains=text)
        )
    return entries


def history_of(dossier: Dossier) -> QuerySet[AuditEntry]:
    return dossier.audit_entries.select_related("actor")


def _every_kind(saved) -> dict[str, KindPolicy]:
    """Each kind's saved policy, or its defaults where none was saved."""
    found = {policy.kind: policy for policy in saved}
    return {kind: found.get(kind) or KindPolicy(kind=kind) for kind in DossierKind.values}


def policy_for(kind: str) -> KindPolicy:
    """The administrator's policy for a kind, or the defaults when none was saved (every kind's
    read in one query, once in a `reads.reading_once` scope)."""
    policies = once("policies", lambda: _every_kind(KindPolicy.objects.all()))
    return policies.get(kind) or KindPolicy(kind=kind)


def stage_deadlines() -> dict[str, KindPolicy]:
    """Every kind's policy, read for its stage deadlines (KindPolicy.days_for) only, in one
    query; the defaults where none was saved. Only those columns: the dashboard's backfill
    migration reads them before later migrations add others."""
    return _every_kind(KindPolicy.objects.only("kind", *KindPolicy.DEADLINE_FIELDS.values()))


def public_holidays() -> list[datetime.date]:
    """The days off that working-day counts skip: the settings' list and the admin's (read once
    in a `reads.reading_once` scope)."""

    def read():
        configured = [datetime.date.fromisoformat(d) for d in settings.WORKFLOW_PUBLIC_HOLIDAYS]
        return [*configured, *PublicHoliday.objects.values_list("date", flat=True)]

    return once("holidays", read)


def overdue_dossiers(user, today) -> QuerySet[Dossier]:
    return dossiers_visible_to(user).filter(stage_due_on__lt=today, state__in=TIMED_STAGES)


def dossiers_matching(
    user, *, kind="", stage="", agency=None, year=None, overdue=None, queue=""
) -> QuerySet[Dossier]:
    """The dossiers the user may see, narrowed the way every list, export and figure narrows
    them: kind, stage, agency, the year they were created in, overdue (True) or not (False),
    the stages of a home page list (states.QUEUES)."""
    dossiers = dossiers_visible_to(user)
    if queue:
        dossiers = dossiers.filter(state__in=QUEUES[queue].stages)
    if kind:
        dossiers = dossiers.filter(kind=kind)
    if stage:
        dossiers = dossiers.filter(state=stage)
    if agency:
        dossiers = dossiers.filter(agency_id=agency)
    if year:
        start = timezone.make_aware(datetime.datetime(year, 1, 1))
        end = timezone.make_aware(datetime.datetime(year + 1, 1, 1))
        dossiers = dossiers.filter(created_at__gte=start, created_at__lt=end)
    if overdue is not None:
        late = Dossier.objects.filter(stage_due_on__lt=timezone.localdate(), state__in=TIMED_STAGES)
        late = late.values("pk")
        dossiers = dossiers.filter(pk__in=late) if overdue else dossiers.exclude(pk__in=late)
    return dossiers


def due_first(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """The most urgent first: by the current stage's due date, those without one last."""
    return dossiers.order_by(F("stage_due_on").asc(nulls_last=True), "id")


def most_overdue(user, today) -> Page:
    """The home page's overdue list: its first page, the longest overdue first (the dashboard's
    dossier list, ?overdue=1, holds them all)."""
    return first_page(due_first(overdue_dossiers(user, today)), HOME_ROWS)


def home_sections(user) -> list[tuple[Queue, Page]]:
    """The role's lists (states.ROLE_QUEUES): the first page of each, the most urgent first (the
    page costs the same however long the list grows; the whole list is one click on)."""
    roles = roles_of(user)
    visible = dossiers_visible_to(user)
    sections, seen = [], set()
    for queue in ROLE_QUEUES:
        if queue.role in roles and queue.slug not in seen:
            seen.add(queue.slug)
            sections.append(
                (queue, first_page(due_first(visible.filter(state__in=queue.stages)), HOME_ROWS))
            )
    return sections


# --- the process, rounds and inbox ---


def inbox_for(user) -> QuerySet[Task]:
    """The stage tasks waiting on the user's roles, on dossiers they may see; due first."""
    roles = roles_of(user)
    dossier_path = "process__dossierprocess__dossier"
    # A task whose dossier has moved on (its follow-up not applied yet) is no longer the user's.
    at_its_stage = Q(pk__in=[])
    for node in flows.STAGE_TASKS:
        if node.role in roles:
            states = {f"{dossier_path}__state__in": flows.states_of_task(node)}
            at_its_stage |= Q(flow_task=get_task_ref(node), **states)
    return (
        Task.objects.filter(
            at_its_stage,
            status=STATUS.NEW,
            **{f"{dossier_path}__in": dossiers_visible_to(user)},
        )
        .select_related(f"{dossier_path}__agency")
        .order_by(F(f"{dossier_path}__stage_due_on").asc(nulls_last=True), "created", "id")
    )


def open_votes_for(user) -> QuerySet[Round]:
    """Open rounds where the user holds a voting seat and has not voted yet; due first."""
    return (
        Round.objects.filter(
            closed_at=None,
            pk__in=RoundSeat.objects.filter(user=user)
            .exclude(role=Seat.SECRETARY)
            .values("round_id"),
        )
        .exclude(pk__in=Vote.objects.filter(member=user).values("round_id"))
        .select_related("dossier__agency")
        .order_by("due_on", "id")
    )


def open_round_of(dossier: Dossier) -> Round | None:
    return dossier.rounds.filter(closed_at=None).first()


def is_round_of(dossier: Dossier, round_id: int) -> bool:
    """Whether the round is one of the dossier's (an address names both)."""
    return dossier.rounds.filter(pk=round_id).exists()


def rounds_of(dossier: Dossier) -> list[Round]:
    """Every round with its seats and who has voted (`current_votes`); `shown_votes`: every ballot
    cast, corrections included, where permissions.ballots_are_shown (`ballots_shown`), else
    nothing (an open round's ballots are not even read)."""
    rounds = list(
        dossier.rounds.prefetch_related(
            Prefetch("seats", queryset=RoundSeat.objects.select_related("user")),
            Prefetch(
                "votes",
                queryset=Vote.objects.filter(correction__isnull=True).select_related("member"),
                to_attr="current_votes",
            ),
        )
    )
    for round_ in rounds:
        round_.ballots_shown, round_.shown_votes = ballots_are_shown(round_), []
    shown = {r.pk: r for r in rounds if r.ballots_shown}
    if shown:
        ballots = Vote.objects.filter(round_id__in=list(shown)).select_related(
            "member", "supersedes", "correction"
        )
        for vote in ballots:
            shown[vote.round_id].shown_votes.append(vote)
    return rounds


def voting_seat(user, round_: Round | None) -> RoundSeat | None:
    """The user's voting seat in the open round; among its seats when rounds_of read them."""
    if round_ is None or not round_.is_open:
        return None
    return next(
        (s for s in round_.seats.all() if s.user_id == user.pk and s.role != Seat.SECRETARY),
        None,
    )


def council_candidates():
    return (
        get_user_model()
        .objects.filter(groups__name=COUNCIL_MEMBER, is_active=True)
        .order_by("last_name", "first_name", "username")
    )


def follow_up_backlog() -> dict[str, int]:
    """Transitions whose follow-ups wait for the worker, and those it gave up on (for /readyz)."""
    return {
        "waiting": FollowUp.objects.count(),
        "stuck": FollowUp.objects.filter(next_attempt_at=None).count(),
    }


def process_status(dossier: Dossier, open_round: Round | None) -> dict | None:
    """Where the dossier's process stands: the task its stage waits on and who holds it.

    Read from the dossier's state (the truth), not viewflow's task, which a transition's
    follow-up may not have moved yet. `open_round`: the dossier's open round as rounds_of read
    it (with its seats and current votes), if it has one."""
    node = flows.DossierFlow.instance.node_for(dossier.state)
    if not isinstance(node, flows.StageTask):
        return None  # archived or withdrawn: the process has ended
    if open_round is not None:
        voted = {vote.member_id for vote in open_round.current_votes}
        holders = [
            display_name(seat.user)
            for seat in open_round.seats.all()
            if seat.role != Seat.SECRETARY and seat.user_id not in voted
        ]
    else:
        holders = [str(ROLE_LABELS[node.role])]
        if node.role == DRAFTER:
            holders = [f"{holders[0]} — {dossier.agency.name}"]
    return {"title": node.task_title, "holders": holders}


# --- who is told: notifications ask here, and permissions.may_see, for whom to tell ---


def people_with_roles(role_names) -> list:
    """Active users holding any of the roles, with their roles cached (see roles.preload_roles);
    read once in a `reads.reading_once` scope (the worker's run of follow-ups, where every
    submission asks for the secretaries). Callers do not change the list or the users."""
    User = get_user_model()

    def read():
        holds = Q(groups__name__in=list(role_names))
        if ADMINISTRATOR in role_names:
            holds |= Q(is_superuser=True)
        holders = User.objects.filter(is_active=True).filter(holds)
        return preload_roles(
            User.objects.filter(pk__in=holders.values("pk")).select_related("profile")
            .order_by("pk")
        )

    return once(("people with roles", frozenset(role_names)), read)


def people(user_ids) -> list:
    """These users (active ones only), with their roles cached."""
    return preload_roles(
        get_user_model()
        .objects.filter(pk__in=list(user_ids), is_active=True)
        .select_related("profile")
        .order_by("pk")
    )
