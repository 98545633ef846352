"""Sent and failed e-mail per user, the reminder policy, and "send a password reset link"."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from workflow.admin import DossierflowUserAdmin, ReadOnlyAdmin

from .jobs import try_the_server_now
from .mail import NothingToSend, build_message
from .models import (
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Notification,
    Recipient,
    ReminderPolicy,
)
from .outbox import queue_password_reset

User = get_user_model()


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "recipient",
        "kind",
        "status",
        "attempts",
        "sent_at",
        "address",
        "subject",
        "last_error",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["recipient__username", "recipient__email", "subject"]
    list_select_related = ["recipient"]
    readonly_fields = ["message"]
    actions = ["retry"]

    def has_change_permission(self, request, obj=None):
        # Read-only fields, but the changelist's retry action needs it.
        return request.user.is_superuser

    @admin.display(description=_("message"))
    def message(self, delivery):
        """What was (or will be) sent, as the recipient reads it; never a reset link."""
        if delivery.kind == DeliveryKind.PASSWORD_RESET:
            return "—"
        try:
            return format_html("<pre>{}</pre>", build_message(delivery).body)
        except NothingToSend as exc:
            return str(exc)

    @admin.action(description=_("Send the selected failed e-mails again"))
    def retry(self, request, queryset):
        count = queryset.filter(status=DeliveryStatus.FAILED).update(
            status=DeliveryStatus.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
            locked_until=None,
        )
        try_the_server_now()  # an administrator who sends again has likely mended the server
        self.message_user(request, _("%(count)s e-mails will be sent again.") % {"count": count})


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "kind", "channel", "dossier_id", "read_at"]
    list_filter = ["kind", "channel"]
    search_fields = ["recipient__username"]
    list_select_related = ["recipient"]


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(admin.ModelAdmin):
    list_display = ["kind", "days_before"]


class RecipientInline(admin.StackedInline):
    model = Recipient
    can_delete = False


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DossierflowUserAdmin):
    inlines = [*DossierflowUserAdmin.inlines, RecipientInline]
    list_display = [*DossierflowUserAdmin.list_display, "email", "mail"]
    actions = ["send_password_reset"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                mail_sent=Count(
                    "mail_deliveries", filter=Q(mail_deliveries__status=DeliveryStatus.SENT)
                ),
                mail_failed=Count(
                    "mail_deliveries", filter=Q(mail_deliveries__status=DeliveryStatus.FAILED)
                ),
            )
        )

    @admin.display(description=_("e-mails sent / failed"))
    def mail(self, user):
        url = reverse("admin:notifications_delivery_changelist")
        return format_html(
            '<a href="{}?recipient__id__exact={}">{} / {}</a>',
            url,
            user.pk,
            user.mail_sent,
            user.mail_failed,
        )

    @admin.action(description=_("Send a password reset link"))
    def send_password_reset(self, request, queryset):
        without = [u.get_username() for u in queryset if not u.email]
        with transaction.atomic():
            queued = [queue_password_reset(u) for u in queryset.filter(is_active=True) if u.email]
        if queued:
            self.message_user(
                request,
                ngettext(
                    "A password reset link will be sent to %(count)d user.",
                    "A password reset link will be sent to %(count)d users.",
                    len(queued),
                )
                % {"count": len(queued)},
                messages.SUCCESS,
            )
        if without:
            self.message_user(
                request,
                _("No e-mail address, nothing sent: %(users)s") % {"users": ", ".join(without)},
                messages.WARNING,
            )
