from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Job, WorkerHeartbeat
from .worker import retry_jobs


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "attempts", "next_run_at", "last_finished_at",
                    "last_duration_ms", "last_result", "locked_by"]
    list_filter = ["status"]
    actions = ["retry"]
    readonly_fields = [f.name for f in Job._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Retry the selected jobs now"))
    def retry(self, request, queryset):
        count = retry_jobs(queryset)
        self.message_user(request, ngettext(
            "%(count)d job will run again at the next poll.",
            "%(count)d jobs will run again at the next poll.", count) % {"count": count},
            messages.SUCCESS)


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["worker", "started_at", "seen_at"]
    readonly_fields = ["worker", "started_at", "seen_at"]

    def has_add_permission(self, request):
        return False
