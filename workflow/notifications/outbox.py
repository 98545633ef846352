"""Writing notifications and their e-mails, inside the caller's transaction.

A constant number of queries whatever the number of recipients: the preferences, one insert of
the notifications and one of the e-mails, both ignoring rows that exist (the idempotency keys).
"""

import uuid

from django.db import connection
from django.db.models import JSONField
from django.utils import timezone

from workflow.permissions import may_see
from workflow.reads import once

from .events import Channel
from .models import Delivery, DeliveryKind, Notification, Preference


def channels_of(user_ids, kind: str) -> dict[int, str]:
    """How each user wants to hear of `kind`; at once unless they chose otherwise.

    Read once in a unit of work (workflow/reads.py): the worker's run of follow-ups tells the
    same people of the same kind of event for dossier after dossier."""
    user_ids = frozenset(user_ids)
    return once(("notification_channels", kind, user_ids), lambda: _channels_of(user_ids, kind))


def _channels_of(user_ids, kind: str) -> dict[int, str]:
    chosen = dict(
        Preference.objects.filter(user_id__in=list(user_ids), kind=kind).values_list(
            "user_id", "channel"
        )
    )
    return {pk: chosen.get(pk, Channel.IMMEDIATE) for pk in user_ids}


def notify(*, kind, key, dossier, recipients, context, per_recipient=None, round_id=None) -> int:
    """Tell each of `recipients` who may see `dossier` of event `key`; returns how many were told.

    `per_recipient` adds to the context for one user (their seat on a council).
    """
    told = {u.pk: u for u in recipients if may_see(u, dossier)}
    return notify_many(
        [
            (
                user_id,
                kind,
                key,
                dossier.pk,
                round_id,
                {**context, **(per_recipient or {}).get(user_id, {})},
            )
            for user_id in told
        ]
    )


def notify_many(rows, preferences=None, *, skip_told=False) -> int:
    """Write (user_id, kind, key, dossier_id, round_id, context) rows, already permission-checked.

    `preferences` maps (user_id, kind) to a channel for callers that loaded them in bulk.
    `skip_told` first reads which of the rows exist (one query) and builds only the others: for
    the sweep, which runs many times a day over the same deadlines.
    """
    if skip_told and rows:
        told = set(
            Notification.objects.filter(key__in={row[2] for row in rows}).values_list(
                "recipient_id", "key"
            )
        )
        rows = [row for row in rows if (row[0], row[2]) not in told]
    if not rows:
        return 0
    if preferences is None:
        preferences = {}
        for kind in {row[1] for row in rows}:
            users = {row[0] for row in rows if row[1] == kind}
            preferences.update({(pk, kind): ch for pk, ch in channels_of(users, kind).items()})
    now = timezone.now()
    notifications, deliveries = [], []
    for user_id, kind, key, dossier_id, round_id, context in rows:
        channel = preferences.get((user_id, kind), Channel.IMMEDIATE)
        notifications.append(
            Notification(
                recipient_id=user_id,
                kind=kind,
                key=key,
                dossier_id=dossier_id,
                round_id=round_id,
                context=context,
                channel=channel,
                created_at=now,
            )
        )
        if channel == Channel.IMMEDIATE:
            deliveries.append(
                Delivery(
                    recipient_id=user_id,
                    kind=DeliveryKind.NOTIFICATION,
                    key=f"n:{user_id}:{key}",
                    event_key=key,
                    created_at=now,
                    next_attempt_at=now,
                )
            )
    _insert_new(Notification, notifications)
    _insert_new(Delivery, deliveries)
    return len(notifications)


def _insert_new(model, objs) -> None:
    """Insert the rows whose unique key is not taken yet: INSERT … ON CONFLICT DO NOTHING.

    The statement bulk_create(ignore_conflicts=True) writes, without its cost in Python (most
    of the sweep's time for ten thousand rows, a third of a transition's notifications): a
    value the rows share (their event, time, status) is converted for the database once.
    SQLite gets one executemany, PostgreSQL statements of up to 1,000 rows; another database
    bulk_create itself.
    """
    if not objs:
        return
    if connection.vendor not in ("sqlite", "postgresql"):
        model.objects.bulk_create(objs, ignore_conflicts=True, batch_size=1000)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    converted = {}

    def to_db(field, value):
        if isinstance(field, JSONField):  # a dict: not shared, and not hashable
            return field.get_db_prep_save(value, connection)
        key = (field.attname, type(value), value)
        if key not in converted:
            converted[key] = field.get_db_prep_save(value, connection)
        return converted[key]

    rows = [[to_db(f, getattr(o, f.attname)) for f in fields] for o in objs]
    quote = connection.ops.quote_name
    table, columns = quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"

    def insert(values: str) -> str:
        return f"INSERT INTO {table} ({columns}) VALUES {values} ON CONFLICT DO NOTHING"

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany(insert(one_row), rows)
            return
        for start in range(0, len(rows), 1000):
            batch = rows[start : start + 1000]
            params = [value for row in batch for value in row]
            cursor.execute(insert(", ".join([one_row] * len(batch))), params)


def queue_password_reset(user) -> Delivery:
    """An e-mail with a link to set a new password; the token is made when it is sent."""
    return Delivery.objects.create(
        recipient=user, kind=DeliveryKind.PASSWORD_RESET, key=f"reset:{user.pk}:{uuid.uuid4()}"
    )
