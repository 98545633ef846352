"""Who may take each transition: plain predicates of (dossier, user), used by the FSM guards."""

from .roles import APPRAISER, APPROVER, CLERK, DRAFTER, SECRETARY, has_role
from .states import Stage


def agency_id_of(user) -> int | None:
    profile = getattr(user, "profile", None)
    return profile.agency_id if profile else None


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


def has_required_content(dossier) -> bool:
    return bool(dossier.title.strip() and dossier.program.strip() and dossier.summary.strip())
