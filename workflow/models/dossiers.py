"""The dossier, its FSM field and transitions, and the decision-number counter."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition

from .. import actions, decisions
from ..permissions import TRANSITION_PERMISSIONS, has_required_content
from ..states import (
    EDITABLE_STAGES,
    KINDS_WITH_APPRAISAL,
    WITHDRAWABLE_STAGES,
    DossierKind,
    Stage,
)
from .organisation import Agency


class Dossier(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    """A plan, report or project on its way from draft to decision.

    `state` is written only by the transition methods below (the field is protected), and only
    through workflow.services, which locks the row, checks who may act and writes the audit trail.
    """

    kind = models.CharField(_("kind"), max_length=30, choices=DossierKind)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    program = models.CharField(_("program"), max_length=200)
    title = models.CharField(_("title"), max_length=500)
    summary = models.TextField(_("summary"), blank=True)
    state = FSMField(_("stage"), default=Stage.DRAFT, choices=Stage, protected=True, db_index=True)
    stage_entered_at = models.DateTimeField(_("in this stage since"), default=timezone.now)
    stage_due_on = models.DateField(_("due on"), null=True, blank=True)
    round_number = models.PositiveSmallIntegerField(_("review rounds held"), default=0)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        indexes = [models.Index(fields=["agency", "state"])]

    def __str__(self):
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STAGES

    @property
    def needs_appraisal(self) -> bool:
        return self.kind in KINDS_WITH_APPRAISAL

    # --- transitions: bodies stay small; services do the locking, audit and signals ---

    @transition(
        field=state,
        source=[Stage.DRAFT, Stage.REVISION_REQUESTED],
        target=Stage.SUBMITTED,
        permission=TRANSITION_PERMISSIONS[actions.SUBMIT],
        conditions=[has_required_content],
    )
    def submit(self):
        pass

    @transition(
        field=state,
        source=WITHDRAWABLE_STAGES,
        target=Stage.WITHDRAWN,
        permission=TRANSITION_PERMISSIONS[actions.WITHDRAW],
    )
    def withdraw(self):
        pass

    @transition(
        field=state,
        source=Stage.SUBMITTED,
        target=Stage.COUNCIL_REVIEW,
        permission=TRANSITION_PERMISSIONS[actions.ACCEPT],
    )
    def accept(self):
        pass

    @transition(
        field=state,
        source=Stage.SUBMITTED,
        target=Stage.REVISION_REQUESTED,
        permission=TRANSITION_PERMISSIONS[actions.RETURN_INCOMPLETE],
    )
    def return_incomplete(self):
        pass

    @transition(
        field=state,
        source=Stage.COUNCIL_REVIEW,
        target=RETURN_VALUE(Stage.APPRAISAL, Stage.AWAITING_APPROVAL),
        permission=TRANSITION_PERMISSIONS[actions.PASS_REVIEW],
    )
    def pass_review(self):
        self.round_number += 1
        return Stage.APPRAISAL if self.needs_appraisal else Stage.AWAITING_APPROVAL

    @transition(
        field=state,
        source=[Stage.COUNCIL_REVIEW, Stage.APPRAISAL],
        target=Stage.REVISION_REQUESTED,
        permission=TRANSITION_PERMISSIONS[actions.REQUEST_REVISION],
    )
    def request_revision(self):
        if self.state == Stage.COUNCIL_REVIEW:
            self.round_number += 1

    @transition(
        field=state,
        source=Stage.APPRAISAL,
        target=Stage.AWAITING_APPROVAL,
        permission=TRANSITION_PERMISSIONS[actions.COMPLETE_APPRAISAL],
    )
    def complete_appraisal(self):
        pass

    @transition(
        field=state,
        source=Stage.AWAITING_APPROVAL,
        target=Stage.APPROVED,
        permission=TRANSITION_PERMISSIONS[actions.APPROVE],
    )
    def approve(self):
        today = timezone.localdate()
        self.decision_number = decisions.allocate_decision_number(on=today)
        self.decision_date = today

    @transition(
        field=state,
        source=Stage.AWAITING_APPROVAL,
        target=Stage.REJECTED,
        permission=TRANSITION_PERMISSIONS[actions.REJECT],
    )
    def reject(self):
        pass

    @transition(
        field=state,
        source=[Stage.APPROVED, Stage.REJECTED],
        target=Stage.ARCHIVED,
        permission=TRANSITION_PERMISSIONS[actions.ARCHIVE],
    )
    def archive(self):
        pass


class DecisionCounter(models.Model):
    """The last number issued in a series (decisions `QĐ`, minutes `BB`, notices `TB`, reports
    `BC`) per issuing body and year; locked while a number is taken."""

    series = models.CharField(max_length=10, default="QĐ")
    issuing_body = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["series", "issuing_body", "year"], name="unique_counter_per_series"
            )
        ]

    def __str__(self):
        return f"{self.series}/{self.issuing_body} {self.year}: {self.last_number}"
