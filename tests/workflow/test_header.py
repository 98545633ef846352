"""The header's links are rendered once and kept (base.html): each reader still gets the links
of their own language and rights, whoever asked before them."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def header_of(client, path="/"):
    page = client.get(path).content.decode()
    return page.partition("<header>")[2].partition('<span class="spacer">')[0]


def test_each_reader_gets_the_links_of_their_language_and_rights(client):
    with translation.override("vi"):  # the default language's addresses have no prefix
        dashboard, admin, verify = (reverse(name) for name in (
            "workflow:dashboard:home", "admin:index", "archival:verify"))
    client.force_login(make_user("secretary", is_staff=True))
    staff = header_of(client)
    assert dashboard in staff and admin in staff
    assert "Quản trị" in staff

    client.force_login(make_user("council_member"))
    member = header_of(client)
    assert dashboard in member and admin not in member

    # A user without a role sees no dashboard (and no administration).
    client.force_login(make_user())
    nobody = header_of(client)
    assert dashboard not in nobody and admin not in nobody
    assert 'href="/inbox/"' in nobody

    # The same rights in English: English words and addresses.
    english = header_of(client, "/en/")
    assert ">Inbox</a>" in english and 'href="/en/inbox/"' in english
    assert 'href="/inbox/"' not in english

    client.logout()
    anonymous = header_of(client, verify)
    assert 'href="/inbox/"' not in anonymous
    assert verify in anonymous
