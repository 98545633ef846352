"""The bell in the header of every page: the unread count, one indexed COUNT query."""

from .models import Notification


def unread_notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": Notification.objects.filter(recipient=user, read_at=None).count()
    }
