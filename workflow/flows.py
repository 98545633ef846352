"""The dossier's process as viewflow sees it: one task per stage, routed by the FSM state.

The FSM on Dossier (workflow/models/dossiers.py) is the one source of truth and the guard: a
transition is taken only through services.transition_dossier; its follow-up
(services/followups.py) then calls `follow_dossier` with the stage the transition reached, to
finish the current stage task; the task opens the task of that stage itself (no gateway task in
between: the FSM already chose). The follow-up runs in the transition's transaction or, under the
worker, after it, in the order the transitions were taken; so the process never runs ahead of the
dossier, and a failed transition rolls both back together.
"""

import datetime

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.activation import Activation
from viewflow.workflow.base import Edge
from viewflow.workflow.models import Task
from viewflow.workflow.nodes.handle import HandleActivation
from viewflow.workflow.status import STATUS

from .models import Dossier, DossierProcess, RoundProcess
from .states import STAGE_ROLES, TO_ARCHIVE_STAGES, Stage


class StageActivation(HandleActivation):
    """Finishing a stage task opens the task of the stage the dossier has moved to (or ends the
    process): the transition just taken decided where, so no Switch task is written between."""

    @Activation.status.super()
    def create_next(self):
        node = self.flow_class.instance.node_for(self.process.stage_reached)
        yield node.activation_class.create(node, self, self.task.token)


class StageTask(flow.Handle):
    """Waits while the dossier is at `stage`, in the queue of the role states.STAGE_ROLES names.

    `follow_dossier` runs it with the dossier just moved on (DossierFlow.leave_stage)."""

    activation_class = StageActivation

    def __init__(self, stage, **kwargs):
        super().__init__(this.leave_stage, **kwargs)
        self.stage = stage
        self.role = STAGE_ROLES[stage]

    def _outgoing(self):
        # For viewflow's chart: the stages the FSM's transitions lead to from this one.
        flow_ = self.flow_class.instance
        targets = {flow_.node_for(state) for state in _next_states(self.stage)}
        for node in sorted(targets, key=lambda node: node.name):
            yield Edge(src=self, dst=node, edge_class="next")


def _next_states(stage) -> set[str]:
    sources = {stage} | ({Stage.REJECTED} if stage == Stage.APPROVED else set())
    leaving = sources | {"*", "+"}  # django-fsm's "from any stage"
    targets = set()
    for transition in Dossier._meta.get_field("state").get_all_transitions(Dossier):
        if transition.source in leaving:
            # A target chosen when the transition runs (RETURN_VALUE) lists where it may lead.
            allowed = getattr(transition.target, "allowed_states", None)
            targets |= set(allowed or [transition.target])
    return targets - sources


def stage_of_task(state: str) -> str:
    # A rejected dossier waits for archiving in the same task as an approved one.
    return Stage.APPROVED if state == Stage.REJECTED else state


def states_of_task(node) -> list[str]:
    """The dossier states at which stage task `node` waits."""
    return [state for state in Stage.values if stage_of_task(state) == node.stage]


def _at(stage):
    return lambda activation: activation.process.stage_reached == stage


class DossierFlow(flow.Flow):
    process_class = DossierProcess
    # Services lock the dossier row first; the process row lock keeps viewflow's own invariant.
    lock_impl = lock.select_for_update_lock
    process_title = _("Dossier review and approval")

    start = flow.StartHandle(this.start_process).Next(this.follow_stage)

    # Where a new process starts: a dossier may be placed at any stage before its flow exists.
    follow_stage = (
        flow.Switch()
        .Case(this.drafting, _at(Stage.DRAFT))
        .Case(this.completeness_check, _at(Stage.SUBMITTED))
        .Case(this.council_review, _at(Stage.COUNCIL_REVIEW))
        .Case(this.revision, _at(Stage.REVISION_REQUESTED))
        .Case(this.appraisal, _at(Stage.APPRAISAL))
        .Case(this.approval, _at(Stage.AWAITING_APPROVAL))
        .Case(this.archiving, lambda a: a.process.stage_reached in TO_ARCHIVE_STAGES)
        .Default(this.end)  # archived or withdrawn
    )

    drafting = StageTask(Stage.DRAFT, task_title=_("Draft and submit"))
    completeness_check = StageTask(Stage.SUBMITTED, task_title=_("Check for completeness"))
    # Completed when close_round takes pass_review or request_revision on the council's tally.
    council_review = StageTask(Stage.COUNCIL_REVIEW, task_title=_("Council review"))
    revision = StageTask(Stage.REVISION_REQUESTED, task_title=_("Revise and resubmit"))
    appraisal = StageTask(Stage.APPRAISAL, task_title=_("Appraise"))
    approval = StageTask(Stage.AWAITING_APPROVAL, task_title=_("Approve or reject"))
    archiving = StageTask(Stage.APPROVED, task_title=_("Archive the decision"))

    end = flow.End()

    def start_process(self, activation, dossier, state):
        activation.process.dossier = dossier
        activation.process.artifact = dossier
        activation.process.stage_reached = state
        return activation.process

    def leave_stage(self, activation, dossier, state):
        # The dossier locked, and the stage its transition reached: StageActivation goes there.
        activation.process.dossier = dossier
        activation.process.stage_reached = state

    def node_for(self, state):
        """The task that waits on a dossier at `state`: its stage's, or the end of the process."""
        state = stage_of_task(state)
        stage_tasks = (node for node in vars(type(self)).values() if isinstance(node, StageTask))
        return next((node for node in stage_tasks if node.stage == state), self.end)


class RoundDeadlineFlow(flow.Flow):
    """A review round's deadline as a viewflow timer: when it passes, the round closes on the
    votes cast (close_round does nothing to a round its last vote already closed).

    Due timers fire when the worker runs `workflow.jobs.run_workflow_timers`. The dispatcher
    re-reads each timer under the flow's lock: locking the process row (instead of viewflow's
    default of no lock) makes two dispatchers at once fire each timer once, not twice.
    """

    process_class = RoundProcess
    lock_impl = lock.SelectForUpdateLock(nowait=False)
    process_title = _("Review round deadline")

    start = flow.StartHandle(this.start_process).Next(this.wait)
    wait = flow.Timer(this.deadline).Next(this.close)
    close = flow.Function(this.close_round).Next(this.end)
    end = flow.End()

    def start_process(self, activation, round_):
        activation.process.round = round_
        activation.process.artifact = round_
        return activation.process

    def deadline(self, activation) -> datetime.datetime:
        # A round is open through its due date, in the office's time zone.
        day_after = activation.process.round.due_on + datetime.timedelta(days=1)
        return timezone.make_aware(datetime.datetime.combine(day_after, datetime.time.min))

    def close_round(self, activation):
        from .services import close_round  # services starts this flow: import when it runs

        close_round(round_id=activation.process.round_id)


STAGE_TASKS = [node for node in DossierFlow.instance.nodes() if isinstance(node, StageTask)]


def _waiting_tasks():
    return Task.objects.filter(status=STATUS.NEW).exclude(flow_task_type="END").order_by(
        "created", "id"
    )


def active_task(dossier: Dossier) -> Task | None:
    """The stage task waiting on this dossier, if its process is still running."""
    # With its process: viewflow's lock asks for it first.
    tasks = _waiting_tasks().select_related("process")
    return tasks.filter(process__dossierprocess__dossier=dossier).last()


def active_tasks(dossier_ids) -> dict[int, Task | None]:
    """`active_task` of each of these dossiers, in two queries whatever their number (for
    follow-ups applied in groups): their processes with the latest waiting task of each, then
    those tasks. Asked by process, not by status with the processes in a list, on which SQLite,
    with no statistics, reads every waiting task of every dossier in flight."""
    latest = _waiting_tasks().filter(process_id=OuterRef("pk")).reverse().values("pk")[:1]
    task_of = dict(
        DossierProcess.objects.filter(dossier_id__in=dossier_ids)
        .annotate(task_id=Subquery(latest))
        .values_list("dossier_id", "task_id")
    )
    tasks = Task.objects.select_related("process").in_bulk(
        [pk for pk in task_of.values() if pk is not None]
    )
    return {pk: tasks.get(task_of.get(pk)) for pk in dossier_ids}


def follow_dossier(dossier: Dossier, state: str, *, waiting: dict | None = None) -> None:
    """After a transition to `state`: finish the current stage task so the flow opens the next.

    Runs under the dossier's row lock (services/followups.py), in the order of the transitions:
    `state` is the stage this one reached, which the dossier may have left since.
    A dossier created before the flow existed, or placed at a stage by hand, gets its process
    started here, at `state`. `waiting`, from `active_tasks` under the same locks, saves reading
    the dossier's task: it is used once, for the dossier's first follow-up.
    """
    task = waiting.pop(dossier.pk) if waiting and dossier.pk in waiting else active_task(dossier)
    if task is None:
        if not DossierProcess.objects.filter(dossier=dossier).exists():
            DossierFlow.start.run(dossier=dossier, state=state)
        return
    if task.flow_task.stage != stage_of_task(state):
        # viewflow's public way to finish a Handle task: under the process lock, the task
        # re-read; StageActivation then opens the task of the stage reached.
        task.flow_task.run(task, dossier=dossier, state=state)
