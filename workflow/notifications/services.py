"""What a user does to their own notifications: read them, choose how to hear of things."""

from django.db import transaction
from django.utils import timezone

from .models import Notification, Preference, Recipient


def notifications_of(user):
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def mark_read(*, user, notification_id) -> Notification | None:
    """The user's own notification, marked read; None when it is not theirs."""
    notification = Notification.objects.filter(recipient=user, pk=notification_id).first()
    if notification is not None and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at=None).update(read_at=timezone.now())


def preferences_of(user) -> dict:
    language = Recipient.objects.filter(user=user).values_list("language", flat=True).first()
    initial = {
        f"kind_{k}": c for k, c in user.notification_preferences.values_list("kind", "channel")
    }
    if language:
        initial["language"] = language
    return initial


@transaction.atomic
def save_preferences(*, user, language: str, channels: dict[str, str]) -> None:
    Recipient.objects.update_or_create(user=user, defaults={"language": language})
    for kind, channel in channels.items():
        Preference.objects.update_or_create(user=user, kind=kind, defaults={"channel": channel})
