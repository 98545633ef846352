"""The bell, the notifications page and the preferences page, through HTTP."""

import re

import pytest

from tests.factories import make_agency, make_dossier
from tests.workflow.notifications.test_events import person
from workflow import services
from workflow.notifications.models import Notification, Preference, Recipient


@pytest.fixture
def returned():
    """A drafter whose dossier came back twice: two unread notifications."""
    agency = make_agency()
    drafter, secretary = person("drafter", agency), person("secretary")
    dossiers = [make_dossier(agency=agency, state="submitted", created_by=drafter) for _ in "ab"]
    for dossier in dossiers:
        services.transition_dossier(
            dossier_id=dossier.pk,
            action="return_incomplete",
            user=secretary,
            comment="Thiếu <b>phụ lục</b>.",
        )
    return drafter, dossiers


def _bell(html: str) -> str:
    found = re.search(r'class="badge unread-count">(\d+)<', html)
    return found.group(1) if found else ""


@pytest.mark.django_db
def test_the_bell_counts_unread_on_every_page_in_one_query(
    client, returned, django_assert_num_queries
):
    drafter, _ = returned
    client.force_login(drafter)
    for url in ("/", "/dossiers/", "/notifications/"):
        assert _bell(client.get(url).content.decode()) == "2"
    from workflow.notifications.context_processors import unread_notifications

    request = type("R", (), {"user": drafter})()
    with django_assert_num_queries(1):
        assert unread_notifications(request)["unread_notifications"] == 2


@pytest.mark.django_db
def test_opening_a_notification_marks_it_read_and_goes_to_its_dossier(client, returned):
    drafter, dossiers = returned
    client.force_login(drafter)
    page = client.get("/notifications/").content.decode()
    assert "Trả lại do chưa đầy đủ" in page
    assert "&lt;b&gt;phụ lục&lt;/b&gt;" in page  # user text is escaped
    newest = Notification.objects.filter(recipient=drafter).order_by("-id").first()
    response = client.get(f"/notifications/{newest.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/dossiers/{newest.dossier_id}/"
    assert _bell(client.get("/").content.decode()) == "1"
    client.post("/notifications/read-all/")
    assert _bell(client.get("/").content.decode()) == ""
    assert not Notification.objects.filter(recipient=drafter, read_at=None).exists()


@pytest.mark.django_db
def test_someone_elses_notification_is_a_404(client, returned):
    drafter, _ = returned
    other = person("drafter", make_agency())
    client.force_login(other)
    mine = Notification.objects.filter(recipient=drafter).first()
    assert client.get(f"/notifications/{mine.pk}/").status_code == 404
    assert client.post(f"/notifications/{mine.pk}/read/").status_code == 404
    assert Notification.objects.get(pk=mine.pk).read_at is None


@pytest.mark.django_db
def test_the_page_is_paged_newest_first(client):
    agency = make_agency()
    drafter, secretary = person("drafter", agency), person("secretary")
    for _ in range(21):
        dossier = make_dossier(agency=agency, state="submitted", created_by=drafter)
        services.transition_dossier(
            dossier_id=dossier.pk, action="return_incomplete", user=secretary, comment="Thiếu."
        )
    client.force_login(drafter)
    first = client.get("/en/notifications/").content.decode()
    assert "Page 1 of 2" in first and first.count("Returned as incomplete") == 20
    assert client.get("/en/notifications/?page=2").content.decode().count("Returned as") == 1


@pytest.mark.django_db
def test_a_user_chooses_a_digest_and_their_language(client):
    user = person("drafter", make_agency())
    client.force_login(user)
    assert client.get("/notifications/settings/").status_code == 200
    data = {"language": "en", **{f"kind_{k}": "immediate" for k, _ in _kinds()}}
    data["kind_returned"] = "digest"
    response = client.post("/notifications/settings/", data)
    assert response.status_code == 302
    assert Recipient.objects.get(user=user).language == "en"
    assert Preference.objects.get(user=user, kind="returned").channel == "digest"
    data["kind_returned"] = "carrier pigeon"
    refused = client.post("/en/notifications/settings/", data)
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    assert Preference.objects.get(user=user, kind="returned").channel == "digest"


def _kinds():
    from workflow.notifications.events import EventKind

    return EventKind.choices
