"""A URL whose view fails, for the test that errors reach the log and not the user."""

from django.urls import path


def broken(request):
    raise RuntimeError("secret internal detail")


urlpatterns = [path("broken/", broken)]
