"""The bell in the header of every page: the unread count, which the signed-in person comes with
(workflow.backends)."""

from .models import Notification


def unread_notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    count = getattr(user, "unread_notifications", None)
    if count is None:  # a user read another way: one indexed COUNT
        count = Notification.objects.filter(recipient=user, read_at=None).count()
    return {"unread_notifications": count}
