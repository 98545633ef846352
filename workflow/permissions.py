"""Who may do what: the one place. Views, services, selectors and templates (through the views'
context) ask here; documents asks through workflow.paperwork.DocumentAccess, search through
selectors.visible_agency_ids.

TRANSITION_PERMISSIONS holds the predicates of (dossier, user) that the django-fsm transitions
name as their `permission=` (workflow/models/dossiers.py), so `has_transition_perm` answers with
the same rule a button or a service checks.
"""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from . import actions
from .roles import (
    ADMINISTRATOR,
    APPRAISER,
    APPROVER,
    CENTRAL_ROLES,
    CLERK,
    COUNCIL_MEMBER,
    DRAFTER,
    SECRETARY,
    has_role,
    roles_of,
)
from .states import EDITABLE_STAGES, Stage


def agency_id_of(user) -> int | None:
    profile = getattr(user, "profile", None)
    return profile.agency_id if profile else None


def visible_agency_ids(user) -> set[int] | None:
    """The agencies whose dossiers the user may see; None means every agency."""
    roles = roles_of(user)
    if roles & CENTRAL_ROLES:
        return None
    if DRAFTER in roles and agency_id_of(user):
        return {agency_id_of(user)}
    return set()


def may_see(user, dossier) -> bool:
    """visible_agency_ids for one dossier, without a query once the roles are cached."""
    agency_ids = visible_agency_ids(user)
    return agency_ids is None or dossier.agency_id in agency_ids


def may_see_dashboard(user) -> bool:
    """The Program 27 dashboard: the central office sees every agency, a drafter their own."""
    return visible_agency_ids(user) != set()


# --- the transitions' permissions (dossier, user) ---


def is_agency_drafter(dossier, user) -> bool:
    return has_role(user, DRAFTER) and agency_id_of(user) == dossier.agency_id


def is_secretary(dossier, user) -> bool:
    return has_role(user, SECRETARY)


def is_appraiser(dossier, user) -> bool:
    return has_role(user, APPRAISER)


def is_approver(dossier, user) -> bool:
    return has_role(user, APPROVER)


def is_clerk(dossier, user) -> bool:
    return has_role(user, CLERK)


def may_request_revision(dossier, user) -> bool:
    # The secretary sends a failed council round back; the appraiser a dossier needing revision.
    if dossier.state == Stage.APPRAISAL:
        return has_role(user, APPRAISER)
    return has_role(user, SECRETARY)


# Who may take each transition; the transitions on Dossier name these same predicates.
TRANSITION_PERMISSIONS = {
    actions.SUBMIT: is_agency_drafter,
    actions.WITHDRAW: is_agency_drafter,
    actions.ACCEPT: is_secretary,
    actions.RETURN_INCOMPLETE: is_secretary,
    actions.PASS_REVIEW: is_secretary,
    actions.REQUEST_REVISION: may_request_revision,
    actions.COMPLETE_APPRAISAL: is_appraiser,
    actions.APPROVE: is_approver,
    actions.REJECT: is_approver,
    actions.ARCHIVE: is_clerk,
}


def may_take(action: str, dossier, user) -> bool:
    """Whether `user` may take transition `action`, whatever stage the dossier is at."""
    return TRANSITION_PERMISSIONS[action](dossier, user)


def has_required_content(dossier) -> bool:
    """A transition condition, not a permission: what a dossier must hold to be submitted."""
    return bool(dossier.title.strip() and dossier.program.strip() and dossier.summary.strip())


def what_is_missing(action: str, dossier) -> str:
    """Why a transition whose stage and person are right cannot be taken yet, in the words of
    the person who would take it; empty when nothing is missing."""
    if action == actions.SUBMIT and not has_required_content(dossier):
        return str(_("Fill in the title, program and summary before submitting."))
    return ""


# --- dossiers and their documents ---


def may_create_dossier(user) -> bool:
    return has_role(user, DRAFTER) and bool(agency_id_of(user))


def may_edit_dossier(user, dossier) -> bool:
    return dossier.state in EDITABLE_STAGES and is_agency_drafter(dossier, user)


def may_upload_documents(user, dossier) -> bool:
    return may_edit_dossier(user, dossier)


def sees_overdue(user) -> bool:
    """The home page lists overdue dossiers to those who chase them."""
    return bool(roles_of(user) & {SECRETARY, APPROVER})


def may_preview_decision(user, dossier) -> bool:
    """The approver reads the draft decision while the dossier awaits approval."""
    return dossier.state == Stage.AWAITING_APPROVAL and is_approver(dossier, user)


# --- council rounds ---


def council_stages(kind: str) -> frozenset[str]:
    """The stages a council votes on: council review, and appraisal when the policy says so."""
    stages = {Stage.COUNCIL_REVIEW}
    # Through the app registry: the models name these predicates on their transitions.
    if apps.get_model("workflow", "KindPolicy").for_kind(kind).appraisal_by_council:
        stages.add(Stage.APPRAISAL)
    return frozenset(stages)


def may_manage_rounds(user) -> bool:
    """Opening and closing council rounds is the council secretary's."""
    return has_role(user, SECRETARY)


def may_sit_on_council(user) -> bool:
    return has_role(user, COUNCIL_MEMBER)


def may_open_round(user, dossier) -> bool:
    return (
        may_manage_rounds(user)
        and dossier.state in council_stages(dossier.kind)
        and not dossier.rounds.filter(closed_at=None).exists()
    )


def may_close_round(user, round_) -> bool:
    return round_ is not None and round_.is_open and may_manage_rounds(user)


def ballots_are_shown(round_) -> bool:
    """How each member voted is shown once the round has closed, and never for a secret ballot
    (its tally only); while a round is open, only who has voted."""
    return round_.closed_at is not None and not round_.secret_ballot


# --- appraisal ---


def may_record_appraisals(user) -> bool:
    return has_role(user, APPRAISER)


def may_appraise(user, dossier) -> bool:
    return may_record_appraisals(user) and dossier.state == Stage.APPRAISAL


# --- archival (workflow.archival) ---


def may_export_package(user, dossier) -> bool:
    """A clerk hands an archived dossier over to an archive."""
    return has_role(user, CLERK) and dossier.state == Stage.ARCHIVED


def may_import_packages(user) -> bool:
    return has_role(user, ADMINISTRATOR)


def may_upload_signed_decision(user, dossier) -> bool:
    """The approver (who signs on a personal token) or a clerk, once the decision is issued."""
    return bool(roles_of(user) & {APPROVER, CLERK}) and bool(dossier.decision_number)
