"""The administrator sees each user's sent and failed e-mail, reads one, and sends it again."""

import pytest

from tests.factories import make_agency, make_dossier
from tests.workflow.notifications.test_events import person
from workflow import services
from workflow.notifications.jobs import run_mail_deliveries
from workflow.notifications.models import Delivery


@pytest.fixture
def mailed(settings, smtp_settings):
    """One secretary's mail went out, another's was refused for good."""
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 1
    agency = make_agency()
    drafter = person("drafter", agency)
    reached, refused = person("secretary"), person("secretary")
    smtp_settings.refuse.add(refused.email)
    dossier = make_dossier(agency=agency, created_by=drafter)
    services.transition_dossier(dossier_id=dossier.pk, action="submit", user=drafter)
    run_mail_deliveries(limit=10)
    return reached, refused


@pytest.mark.django_db
def test_the_user_list_counts_sent_and_failed_mail_and_links_to_them(client, mailed):
    reached, refused = mailed
    client.force_login(person("administrator", is_staff=True, is_superuser=True))
    users = client.get("/en/admin/auth/user/").content.decode()
    assert f'?recipient__id__exact={reached.pk}">1 / 0</a>' in users
    assert f'?recipient__id__exact={refused.pk}">0 / 1</a>' in users
    failed = client.get(f"/en/admin/notifications/delivery/?recipient__id__exact={refused.pk}")
    page = failed.content.decode()
    assert "Failed" in page and "550" in page and reached.email not in page


@pytest.mark.django_db
def test_an_administrator_reads_a_mail_and_sends_a_failed_one_again(client, mailed):
    _, refused = mailed
    client.force_login(person("administrator", is_staff=True, is_superuser=True))
    delivery = Delivery.objects.get(recipient=refused)
    shown = client.get(f"/en/admin/notifications/delivery/{delivery.pk}/change/")
    assert shown.status_code == 200 and "/dossiers/" in shown.content.decode()
    client.post(
        "/en/admin/notifications/delivery/",
        {"action": "retry", "_selected_action": [delivery.pk]},
    )
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.attempts == 0
