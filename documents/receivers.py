"""What the documents app does when a dossier moves: freeze at submission, seal at a decision."""

from django.dispatch import receiver

from workflow.signals import dossier_transitioned
from workflow.states import FREEZING_STAGES

from .services import freeze_versions


@receiver(dossier_transitioned, dispatch_uid="documents.freeze_on_transition")
def freeze_on_transition(sender, dossier, to_state, **kwargs):
    # Sent inside the transition's transaction: the freeze commits or rolls back with it.
    if to_state in FREEZING_STAGES:
        freeze_versions(dossier)
