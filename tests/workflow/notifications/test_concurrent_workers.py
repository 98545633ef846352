"""Two workers draining the outbox at once on PostgreSQL: every e-mail goes out exactly once."""

import pytest

from tests.factories import make_agency
from tests.workflow.notifications.test_events import person
from tests.workflow.test_concurrency import run_at_once
from workflow.notifications.jobs import run_mail_deliveries
from workflow.notifications.models import Delivery
from workflow.notifications.outbox import queue_password_reset


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_never_send_the_same_mail(smtp_settings):
    agency = make_agency()
    users = [person("drafter", agency) for _ in range(30)]
    for user in users:
        queue_password_reset(user)
    results = run_at_once([lambda: run_mail_deliveries(limit=20) for _ in range(2)])
    results += [run_mail_deliveries(limit=20)]  # what the two left, if either took fewer
    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == 30
    recipients = sorted(to[0] for to, _ in smtp_settings.messages)
    assert recipients == sorted(u.email for u in users)  # each once
    assert set(Delivery.objects.values_list("status", "attempts")) == {("sent", 1)}
