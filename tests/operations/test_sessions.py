"""Sessions are Django's database sessions, read with SQL written once (config/sessions.py): a
session counts while it lives and not a moment longer, on either database."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, make_agency, make_user
from workflow.roles import DRAFTER

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    drafter = make_user(DRAFTER, make_agency())
    response = client.post(reverse("login"), {"username": drafter.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def is_signed_in(client) -> bool:
    response = client.get("/")
    return response.status_code == 200 and "logout" in response.content.decode()


def test_a_session_lasts_until_it_expires(signed_in):
    assert is_signed_in(signed_in)
    key = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(pk=key).update(
        expire_date=timezone.now() + datetime.timedelta(seconds=30))
    assert is_signed_in(signed_in)
    Session.objects.filter(pk=key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1))
    assert not is_signed_in(signed_in)


def test_a_copied_cookie_is_worthless_after_logout(signed_in):
    copy = Client()
    copy.cookies[settings.SESSION_COOKIE_NAME] = signed_in.cookies[
        settings.SESSION_COOKIE_NAME].value
    assert is_signed_in(copy)
    signed_in.post(reverse("logout"))
    assert not is_signed_in(copy)


@pytest.mark.parametrize("forged", ["0" * 32, "a-b", "x' OR '1'='1", "é" * 40, ""])
def test_a_forged_session_cookie_is_nobody(client, forged):
    client.cookies[settings.SESSION_COOKIE_NAME] = forged
    response = client.get("/")
    assert response.status_code == 302 and reverse("login") in response["Location"]
