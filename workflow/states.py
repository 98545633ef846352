"""The stages of a dossier and the kinds of dossier, the stage groups every rule is written
against, and which role works each stage. Nothing else names a group of stages."""

from typing import NamedTuple

from django.db import models
from django.utils.translation import gettext_lazy as _

from . import roles


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


# The drafter's agency may edit the dossier and upload its documents.
EDITABLE_STAGES = frozenset({Stage.DRAFT, Stage.REVISION_REQUESTED})
# Out of the drafter's hands, waiting on the office.
IN_REVIEW_STAGES = frozenset(
    {Stage.SUBMITTED, Stage.COUNCIL_REVIEW, Stage.APPRAISAL, Stage.AWAITING_APPROVAL}
)
# A drafter may withdraw until a decision is taken (a list: django-fsm keeps its order).
WITHDRAWABLE_STAGES = [
    Stage.DRAFT,
    Stage.SUBMITTED,
    Stage.COUNCIL_REVIEW,
    Stage.REVISION_REQUESTED,
    Stage.APPRAISAL,
    Stage.AWAITING_APPROVAL,
]
# A decision was taken: the approver's, or the clerk's archiving of it.
DECIDED_STAGES = frozenset({Stage.APPROVED, Stage.REJECTED, Stage.ARCHIVED})
# Approved or rejected, waiting for the clerk to archive it.
TO_ARCHIVE_STAGES = frozenset({Stage.APPROVED, Stage.REJECTED})
# Nothing of the dossier changes any more but the issuing of its decision: documents are sealed.
CLOSED_STAGES = DECIDED_STAGES | {Stage.WITHDRAWN}
SEALED_STAGES = CLOSED_STAGES
# Entering one of these freezes every stored document version.
FREEZING_STAGES = CLOSED_STAGES | {Stage.SUBMITTED}
# Stages with a deadline in working days (KindPolicy.days_for): a dossier in one can be overdue.
TIMED_STAGES = IN_REVIEW_STAGES | {Stage.REVISION_REQUESTED}
# Plans go from the council straight to approval; reports and projects are appraised first.
KINDS_WITH_APPRAISAL = frozenset({DossierKind.INVESTMENT_REPORT, DossierKind.PROJECT})

# Whose queue a dossier at each stage sits in: the viewflow stage tasks, the inbox and the home
# page all read it here. A rejected dossier waits for archiving like an approved one.
STAGE_ROLES = {
    Stage.DRAFT: roles.DRAFTER,
    Stage.SUBMITTED: roles.SECRETARY,
    Stage.COUNCIL_REVIEW: roles.SECRETARY,
    Stage.REVISION_REQUESTED: roles.DRAFTER,
    Stage.APPRAISAL: roles.APPRAISER,
    Stage.AWAITING_APPROVAL: roles.APPROVER,
    Stage.APPROVED: roles.CLERK,
    Stage.REJECTED: roles.CLERK,
}


def stages_of(role: str) -> frozenset[str]:
    """The stages whose dossiers wait on `role`."""
    return frozenset(stage for stage, owner in STAGE_ROLES.items() if owner == role)


class Queue(NamedTuple):
    """A list of the home page: `slug` names it in the dossier list's address (?queue=)."""

    slug: str
    role: str
    heading: str
    stages: frozenset[str]


# The home page's lists. Each role's own work, split where it reads better, and what a role
# follows without holding it (the drafter's dossiers under review; the council's).
ROLE_QUEUES = [
    Queue("drafts", roles.DRAFTER, _("Drafts and dossiers returned for revision"),
          stages_of(roles.DRAFTER)),
    Queue("under-review", roles.DRAFTER, _("Your agency's dossiers under review"),
          IN_REVIEW_STAGES),
    Queue("to-check", roles.SECRETARY, _("Submitted dossiers to check for completeness"),
          frozenset({Stage.SUBMITTED})),
    Queue("council", roles.SECRETARY, _("Dossiers in council review"),
          frozenset({Stage.COUNCIL_REVIEW})),
    Queue("council", roles.COUNCIL_MEMBER, _("Dossiers in council review"),
          frozenset({Stage.COUNCIL_REVIEW})),
    Queue("to-appraise", roles.APPRAISER, _("Dossiers awaiting appraisal"),
          stages_of(roles.APPRAISER)),
    Queue("to-decide", roles.APPROVER, _("Dossiers awaiting your decision"),
          stages_of(roles.APPROVER)),
    Queue("to-archive", roles.CLERK, _("Decided dossiers to archive"), stages_of(roles.CLERK)),
]
QUEUES = {queue.slug: queue for queue in ROLE_QUEUES}  # a slug held by two roles: one list
