"""The admin shows viewflow's processes and tasks but never adds, changes or deletes them."""

import pytest
from viewflow.workflow.models import Process, Task

from tests.factories import make_agency, make_user
from workflow import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def process_and_admin(client):
    drafter = make_user("drafter", make_agency())
    dossier = services.create_dossier(
        user=drafter, kind="plan", title="Kế hoạch", program="CT27", summary="Tóm tắt"
    )
    admin = make_user(is_staff=True, is_superuser=True)
    client.force_login(admin)
    process = Process.objects.get()
    return dossier, process, Task.objects.filter(process=process).latest("pk")


@pytest.mark.parametrize("model", ["process", "task"])
def test_the_admin_can_read_but_not_delete_or_change(client, process_and_admin, model):
    _dossier, process, task = process_and_admin
    pk = process.pk if model == "process" else task.pk
    base = f"/admin/viewflow/{model}/"
    changelist = client.get(base)
    assert changelist.status_code == 200
    assert "delete_selected" not in changelist.content.decode()
    assert client.get(f"{base}{pk}/change/").status_code == 200
    assert client.get(f"{base}{pk}/delete/").status_code == 403
    assert client.post(f"{base}{pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(
        base, {"action": "delete_selected", "_selected_action": [pk], "post": "yes"}
    ).status_code in (200, 302, 403)
    assert client.post(f"{base}{pk}/change/", {"status": "CANCELED"}).status_code == 403
    assert client.get(f"{base}add/").status_code == 403
    assert Process.objects.filter(pk=process.pk, status=process.status).exists()
    assert Task.objects.filter(pk=task.pk, status=task.status).exists()
