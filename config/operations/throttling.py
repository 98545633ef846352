"""Login throttling with django-axes: its authentication backend, and the page it shows when a
user name and address are paused after failed logins."""

import math

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.shortcuts import render


class ThrottledLoginBackend(AxesStandaloneBackend):
    """django-axes' check in front of every login that comes with a request (both login forms).

    A login without a request (code, such as the test client's `login`) has no address to
    throttle by: axes would refuse it, we let the next backend decide.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def locked_out(request, original_response=None, credentials=None):
    minutes = math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes},
                  status=429)
