from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "workflow.dashboard"
    label = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self):
        from . import visits  # noqa: F401 - connects the transition receiver
