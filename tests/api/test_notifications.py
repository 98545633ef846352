"""The caller's own notifications through the API, as the bell page shows them."""

import pytest

from workflow.notifications.models import Notification


@pytest.mark.django_db(transaction=True)
def test_the_secretary_reads_the_submission_notice_and_marks_it_read(world):
    dossier = world.dossier(title="Kế hoạch chuyển đổi số")
    assert world.client("drafter").post(f"/dossiers/{dossier.pk}/actions/submit").status_code == 200
    secretary = world.client("secretary")
    page = secretary.get("/notifications").json()
    assert page["unread"] >= 1
    notice = next(n for n in page["results"] if n["dossier_id"] == dossier.pk)
    assert "Kế hoạch chuyển đổi số" in notice["subject"] and notice["read_at"] is None

    assert world.client("approver").post(f"/notifications/{notice['id']}/read").status_code == 404
    read = secretary.post(f"/notifications/{notice['id']}/read")
    assert read.status_code == 200 and read.json()["read_at"]
    assert Notification.objects.get(pk=notice["id"]).read_at is not None
    unread = secretary.get("/notifications?unread=true").json()
    assert notice["id"] not in [n["id"] for n in unread["results"]]
    assert world.client(None).get("/notifications").status_code == 401
