"""What people are told (Notification), the mail that tells them (Delivery), and their choices."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflow.states import DossierKind

from .events import Channel, EventKind


class Recipient(models.Model):
    """A user's language for mail; their address is Django's User.email."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self):
        return str(self.user)


class Preference(models.Model):
    """How a user wants to hear of one kind of event; no row means by e-mail at once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("event"), max_length=30, choices=EventKind)
    channel = models.CharField(_("how"), max_length=20, choices=Channel, default=Channel.IMMEDIATE)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self):
        return f"{self.user}: {self.kind} → {self.channel}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class DeliveryKind(models.TextChoices):
    NOTIFICATION = "notification", _("Notification")
    DIGEST = "digest", _("Daily digest")
    PASSWORD_RESET = "password_reset", _("Password reset link")


class Delivery(models.Model):
    """One e-mail to send: the outbox row the worker claims, sends, retries or gives up on.

    Written in the transaction of what causes it. `key` is unique, so the same mail is never
    queued twice; the worker holds a row by its lease (`locked_until`), so a worker killed
    mid-send leaves it to be sent again once the lease has passed.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mail_deliveries",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DeliveryKind)
    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    # An e-mail sent at once tells of one notification: the recipient's with this key.
    event_key = models.CharField(_("event key"), max_length=160, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    locked_until = models.DateTimeField(_("held by a worker until"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    address = models.CharField(_("sent to"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return self.subject or self.key


class Notification(models.Model):
    """One thing one user is told, shown under the bell; `key` names the event it tells of."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("event"), max_length=30, choices=EventKind)
    key = models.CharField(_("event key"), max_length=160)
    dossier_id = models.BigIntegerField(_("dossier"), null=True, blank=True)
    round_id = models.BigIntegerField(_("round"), null=True, blank=True)
    # The values the message is written from, so it reads the same in any language later.
    context = models.JSONField(_("details"), default=dict, blank=True)
    channel = models.CharField(_("how"), max_length=20, choices=Channel)
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # The daily digest e-mail that told of it, for those who chose a digest.
    digest = models.ForeignKey(
        Delivery,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("digest"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="one_notification_per_event")
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["channel", "digest"]),
        ]

    def __str__(self):
        return f"{self.recipient}: {self.kind}"


class RoundCalendar(models.Model):
    """The calendar entry of a round's deadline: one UID for ever, SEQUENCE up at each change."""

    round_id = models.BigIntegerField(unique=True)
    sequence = models.PositiveIntegerField(default=0)
    due_on = models.DateField()

    def __str__(self):
        return f"round {self.round_id} #{self.sequence}"


class ReminderPolicy(models.Model):
    """How many working days before a deadline people are reminded, per kind of dossier."""

    kind = models.CharField(_("dossier kind"), max_length=30, choices=DossierKind, unique=True)
    days_before = models.PositiveSmallIntegerField(
        _("remind this many working days before"), default=2
    )

    class Meta:
        verbose_name = _("reminder policy")
        verbose_name_plural = _("reminder policies")

    def __str__(self):
        return str(self.get_kind_display())
