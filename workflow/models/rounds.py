"""Council review rounds: their seats, the votes cast and the choices a vote offers."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .. import policies
from ..states import Stage
from .dossiers import Dossier


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
    # Too few members voted: the council convenes again; the agency has nothing to revise.
    VOID = "void", _("Void: no quorum")


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
    # Fixed when the round opens, from the kind's policy for the stage.
    secret_ballot = models.BooleanField(_("secret ballot"), default=False)

    class Meta:
        ordering = ["dossier_id", "number"]
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
        ordering = ["round_id", "role", "id"]
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
        ordering = ["round_id", "cast_at", "id"]
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
