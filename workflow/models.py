from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition
from viewflow.workflow.models import Process

from . import decisions, permissions, policies
from .states import (
    EDITABLE_STAGES,
    KINDS_WITH_APPRAISAL,
    WITHDRAWABLE_STAGES,
    DossierKind,
    Stage,
)


class Agency(models.Model):
    """A Party agency that drafts dossiers: a central agency or a provincial/municipal committee."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    # The abbreviation that ends a document number, e.g. "VPTW" in "Số 12-QĐ/VPTW".
    abbreviation = models.CharField(_("abbreviation"), max_length=20)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self):
        return self.name


class Profile(models.Model):
    """What Django's user lacks: the agency a drafter belongs to and a display title."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("agency")
    )
    position = models.CharField(_("position"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return str(self.user)


class KindPolicy(models.Model):
    """Per-kind rules an administrator sets: deadlines, council quorum and pass threshold."""

    kind = models.CharField(_("dossier kind"), max_length=30, choices=DossierKind, unique=True)
    completeness_days = models.PositiveSmallIntegerField(
        _("completeness check (working days)"), default=5
    )
    council_review_days = models.PositiveSmallIntegerField(
        _("council review (working days)"), default=10
    )
    revision_days = models.PositiveSmallIntegerField(_("revision (working days)"), default=15)
    appraisal_days = models.PositiveSmallIntegerField(_("appraisal (working days)"), default=15)
    approval_days = models.PositiveSmallIntegerField(_("approval (working days)"), default=5)
    quorum = models.DecimalField(
        _("quorum"),
        max_digits=5,
        decimal_places=4,
        default="0.6667",
        help_text=_("Share of non-recused members who must vote for the round to count."),
    )
    pass_threshold = models.DecimalField(
        _("pass threshold"),
        max_digits=5,
        decimal_places=4,
        default="0.5000",
        help_text=_("The round passes when the share of approving votes is above this."),
    )
    appraisal_by_council = models.BooleanField(
        _("appraisal decided by a council vote"), default=False
    )

    class Meta:
        verbose_name = _("kind policy")
        verbose_name_plural = _("kind policies")

    def __str__(self):
        return str(self.get_kind_display())

    def clean(self):
        for field in ("quorum", "pass_threshold"):
            value = getattr(self, field)
            if value is not None and not 0 <= value <= 1:
                raise ValidationError({field: _("Enter a share between 0 and 1.")})

    def days_for(self, stage: str) -> int | None:
        return {
            Stage.SUBMITTED: self.completeness_days,
            Stage.COUNCIL_REVIEW: self.council_review_days,
            Stage.REVISION_REQUESTED: self.revision_days,
            Stage.APPRAISAL: self.appraisal_days,
            Stage.AWAITING_APPROVAL: self.approval_days,
        }.get(stage)


class PublicHoliday(models.Model):
    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["date"]
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.name}"


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
        permission=permissions.is_agency_drafter,
        conditions=[permissions.has_required_content],
    )
    def submit(self):
        pass

    @transition(
        field=state,
        source=WITHDRAWABLE_STAGES,
        target=Stage.WITHDRAWN,
        permission=permissions.is_agency_drafter,
    )
    def withdraw(self):
        pass

    @transition(
        field=state,
        source=Stage.SUBMITTED,
        target=Stage.COUNCIL_REVIEW,
        permission=permissions.is_secretary,
    )
    def accept(self):
        pass

    @transition(
        field=state,
        source=Stage.SUBMITTED,
        target=Stage.REVISION_REQUESTED,
        permission=permissions.is_secretary,
    )
    def return_incomplete(self):
        pass

    @transition(
        field=state,
        source=Stage.COUNCIL_REVIEW,
        target=RETURN_VALUE(Stage.APPRAISAL, Stage.AWAITING_APPROVAL),
        permission=permissions.is_secretary,
    )
    def pass_review(self):
        self.round_number += 1
        return Stage.APPRAISAL if self.needs_appraisal else Stage.AWAITING_APPROVAL

    @transition(
        field=state,
        source=[Stage.COUNCIL_REVIEW, Stage.APPRAISAL],
        target=Stage.REVISION_REQUESTED,
        permission=permissions.may_request_revision,
    )
    def request_revision(self):
        if self.state == Stage.COUNCIL_REVIEW:
            self.round_number += 1

    @transition(
        field=state,
        source=Stage.APPRAISAL,
        target=Stage.AWAITING_APPROVAL,
        permission=permissions.is_appraiser,
    )
    def complete_appraisal(self):
        pass

    @transition(
        field=state,
        source=Stage.AWAITING_APPROVAL,
        target=Stage.APPROVED,
        permission=permissions.is_approver,
    )
    def approve(self):
        today = timezone.localdate()
        self.decision_number = decisions.allocate_decision_number(on=today)
        self.decision_date = today

    @transition(
        field=state,
        source=Stage.AWAITING_APPROVAL,
        target=Stage.REJECTED,
        permission=permissions.is_approver,
    )
    def reject(self):
        pass

    @transition(
        field=state,
        source=[Stage.APPROVED, Stage.REJECTED],
        target=Stage.ARCHIVED,
        permission=permissions.is_clerk,
    )
    def archive(self):
        pass


class DecisionCounter(models.Model):
    """The last decision number issued per issuing body and year; locked while a number is taken."""

    issuing_body = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["issuing_body", "year"], name="unique_counter_per_body_year"
            )
        ]

    def __str__(self):
        return f"{self.issuing_body} {self.year}: {self.last_number}"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError(_("The audit trail cannot be edited."))

    def delete(self):
        raise ValidationError(_("The audit trail cannot be edited."))


class AuditEntry(models.Model):
    """One line of the audit trail. Append-only here and in the database (see migration 0002)."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="audit_entries", verbose_name=_("dossier")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=60)
    from_state = models.CharField(_("from"), max_length=30, blank=True)
    to_state = models.CharField(_("to"), max_length=30, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("The audit trail cannot be edited."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("The audit trail cannot be edited."))


class Seat(models.TextChoices):
    """The seats of a review round."""

    CHAIR = "chair", _("Chair")
    MEMBER = "member", _("Member")
    SECRETARY = "secretary", _("Secretary")


class VoteChoice(models.TextChoices):
    # A vote's words differ from the approver's in Vietnamese: "tán thành", not "phê duyệt".
    APPROVE = policies.APPROVE, pgettext_lazy("vote", "Approve")
    APPROVE_WITH_CONDITIONS = policies.APPROVE_WITH_CONDITIONS, _("Approve with conditions")
    REJECT = policies.REJECT, pgettext_lazy("vote", "Reject")
    ABSTAIN = policies.ABSTAIN, _("Abstain")
    RECUSE = policies.RECUSE, _("Recuse (conflict of interest)")


class RoundResult(models.TextChoices):
    PASSED = "passed", _("Passed")
    REVISION = "revision", _("Revision requested")
    ABANDONED = "abandoned", _("Abandoned: the dossier left the stage")


class Round(models.Model):
    """A council vote on one stage of a dossier: opened by the secretary, closed by the tally."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("dossier")
    )
    stage = models.CharField(_("stage decided"), max_length=30, choices=Stage)
    number = models.PositiveSmallIntegerField(_("round"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("opened by"),
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    due_on = models.DateField(_("due on"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=20, choices=RoundResult, blank=True)
    # The tally as policies.Outcome counted it, kept as it was on the day.
    outcome = models.JSONField(_("tally"), default=dict, blank=True)

    class Meta:
        ordering = ["dossier", "number"]
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"],
                condition=models.Q(closed_at__isnull=True),
                name="one_open_round_per_dossier",
            ),
            models.UniqueConstraint(fields=["dossier", "number"], name="unique_round_number"),
        ]
        indexes = [models.Index(fields=["closed_at", "due_on"])]

    def __str__(self):
        return f"{self.dossier} — {self.number}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class RoundSeat(models.Model):
    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="seats", verbose_name=_("round")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="round_seats",
        verbose_name=_("person"),
    )
    role = models.CharField(_("seat"), max_length=20, choices=Seat)

    class Meta:
        ordering = ["round", "role", "id"]
        verbose_name = _("council seat")
        verbose_name_plural = _("council seats")
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="one_seat_per_person")
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"

    @property
    def votes(self) -> bool:
        return self.role != Seat.SECRETARY


class Vote(models.Model):
    """A member's choice in a round. Never edited: a correction is a new row superseding it."""

    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="votes", verbose_name=_("round")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("member"),
    )
    choice = models.CharField(_("vote"), max_length=30, choices=VoteChoice)
    comment = models.TextField(_("comment"), blank=True)
    conditions = models.TextField(_("conditions or reasons"), blank=True)
    conflict = models.TextField(_("declared conflict of interest"), blank=True)
    cast_at = models.DateTimeField(_("cast at"), default=timezone.now)
    # One-to-one: a vote is corrected at most once, so a member's current vote is unique.
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correction",
        verbose_name=_("corrects"),
    )

    class Meta:
        ordering = ["round", "cast_at", "id"]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "member"],
                condition=models.Q(supersedes__isnull=True),
                name="one_first_vote_per_member",
            )
        ]

    def __str__(self):
        return f"{self.member}: {self.get_choice_display()}"


class Recommendation(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REVISE = "revise", _("Revise")
    REJECT = "reject", _("Reject")


class Appraisal(models.Model):
    """The appraiser's findings on a report or project (Law on Public Investment)."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="appraisals", verbose_name=_("dossier")
    )
    appraiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("appraiser"),
    )
    legal_basis = models.TextField(_("legal basis"))
    necessity = models.TextField(_("necessity"))
    technical_solution = models.TextField(_("technical solution"))
    information_security = models.TextField(_("information security"))
    budget = models.TextField(_("budget"))
    schedule = models.TextField(_("schedule"))
    recommendation = models.CharField(_("recommendation"), max_length=20, choices=Recommendation)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    FINDINGS = (
        "legal_basis",
        "necessity",
        "technical_solution",
        "information_security",
        "budget",
        "schedule",
    )

    class Meta:
        ordering = ["dossier", "created_at", "id"]
        verbose_name = _("appraisal")
        verbose_name_plural = _("appraisals")

    def __str__(self):
        return f"{self.dossier} — {self.get_recommendation_display()}"


class DossierProcess(Process):
    """The viewflow process that carries one dossier through its stages (workflow/flows.py)."""

    dossier = models.OneToOneField(
        Dossier, on_delete=models.PROTECT, related_name="process", verbose_name=_("dossier")
    )

    class Meta:
        verbose_name = _("dossier process")
        verbose_name_plural = _("dossier processes")


class RoundProcess(Process):
    """The viewflow process that waits for a review round's deadline (flows.RoundDeadlineFlow)."""

    round = models.OneToOneField(
        Round, on_delete=models.PROTECT, related_name="deadline_process", verbose_name=_("round")
    )

    class Meta:
        verbose_name = _("round deadline")
        verbose_name_plural = _("round deadlines")
