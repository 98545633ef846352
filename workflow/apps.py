"""workflow: the process a dossier goes through (stages, roles, rounds, appraisal, decisions)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = _("Workflow")

    def ready(self):
        from documents import access

        from .paperwork import DocumentAccess

        # documents asks the workflow who may see and change a dossier's documents.
        access.register(DocumentAccess())
