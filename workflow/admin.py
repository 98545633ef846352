from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow import admin as viewflow_admin
from viewflow.workflow.models import Process, Task

from .actions import ACTIONS, RECORDED_ACTIONS, history_label
from .forms import RecordChoiceField, RecordsChoiceField
from .models import (
    Agency,
    AuditEntry,
    Dossier,
    FollowUp,
    KindPolicy,
    Profile,
    PublicHoliday,
    RegisterEntry,
)
from .page_templates import stage_label
from .services.followups import retry_follow_ups

User = get_user_model()

# The product's name on every admin page, in the reader's language.
admin.site.site_header = _("dossierflow: administration")
admin.site.site_title = _("dossierflow administration")
admin.site.index_title = _("Agencies, users, policies and records")


# The choices of records on the admin's forms, read as the site's forms read them: an id past
# the database's integers (a forged form) is an invalid choice, not a 500.
RECORD_CHOICES = {
    models.ForeignKey: {"form_class": RecordChoiceField},
    models.ManyToManyField: {"form_class": RecordsChoiceField},
}


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "abbreviation", "code"]
    search_fields = ["name", "code"]


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    formfield_overrides = RECORD_CHOICES


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(GroupAdmin):
    """Django's, with its permissions chosen as RECORD_CHOICES says."""

    formfield_overrides = RECORD_CHOICES


@admin.register(User)
class DossierflowUserAdmin(UserAdmin):
    inlines = [ProfileInline]
    formfield_overrides = RECORD_CHOICES
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
        "min_council_members",
        "secret_ballot_review",
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


class ActionFilter(admin.SimpleListFilter):
    """Filter the audit trail by action, named as the history names them (no raw codes)."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return [(name, history_label(name)) for name in (*ACTIONS, *RECORDED_ACTIONS)]

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "dossier", "actor", "action_name", "from_stage", "to_stage"]
    list_filter = [ActionFilter]

    @admin.display(description=_("action"), ordering="action")
    def action_name(self, entry):
        return history_label(entry.action)

    @admin.display(description=_("from"))
    def from_stage(self, entry):
        return stage_label(entry.from_state)

    @admin.display(description=_("to"))
    def to_stage(self, entry):
        return stage_label(entry.to_state)


@admin.register(RegisterEntry)
class RegisterEntryAdmin(ReadOnlyAdmin):
    list_display = ["number", "issued_on", "subject", "dossier"]
    list_filter = ["series", "year"]
    search_fields = ["number", "subject"]


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


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    """Transitions whose follow-ups (inbox task, stage visit, notifications, webhook events) the
    worker has not applied yet; the failing ones with their error, to retry once it is fixed."""

    list_display = ["entry", "dossier", "attempts", "next_attempt_at", "last_error"]
    list_filter = [("next_attempt_at", admin.EmptyFieldListFilter)]
    actions = ["retry"]

    def has_change_permission(self, request, obj=None):
        # Read-only fields, but the changelist's retry action needs it.
        return request.user.is_superuser

    @admin.action(description=_("Apply the selected follow-ups again"))
    def retry(self, request, queryset):
        count = retry_follow_ups(queryset)
        self.message_user(
            request, _("%(count)s follow-ups will be applied again.") % {"count": count}
        )
