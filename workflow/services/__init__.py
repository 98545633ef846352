"""Every write a user can cause on a dossier: one transaction each, with an audit record.

One module per concern; other apps import the public functions from here.
"""

from .appraisal import record_appraisal
from .audit import record_audit
from .dossiers import create_dossier, update_dossier
from .rounds import cast_vote, close_round, open_round
from .transitions import in_working_days, transition_dossier

__all__ = [
    "cast_vote",
    "close_round",
    "create_dossier",
    "in_working_days",
    "open_round",
    "record_appraisal",
    "record_audit",
    "transition_dossier",
    "update_dossier",
]
