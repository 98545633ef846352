"""A round's deadline as an iCalendar entry (RFC 5545) for the invitation e-mail.

The UID is the round's for ever; SEQUENCE goes up whenever the deadline differs from the one
last sent, so a calendar replaces the entry instead of adding a second one.
"""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from .models import RoundCalendar


def _escape(text: str) -> str:
    # Any line break (CR LF, a lone CR too) is the escaped "\n": a raw one would end the line.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    data, parts = line.encode(), []
    while len(data) > 75:
        cut = 75 if not parts else 74
        while (data[cut] & 0xC0) == 0x80:  # never split a UTF-8 character
            cut -= 1
        parts.append(data[:cut].decode())
        data = data[cut:]
    parts.append(data.decode())
    return "\r\n ".join(parts)


def sequence_for(round_id: int, due_on: datetime.date) -> int:
    """The SEQUENCE for this deadline: kept while it stands, one more when it changed."""
    entry, created = RoundCalendar.objects.get_or_create(
        round_id=round_id, defaults={"due_on": due_on}
    )
    if not created and entry.due_on != due_on:
        entry.sequence += 1
        entry.due_on = due_on
        entry.save(update_fields=["sequence", "due_on"])
    return entry.sequence


def round_deadline(*, round_id: int, due_on: datetime.date, summary: str, url: str) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "dossierflow"
    stamp = timezone.now().astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//dossierflow//notifications//EN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:round-{round_id}@{host}",
        f"SEQUENCE:{sequence_for(round_id, due_on)}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{due_on:%Y%m%d}",
        f"DTEND;VALUE=DATE:{due_on + datetime.timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{_escape(summary)}",
        f"URL:{url}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
