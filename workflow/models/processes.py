"""The viewflow processes that carry a dossier through its stages and wait on a round's deadline
(workflow/flows.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from .dossiers import Dossier
from .rounds import Round


class DossierProcess(Process):
    """The viewflow process that carries one dossier through its stages (workflow/flows.py)."""

    dossier = models.OneToOneField(
        Dossier, on_delete=models.PROTECT, related_name="process", verbose_name=_("dossier")
    )
    # Not stored: the stage the transition being followed reached (flows.follow_dossier).
    stage_reached = None

    class Meta:
        verbose_name = _("dossier process")
        verbose_name_plural = _("dossier processes")


class RoundProcess(Process):
    """The viewflow process that waits for a review round's deadline (flows.RoundDeadlineFlow)."""

    round = models.OneToOneField(
        Round, on_delete=models.PROTECT, related_name="deadline_process", verbose_name=_("round")
    )

    class Meta:
        verbose_name = _("round deadline")
        verbose_name_plural = _("round deadlines")
