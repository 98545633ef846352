"""Who works on dossiers and under which rules: agencies, people's profiles, per-kind policy,
public holidays."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..states import DossierKind, Stage


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


class SigningAuthority(models.TextChoices):
    """In whose name a person signs the office's documents (Party documents' signature block)."""

    HEAD = "head", _("As the head of the office, with the title alone")
    DEPUTY = "deputy", _("For the head (K/T), as a deputy")
    BY_ORDER = "by_order", _("By order of the head (T/L)")


class Profile(models.Model):
    """What Django's user lacks: the agency a drafter belongs to and a display title."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("agency")
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    signs_as = models.CharField(
        _("signs documents"),
        max_length=20,
        choices=SigningAuthority,
        default=SigningAuthority.BY_ORDER,
    )
    signing_title = models.CharField(
        _("title in the signature block"),
        max_length=100,
        blank=True,
        help_text=_("For example “Phó Chánh Văn phòng”; empty: from the way the person signs."),
    )

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
        default=Decimal("0.6667"),
        help_text=_("Share of non-recused members who must vote for the round to count."),
    )
    pass_threshold = models.DecimalField(
        _("pass threshold"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.5000"),
        help_text=_("The round passes when the share of approving votes is above this."),
    )
    appraisal_by_council = models.BooleanField(
        _("appraisal decided by a council vote"), default=False
    )
    min_council_members = models.PositiveSmallIntegerField(
        _("council members besides the chair (at least)"),
        null=True,
        blank=True,
        help_text=_(
            "The chair votes too; the secretary keeps the minutes and does not vote. "
            "Empty: the site's default (3 unless the operator set another)."
        ),
    )
    secret_ballot_review = models.BooleanField(
        _("secret ballot in council review"),
        default=False,
        help_text=_("Only the tally is shown and recorded, never who voted how."),
    )
    secret_ballot_appraisal = models.BooleanField(
        _("secret ballot when the council decides the appraisal"), default=False
    )
    completeness_checklist = models.TextField(
        _("completeness checklist"),
        blank=True,
        default=(
            "Tờ trình (văn bản đề nghị) của cơ quan\n"
            "Tài liệu chính của hồ sơ\n"
            "Dự toán kinh phí\n"
            "Ý kiến của các cơ quan liên quan (nếu có)"
        ),
        help_text=_(
            "What a complete dossier of this kind holds, one item a line: the secretary ticks "
            "every item to accept a dossier."
        ),
    )

    class Meta:
        verbose_name = _("kind policy")
        verbose_name_plural = _("kind policies")

    def __str__(self):
        return str(self.get_kind_display())

    @classmethod
    def for_kind(cls, kind: str) -> "KindPolicy":
        """The administrator's policy for a kind, or the defaults when none was saved."""
        return next(iter(cls.objects.filter(kind=kind)), None) or cls(kind=kind)

    def clean(self):
        for field in ("quorum", "pass_threshold"):
            value = getattr(self, field)
            if value is not None and not 0 <= value <= 1:
                raise ValidationError({field: _("Enter a share between 0 and 1.")})

    @property
    def checklist(self) -> list[str]:
        return [line.strip() for line in self.completeness_checklist.splitlines() if line.strip()]

    @property
    def council_minimum(self) -> int:
        """Voting members a council needs besides its chair."""
        if self.min_council_members is not None:
            return self.min_council_members
        return settings.WORKFLOW_MIN_COUNCIL_MEMBERS

    def secret_ballot_at(self, stage: str) -> bool:
        return {
            Stage.COUNCIL_REVIEW: self.secret_ballot_review,
            Stage.APPRAISAL: self.secret_ballot_appraisal,
        }.get(stage, False)

    # The field holding each timed stage's deadline, in working days.
    DEADLINE_FIELDS = {
        Stage.SUBMITTED: "completeness_days",
        Stage.COUNCIL_REVIEW: "council_review_days",
        Stage.REVISION_REQUESTED: "revision_days",
        Stage.APPRAISAL: "appraisal_days",
        Stage.AWAITING_APPROVAL: "approval_days",
    }

    def days_for(self, stage: str) -> int | None:
        field = self.DEADLINE_FIELDS.get(stage)
        return getattr(self, field) if field else None


class PublicHoliday(models.Model):
    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["date"]
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.name}"
