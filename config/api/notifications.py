"""/api/v1/notifications: the caller's own notifications, as the bell page shows them
(workflow.notifications: its services read and mark them, its events describe them)."""

import datetime

from django.http import Http404
from ninja import Field, Path, Query, Router, Schema

from workflow.notifications import services
from workflow.notifications.events import describe

from .dossiers import ERRORS
from .schemas import MAX_ID, Out

router = Router(tags=["notifications"])


class NotificationOut(Out):
    id: int
    kind: str
    subject: str
    lines: list[str]
    dossier_id: int | None
    created_at: datetime.datetime
    read_at: datetime.datetime | None


class NotificationPage(Out):
    count: int
    unread: int
    results: list[NotificationOut]


class NotificationQuery(Schema):
    unread: bool = False
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(25, ge=1, le=100)


def _out(notification) -> dict:
    subject, lines = describe(notification.kind, notification.context)
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "subject": str(subject),
        "lines": [str(line) for line in lines],
        "dossier_id": notification.dossier_id,
        "created_at": notification.created_at,
        "read_at": notification.read_at,
    }


@router.get("", response={200: NotificationPage, **ERRORS}, summary="Your notifications")
def list_notifications(request, query: Query[NotificationQuery]):
    notifications = services.notifications_of(request.auth)
    unread = notifications.filter(read_at=None)
    chosen = unread if query.unread else notifications
    start = (query.page - 1) * query.page_size
    return {
        "count": chosen.count(),
        "unread": unread.count(),
        "results": [_out(n) for n in chosen[start : start + query.page_size]],
    }


@router.post(
    "/{notification_id}/read",
    response={200: NotificationOut, **ERRORS},
    summary="Mark one of your notifications read",
)
def read(request, notification_id: int = Path(..., ge=1, le=MAX_ID)):
    notification = services.mark_read(user=request.auth, notification_id=notification_id)
    if notification is None:
        raise Http404
    return _out(notification)
