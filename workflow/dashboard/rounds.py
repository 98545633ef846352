"""How the dashboard sorts closed council rounds: passed, passed with conditions, failed, void."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..models import RoundResult

# A round is void when it never counted: the dossier left the stage, or the quorum was not met.
_VOID = Q(result=RoundResult.ABANDONED) | Q(outcome__quorum_met=False)
_COUNTED = ~Q(result=RoundResult.ABANDONED) & Q(outcome__quorum_met=True)

ROUND_BUCKETS = {
    "passed": _COUNTED & Q(outcome__passed=True) & Q(outcome__with_conditions=0),
    "conditional": _COUNTED & Q(outcome__passed=True) & Q(outcome__with_conditions__gt=0),
    "failed": _COUNTED & Q(outcome__passed=False),
    "void": _VOID,
}
ROUND_LABELS = {
    "passed": _("Passed"),
    "conditional": _("Passed with conditions"),
    "failed": _("Failed"),
    "void": _("Void"),
}
