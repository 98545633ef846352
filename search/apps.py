from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        from documents.signals import document_changed
        from workflow.signals import dossier_changed

        from . import receivers

        dossier_changed.connect(receivers.dossier_changed, dispatch_uid="search.dossier_changed")
        document_changed.connect(receivers.document_changed, dispatch_uid="search.document_changed")
        post_migrate.connect(receivers.tables_reset, sender=self,
                             dispatch_uid="search.tables_reset")
