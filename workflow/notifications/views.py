from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..paging import Pages
from . import services
from .events import describe
from .forms import PreferencesForm
from .mail import link_for


@login_required
def notification_list(request):
    page = Pages(services.notifications_of(request.user), 20).get_page(request.GET.get("page"))
    for notification in page:
        notification.subject, notification.lines = describe(notification.kind, notification.context)
    return render(request, "notifications/list.html", {"page": page})


@login_required
def notification_open(request, pk):
    """Marks the notification read and goes to what it is about."""
    notification = services.mark_read(user=request.user, notification_id=pk)
    if notification is None:
        raise Http404
    return redirect(link_for(notification))


@login_required
@require_POST
def notification_read(request, pk):
    if services.mark_read(user=request.user, notification_id=pk) is None:
        raise Http404
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request):
    count = services.mark_all_read(user=request.user)
    messages.success(request, _("%(count)s notifications marked as read.") % {"count": count})
    return redirect("notifications:list")


@login_required
def preferences(request):
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            services.save_preferences(
                user=request.user,
                language=form.cleaned_data["language"],
                channels=form.channels(),
            )
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notifications:preferences")
    else:
        initial = {"language": translation.get_language(), **services.preferences_of(request.user)}
        form = PreferencesForm(initial=initial)
    return render(request, "notifications/preferences.html", {"form": form})
