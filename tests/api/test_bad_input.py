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


WITHOUT_TITLE = {k: v for k, v in GOOD.items() if k != "title"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field", "said"),
    [
        ({**GOOD, "title": "x" * 10_000}, "title", "Hãy nhập tối đa 500 ký tự."),
        ({**GOOD, "title": ""}, "title", "Trường này không được để trống."),
        ({**GOOD, "title": None}, "title", "Hãy nhập văn bản."),
        (WITHOUT_TITLE, "title", "Trường này là bắt buộc."),
        ({**GOOD, "title": "a\x1bb"}, "title", "Không được dùng ký tự điều khiển."),
        ({**GOOD, "colour": "red"}, "colour", "Trường này không được chấp nhận ở đây."),
        ({**GOOD, "kind": "poem"}, "kind", "Hãy chọn một trong:"),
    ],
)
def test_a_field_is_refused_in_the_clients_language(world, body, field, said):
    response = world.client("drafter", language="vi").post("/dossiers", body)
    assert response.status_code == 400
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert errors[field].startswith(said), errors
    english = world.client("drafter").post("/dossiers", body).json()["errors"]
    assert all(e["message"] and not any(c in e["message"] for c in "ơưạậ") for e in english)
