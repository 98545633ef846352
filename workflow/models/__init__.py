"""workflow's models, one module per concern; every model is importable from here."""

from .appraisal import Appraisal, Recommendation
from .audit import AppendOnlyQuerySet, AuditEntry
from .dossiers import DecisionCounter, Dossier
from .followups import FollowUp
from .organisation import Agency, KindPolicy, Profile, PublicHoliday, SigningAuthority
from .processes import DossierProcess, RoundProcess
from .register import RegisterEntry
from .rounds import Round, RoundResult, RoundSeat, Seat, Vote, VoteChoice

__all__ = [
    "Agency",
    "AppendOnlyQuerySet",
    "Appraisal",
    "AuditEntry",
    "DecisionCounter",
    "Dossier",
    "DossierProcess",
    "FollowUp",
    "KindPolicy",
    "Profile",
    "PublicHoliday",
    "Recommendation",
    "RegisterEntry",
    "Round",
    "RoundProcess",
    "RoundResult",
    "RoundSeat",
    "Seat",
    "SigningAuthority",
    "Vote",
    "VoteChoice",
]
