"""Dossiers through the API: the same selectors and services as the pages."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_dossier
from workflow.models import AuditEntry, Dossier


@pytest.mark.django_db
def test_list_filters_orders_and_pages(world):
    plan = world.dossier(title="Kế hoạch số hóa")
    world.dossier(kind="project", state="submitted", title="Dự án hạ tầng")
    late = world.dossier(state="submitted", title="Báo cáo chậm", kind="investment_report")
    Dossier.objects.filter(pk=late.pk).update(stage_due_on=datetime.date(2020, 1, 1))
    make_dossier(agency=world.other_agency, title="Hồ sơ tỉnh khác")
    client = world.client("drafter")

    everything = client.get("/dossiers").json()
    assert everything["count"] == 3  # the other agency's dossier is not theirs to see
    assert client.get("/dossiers?kind=project").json()["results"][0]["title"] == "Dự án hạ tầng"
    assert client.get("/dossiers?stage=draft").json()["results"][0]["id"] == plan.pk
    assert [d["id"] for d in client.get("/dossiers?overdue=true").json()["results"]] == [late.pk]
    assert client.get("/dossiers?overdue=false").json()["count"] == 2
    assert client.get("/dossiers?text=số hóa").json()["count"] == 1
    assert client.get(f"/dossiers?agency={world.other_agency.pk}").json()["count"] == 0
    year = plan.created_at.year
    assert client.get(f"/dossiers?year={year}").json()["count"] == 3
    assert client.get(f"/dossiers?year={year - 1}").json()["count"] == 0
    titles = [d["title"] for d in client.get("/dossiers?ordering=title").json()["results"]]
    assert titles == sorted(titles)
    page = client.get("/dossiers?page_size=2&page=2&ordering=id").json()
    assert page["pages"] == 2 and len(page["results"]) == 1
    assert client.get("/dossiers?page=9").json()["results"] == []
    assert world.client("secretary").get("/dossiers").json()["count"] == 4


@pytest.mark.django_db
def test_queries_per_list_do_not_grow_with_the_page_size(world):
    for n in range(30):
        world.dossier(title=f"Hồ sơ {n}")
    client = world.client("secretary")
    client.get("/dossiers")  # the token's first use of the minute writes its last use

    def queries(size):
        with CaptureQueriesContext(connection) as ctx:
            assert len(client.get(f"/dossiers?page_size={size}").json()["results"]) == size
        return len(ctx.captured_queries)

    assert queries(2) == queries(30)


@pytest.mark.django_db
def test_detail_queries_do_not_grow_with_history(world):
    dossier = world.dossier()
    client = world.client("drafter")
    client.get("/dossiers")
    with CaptureQueriesContext(connection) as before:
        client.get(f"/dossiers/{dossier.pk}/history")
    for _n in range(20):
        AuditEntry.objects.create(dossier=dossier, actor=world.users["drafter"], action="edit")
    with CaptureQueriesContext(connection) as after:
        assert len(client.get(f"/dossiers/{dossier.pk}/history").json()) == 20
    assert len(after.captured_queries) == len(before.captured_queries)


@pytest.mark.django_db
def test_drafter_creates_edits_and_submits_with_the_actions_the_detail_offers(world):
    client = world.client("drafter")
    created = client.post(
        "/dossiers",
        {
            "kind": "plan",
            "program": "Chương trình 27",
            "title": "Ke\u0302\u0301 hoạch",
            "summary": "Tóm tắt",
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert body["title"] == "Kế hoạch" and body["stage"] == "draft" and body["may_edit"]
    assert [a["name"] for a in body["actions"]] == ["submit", "withdraw"]

    edited = client.patch(f"/dossiers/{body['id']}", {"title": "Kế hoạch 2021–2025"})
    assert edited.status_code == 200 and edited.json()["title"] == "Kế hoạch 2021–2025"

    submitted = client.post(f"/dossiers/{body['id']}/actions/submit", {"comment": "Kính trình"})
    assert submitted.status_code == 200
    assert submitted.json()["stage"] == "submitted"
    assert [a["name"] for a in submitted.json()["actions"]] == ["withdraw"]
    history = client.get(f"/dossiers/{body['id']}/history").json()
    assert [e["action"] for e in history] == ["create", "edit", "submit"]
    assert history[-1]["comment"] == "Kính trình"

    refused = client.patch(f"/dossiers/{body['id']}", {"title": "Sửa sau khi trình"})
    assert refused.status_code == 409


@pytest.mark.django_db
def test_a_refused_action_is_409_with_the_reason_in_the_callers_language(world):
    dossier = world.dossier(state="submitted")
    english = world.client("approver").post(f"/dossiers/{dossier.pk}/actions/approve")
    assert english.status_code == 409
    assert "is not possible" in english.json()["detail"]
    vietnamese = world.client("approver", "vi").post(f"/dossiers/{dossier.pk}/actions/approve")
    assert vietnamese.status_code == 409
    assert "Không thể" in vietnamese.json()["detail"]
    needs_reason = world.client("secretary").post(
        f"/dossiers/{dossier.pk}/actions/return_incomplete", {"comment": "  "}
    )
    assert needs_reason.status_code == 400
    assert world.client("secretary").post(f"/dossiers/{dossier.pk}/actions/fly").status_code == 404
    by_round = world.client("secretary").post(f"/dossiers/{dossier.pk}/actions/pass_review")
    assert by_round.status_code == 409
    dossier.refresh_from_db()
    assert dossier.state == "submitted"


@pytest.mark.django_db
def test_another_agencys_dossier_is_404_everywhere(world):
    dossier = world.dossier()
    client = world.client("other_drafter")
    for method, path in [
        ("get", f"/dossiers/{dossier.pk}"),
        ("patch", f"/dossiers/{dossier.pk}"),
        ("post", f"/dossiers/{dossier.pk}/actions/submit"),
        ("get", f"/dossiers/{dossier.pk}/history"),
        ("get", f"/dossiers/{dossier.pk}/documents"),
        ("get", f"/dossiers/{dossier.pk}/rounds"),
    ]:
        assert getattr(client, method)(path).status_code == 404, path
    assert Dossier.objects.get(pk=dossier.pk).state == "draft"


@pytest.mark.django_db
def test_acceptance_needs_every_item_of_the_completeness_checklist_as_on_the_page(world):
    dossier = world.dossier(state="submitted")
    client = world.client("secretary")
    checklist = client.get(f"/dossiers/{dossier.pk}").json()["checklist"]
    assert checklist
    url = f"/dossiers/{dossier.pk}/actions/accept"
    partial = client.post(url, {"checked": checklist[:-1]})
    assert partial.status_code == 400
    assert partial.json()["errors"][0]["field"] == "checked"
    assert client.post(url).status_code == 400
    assert Dossier.objects.get(pk=dossier.pk).state == "submitted"
    accepted = client.post(url, {"checked": checklist})
    assert accepted.status_code == 200 and accepted.json()["stage"] == "council_review"
    assert (
        AuditEntry.objects.filter(dossier=dossier, action="accept").get().details["checklist"]
        == checklist
    )
