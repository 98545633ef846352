"""The bell in the header of every page: the unread count."""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from .models import Notification


def with_unread_count(users):
    """The users with `unread_notifications`, their unread count, read in the same query (the
    signed-in person of every request comes this way: workflow.backends)."""
    unread = (Notification.objects.filter(recipient=OuterRef("pk"), read_at=None).order_by()
              .values("recipient").annotate(n=Count("pk")).values("n"))
    return users.annotate(unread_notifications=Coalesce(Subquery(unread), 0))


def unread_notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    count = getattr(user, "unread_notifications", None)
    if count is None:  # a user read another way: one indexed COUNT
        count = Notification.objects.filter(recipient=user, read_at=None).count()
    return {"unread_notifications": count}
