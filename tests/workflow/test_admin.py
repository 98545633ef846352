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


@pytest.mark.parametrize("field", ["quorum", "pass_threshold"])
@pytest.mark.parametrize("typed", ["", "abc", "1e309", "99999999999999999999"])
def test_a_policy_share_that_is_not_a_number_is_named_on_the_form(client, field, typed):
    """The share left as typed was compared with numbers while the form was checked: a 500."""
    from workflow.models import KindPolicy

    client.force_login(make_user(is_staff=True, is_superuser=True))
    before = list(KindPolicy.objects.values())
    form = {"kind": "plan", "completeness_days": 5, "council_review_days": 10,
            "revision_days": 15, "appraisal_days": 10, "approval_days": 5,
            "quorum": "0.6", "pass_threshold": "0.5", field: typed}
    response = client.post("/admin/workflow/kindpolicy/add/", form)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field]
    assert list(KindPolicy.objects.values()) == before


def test_a_forged_choice_past_the_database_integers_is_an_invalid_choice(client):
    """A permission or role id no database holds was a 500 from SQLite's integers."""
    from django.contrib.auth.models import Group

    admin = make_user(is_staff=True, is_superuser=True)
    client.force_login(admin)
    huge = "99999999999999999999999"
    group = client.post("/admin/auth/group/add/", {"name": "Tổ thư ký", "permissions": [huge]})
    user = client.post(f"/admin/auth/user/{admin.pk}/change/", {
        "username": admin.username, "groups": [huge], "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00", "profile-TOTAL_FORMS": 0, "profile-INITIAL_FORMS": 0,
        "recipient-TOTAL_FORMS": 0, "recipient-INITIAL_FORMS": 0})
    for response, field in ((group, "permissions"), (user, "groups")):
        assert response.status_code == 200
        assert response.context["adminform"].form.errors[field]
    assert not Group.objects.filter(name="Tổ thư ký").exists()
