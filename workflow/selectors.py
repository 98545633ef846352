"""Every read with a permission in it. Views, documents and search ask here who sees what."""

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry, Dossier, KindPolicy
from .permissions import agency_id_of, is_agency_drafter
from .roles import CENTRAL_ROLES, DRAFTER, roles_of
from .states import EDITABLE_STAGES, Stage


def visible_agency_ids(user) -> set[int] | None:
    """The agencies whose dossiers the user may see; None means every agency."""
    roles = roles_of(user)
    if roles & CENTRAL_ROLES:
        return None
    if DRAFTER in roles and agency_id_of(user):
        return {agency_id_of(user)}
    return set()


def dossiers_visible_to(user) -> QuerySet[Dossier]:
    dossiers = Dossier.objects.select_related("agency")
    agency_ids = visible_agency_ids(user)
    if agency_ids is None:
        return dossiers
    return dossiers.filter(agency_id__in=agency_ids)


def dossier_for(user, pk) -> Dossier:
    """The dossier if the user may see it; otherwise 404, so its existence is not revealed."""
    try:
        return dossiers_visible_to(user).get(pk=pk)
    except (Dossier.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def may_create_dossier(user) -> bool:
    return DRAFTER in roles_of(user) and bool(agency_id_of(user))


def may_edit_dossier(user, dossier: Dossier) -> bool:
    return dossier.state in EDITABLE_STAGES and is_agency_drafter(dossier, user)


def may_upload_documents(user, dossier: Dossier) -> bool:
    return may_edit_dossier(user, dossier)


def available_actions(user, dossier: Dossier) -> list[str]:
    """Names of the transitions this user may take on this dossier now."""
    return [t.name for t in dossier.get_available_user_state_transitions(user)]


def history_of(dossier: Dossier) -> QuerySet[AuditEntry]:
    return dossier.audit_entries.select_related("actor")


def policy_for(kind: str) -> KindPolicy:
    """The administrator's policy for a kind, or the defaults when none was saved."""
    return KindPolicy.objects.filter(kind=kind).first() or KindPolicy(kind=kind)


def overdue_dossiers(user, today) -> QuerySet[Dossier]:
    return (
        dossiers_visible_to(user)
        .filter(stage_due_on__lt=today)
        .exclude(
            state__in=[Stage.DRAFT, Stage.APPROVED, Stage.REJECTED, Stage.ARCHIVED, Stage.WITHDRAWN]
        )
    )


# What each role is waiting on, for its home page: (role, heading, stages).
_ROLE_QUEUES = [
    (
        "drafter",
        _("Drafts and dossiers returned for revision"),
        [Stage.DRAFT, Stage.REVISION_REQUESTED],
    ),
    (
        "drafter",
        _("Your agency's dossiers under review"),
        [Stage.SUBMITTED, Stage.COUNCIL_REVIEW, Stage.APPRAISAL, Stage.AWAITING_APPROVAL],
    ),
    ("secretary", _("Submitted dossiers to check for completeness"), [Stage.SUBMITTED]),
    ("secretary", _("Dossiers in council review"), [Stage.COUNCIL_REVIEW]),
    ("council_member", _("Dossiers in council review"), [Stage.COUNCIL_REVIEW]),
    ("appraiser", _("Dossiers awaiting appraisal"), [Stage.APPRAISAL]),
    ("approver", _("Dossiers awaiting your decision"), [Stage.AWAITING_APPROVAL]),
    ("clerk", _("Decided dossiers to archive"), [Stage.APPROVED, Stage.REJECTED]),
]


def home_sections(user) -> list[tuple[str, QuerySet[Dossier]]]:
    roles = roles_of(user)
    visible = dossiers_visible_to(user)
    sections, seen = [], set()
    for role, heading, stages in _ROLE_QUEUES:
        if role in roles and str(heading) not in seen:
            seen.add(str(heading))
            sections.append(
                (heading, visible.filter(state__in=stages).order_by("stage_due_on", "id"))
            )
    return sections


def council_stages(kind: str) -> frozenset[str]:
    """The stages a council votes on: council review, and appraisal when the policy says so."""
    stages = {Stage.COUNCIL_REVIEW}
    if policy_for(kind).appraisal_by_council:
        stages.add(Stage.APPRAISAL)
    return frozenset(stages)
