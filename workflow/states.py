"""The stages of a dossier and the kinds of dossier, as DOMAIN.md names them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DossierKind(models.TextChoices):
    PLAN = "plan", _("IT application plan")
    INVESTMENT_REPORT = "investment_report", _("Investment policy report")
    PROJECT = "project", _("IT application project")


class Stage(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    COUNCIL_REVIEW = "council_review", _("Council review")
    REVISION_REQUESTED = "revision_requested", _("Revision requested")
    APPRAISAL = "appraisal", _("Appraisal")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ARCHIVED = "archived", _("Archived")
    WITHDRAWN = "withdrawn", _("Withdrawn")


EDITABLE_STAGES = frozenset({Stage.DRAFT, Stage.REVISION_REQUESTED})
# A drafter may withdraw until a decision is taken.
WITHDRAWABLE_STAGES = [
    Stage.DRAFT,
    Stage.SUBMITTED,
    Stage.COUNCIL_REVIEW,
    Stage.REVISION_REQUESTED,
    Stage.APPRAISAL,
    Stage.AWAITING_APPROVAL,
]
DECIDED_STAGES = frozenset({Stage.APPROVED, Stage.REJECTED, Stage.ARCHIVED})
CLOSED_STAGES = DECIDED_STAGES | {Stage.WITHDRAWN}
# Plans go from the council straight to approval; reports and projects are appraised first.
KINDS_WITH_APPRAISAL = frozenset({DossierKind.INVESTMENT_REPORT, DossierKind.PROJECT})
