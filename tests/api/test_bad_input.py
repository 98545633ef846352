"""Bad input is a 400 JSON answer naming the field, never a 500 nor a half-written record."""

import pytest

from workflow.models import Dossier

GOOD = {"kind": "plan", "program": "Chương trình 27", "title": "Kế hoạch"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": 7}, "kind"),
        ({"title": ["a"]}, "title"),
        ({"title": None}, "title"),
        ({"title": "a\x00b"}, "title"),
        ({"title": "a\x1bb"}, "title"),
        ({"title": "x" * 10_000}, "title"),
        ({"program": "x" * 10_000}, "program"),
        ({"summary": "x" * 30_000}, "summary"),
        ({"summary": "\x07"}, "summary"),
        ({"colour": "red"}, "colour"),
        ({"title": ""}, "title"),
    ],
)
def test_create_with_bad_fields(world, change, field):
    response = world.client("drafter").post("/dossiers", {**GOOD, **change})
    assert response.status_code == 400
    body = response.json()
    assert field in [e["field"] for e in body["errors"]] and field in body["detail"]
    assert not Dossier.objects.exists()


@pytest.mark.django_db
def test_an_unknown_kind_is_refused_naming_the_field(world):
    response = world.client("drafter").post("/dossiers", {**GOOD, "kind": "poem"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "kind"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/dossiers/99999999999999999999999999",
        "/dossiers/-1",
        "/dossiers/abc/history",
        "/dossiers?page=99999999999999999999",
        "/dossiers?page_size=100000",
        "/dossiers?agency=1e400",
        "/dossiers?year=abc",
        "/dossiers?stage=nowhere",
        "/dossiers?ordering=password",
        "/dossiers?text=" + "x" * 10_000,
        "/versions/99999999999999999999999/download",
        "/search?page=0",
        "/search?date_from=yesterday",
    ],
)
def test_bad_paths_and_queries(world, path):
    response = world.client("secretary").get(path)
    assert response.status_code in (400, 404), response.content
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[1, 2]",
        '{"comment": 12}',
        '{"comment": "' + "y" * 10_000 + '"}',
        '{"comment": "\\u0000"}',
        '{"comment": "ok", "extra": 1}',
    ],
)
def test_bad_action_bodies(world, body):
    dossier = world.dossier()
    response = world.client("drafter").request(
        "post", f"/dossiers/{dossier.pk}/actions/submit", data=body, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    dossier.refresh_from_db()
    assert dossier.state == "draft"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        {"chair_id": 10**30, "member_ids": []},
        {"chair_id": "x", "member_ids": []},
        {"chair_id": 1, "member_ids": [1] * 500},
        {"chair_id": 1, "member_ids": [], "due_on": "31/12/2026"},
        {"chair_id": 1},
    ],
)
def test_bad_round_bodies(world, body):
    dossier = world.dossier(state="council_review")
    response = world.client("secretary").post(f"/dossiers/{dossier.pk}/rounds", body)
    assert response.status_code == 400, response.content
    assert response.json()["errors"]
