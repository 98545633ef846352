from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from viewflow.workflow import admin as viewflow_admin
from viewflow.workflow.models import Process, Task

from .models import Agency, AuditEntry, Dossier, KindPolicy, Profile, PublicHoliday

User = get_user_model()


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "abbreviation", "code"]
    search_fields = ["name", "code"]


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False


admin.site.unregister(User)


@admin.register(User)
class DossierflowUserAdmin(UserAdmin):
    inlines = [ProfileInline]
    list_display = ["username", "first_name", "last_name", "agency", "is_active"]
    list_filter = ["groups", "profile__agency", "is_active"]

    @admin.display(description=Agency._meta.verbose_name)
    def agency(self, user):
        profile = getattr(user, "profile", None)
        return profile.agency if profile else "—"


@admin.register(KindPolicy)
class KindPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "kind",
        "completeness_days",
        "council_review_days",
        "appraisal_days",
        "approval_days",
        "quorum",
        "pass_threshold",
        "appraisal_by_council",
    ]


@admin.register(PublicHoliday)
class PublicHolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never added, changed or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    """Read-only: a dossier changes only through its transitions, never by hand in the admin."""

    list_display = ["title", "agency", "kind", "state", "stage_due_on", "decision_number"]
    list_filter = ["kind", "state", "agency"]
    search_fields = ["title", "decision_number"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "dossier", "actor", "action", "from_state", "to_state"]
    list_filter = ["action"]


# viewflow's own admin lets a superuser delete a process or a task: the inbox would lose the task
# and the dossier's stage would no longer match its process, with nothing in the audit trail.
# Both follow the dossier's transitions only, like the dossier itself.
admin.site.unregister(Process)
admin.site.unregister(Task)


@admin.register(Process)
class ProcessAdmin(ReadOnlyAdmin, viewflow_admin.ProcessAdmin):
    """viewflow's process list and detail, read-only."""


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin, viewflow_admin.TaskAdmin):
    """viewflow's task list and detail, read-only."""
