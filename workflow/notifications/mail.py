"""The e-mail of a delivery: in the recipient's language, plain text and HTML, absolute links."""

import datetime
from email.mime.text import MIMEText
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from . import calendar
from .events import EventKind, describe
from .models import Delivery, DeliveryKind, Notification, Recipient


class NothingToSend(Exception):
    """The delivery has nothing left to say (its notification is gone, or no address)."""


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def language_of(user) -> str:
    found = Recipient.objects.filter(user=user).values_list("language", flat=True).first()
    return found or settings.LANGUAGE_CODE


def link_for(notification: Notification) -> str:
    """The path of what the notification is about, in the active language."""
    if notification.dossier_id:
        return reverse("workflow:dossier", args=[notification.dossier_id])
    return reverse("notifications:list")


def build_message(delivery: Delivery, *, connection=None) -> EmailMultiAlternatives:
    user = delivery.recipient
    if not user.email:
        raise NothingToSend(_("The user has no e-mail address."))
    with translation.override(language_of(user)):
        subject, items, attachment = _content(delivery)
        context = {"user": user, "items": items, "site_url": settings.SITE_URL}
        text = render_to_string("notifications/email.txt", context)
        html = render_to_string("notifications/email.html", context)
        subject = f"[dossierflow] {subject}"
    message = EmailMultiAlternatives(
        # One line: a header may hold no line break, whatever a title carries (a CR included).
        subject=" ".join(subject.split())[:250],
        body=text,
        to=[user.email],
        connection=connection,
        # The same for every attempt, so a mail server (or reader) can tell a repeat.
        headers={"Message-ID": f"<delivery-{delivery.pk}@{_host()}>"},
    )
    message.attach_alternative(html, "text/html")
    if attachment:
        calendar_part = MIMEText(attachment, "calendar", "utf-8")
        calendar_part.set_param("method", "PUBLISH")
        calendar_part.add_header("Content-Disposition", "attachment", filename="round.ics")
        message.attach(calendar_part)
    return message


def _item(notification: Notification) -> dict:
    subject, lines = describe(notification.kind, notification.context)
    return {"subject": subject, "lines": lines, "url": absolute(link_for(notification))}


def _content(delivery: Delivery):
    if delivery.kind == DeliveryKind.PASSWORD_RESET:
        user = delivery.recipient
        path = reverse(
            "notifications:password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        item = {
            "subject": _("Set a new password"),
            "lines": [
                _("An administrator sent you this link to set a new password for “%(username)s”.")
                % {"username": user.get_username()},
                _("If you did not expect it, ignore this e-mail."),
            ],
            "url": absolute(path),
        }
        return item["subject"], [item], None
    if delivery.kind == DeliveryKind.DIGEST:
        items = [_item(n) for n in delivery.notifications.order_by("created_at", "id")]
        if not items:
            raise NothingToSend("empty digest")
        return _("Your daily digest: %(count)s notifications") % {"count": len(items)}, items, None
    notification = Notification.objects.filter(
        recipient_id=delivery.recipient_id, key=delivery.event_key
    ).first()
    if notification is None:
        raise NothingToSend("notification deleted")
    item = _item(notification)
    attachment = None
    if notification.kind == EventKind.ROUND_OPENED and notification.round_id:
        attachment = calendar.round_deadline(
            round_id=notification.round_id,
            due_on=_date(notification.context["due_on"]),
            summary=item["subject"],
            url=item["url"],
        )
    return item["subject"], [item], attachment


def _date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "dossierflow"
