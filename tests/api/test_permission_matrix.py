"""Every endpoint as every role, anonymous and with a revoked token; each answer must agree
with what the same person can do through the pages (the UI) on an identical dossier."""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from config.api.models import ApiToken
from documents.models import DocumentVersion
from tests.api.conftest import ROLES, ApiClient
from tests.documents.sample_files import simple_docx
from tests.factories import PASSWORD
from workflow import selectors, services
from workflow.models import Appraisal, Dossier, Round, Vote

FINDINGS = dict.fromkeys(
    [
        "legal_basis",
        "necessity",
        "technical_solution",
        "information_security",
        "budget",
        "schedule",
    ],
    "Đạt",
)
DOCX = simple_docx()


@dataclass
class Case:
    name: str
    stage: str
    api: Callable  # (api_client, dossier, world) -> response
    ui: Callable  # (session_client, dossier, world) -> response
    effect: Callable  # (dossier) -> bool: did the write happen? None for reads
    kind: str = "plan"
    with_round: bool = False


def _round(dossier):
    return Round.objects.filter(dossier=dossier).first()


def _state(state):
    return lambda d: Dossier.objects.get(pk=d.pk).state == state


def _action(name, target, stage, comment="", kind="plan"):
    def checked(dossier):
        return selectors.policy_for(dossier.kind).checklist if name == "accept" else []

    return Case(
        f"action:{name}",
        stage,
        api=lambda c, d, w: c.post(
            f"/dossiers/{d.pk}/actions/{name}", {"comment": comment, "checked": checked(d)}
        ),
        ui=lambda c, d, w: c.post(
            reverse("workflow:dossier_transition", args=[d.pk, name]),
            {"comment": comment, "checked": checked(d)},
        ),
        effect=_state(target),
        kind=kind,
    )


def _upload_api(c, d, w):
    return c.request(
        "post",
        f"/dossiers/{d.pk}/documents",
        data={"doc_type": "main", "file": SimpleUploadedFile("a.docx", DOCX)},
    )


def _upload_ui(c, d, w):
    return c.post(
        reverse("documents:dossier_documents", args=[d.pk]),
        {"doc_type": "main", "annex": "", "file": SimpleUploadedFile("a.docx", DOCX)},
    )


def _round_body(w):
    return {"chair_id": w.users["council_member"].pk, "member_ids": [w.users["second_member"].pk]}


CASES = [
    Case(
        "detail",
        "draft",
        lambda c, d, w: c.get(f"/dossiers/{d.pk}"),
        lambda c, d, w: c.get(reverse("workflow:dossier", args=[d.pk])),
        None,
    ),
    Case(
        "history",
        "submitted",
        lambda c, d, w: c.get(f"/dossiers/{d.pk}/history"),
        lambda c, d, w: c.get(reverse("workflow:dossier", args=[d.pk])),
        None,
    ),
    Case(
        "rounds",
        "council_review",
        lambda c, d, w: c.get(f"/dossiers/{d.pk}/rounds"),
        lambda c, d, w: c.get(reverse("workflow:dossier", args=[d.pk])),
        None,
    ),
    Case(
        "documents",
        "draft",
        lambda c, d, w: c.get(f"/dossiers/{d.pk}/documents"),
        lambda c, d, w: c.get(reverse("documents:dossier_documents", args=[d.pk])),
        None,
    ),
    Case(
        "create",
        "draft",
        lambda c, d, w: c.post("/dossiers", {"kind": "plan", "program": "P", "title": "Mới"}),
        lambda c, d, w: c.post(
            reverse("workflow:dossier_create"),
            {"kind": "plan", "program": "P", "title": "Mới", "summary": ""},
        ),
        lambda d: None,  # counted around each call
    ),
    Case(
        "edit",
        "draft",
        lambda c, d, w: c.patch(f"/dossiers/{d.pk}", {"title": "Đã sửa"}),
        lambda c, d, w: c.post(
            reverse("workflow:dossier_edit", args=[d.pk]),
            {"title": "Đã sửa", "program": d.program, "summary": d.summary},
        ),
        lambda d: Dossier.objects.get(pk=d.pk).title == "Đã sửa",
    ),
    Case(
        "upload",
        "draft",
        _upload_api,
        _upload_ui,
        lambda d: DocumentVersion.objects.filter(document__dossier=d).exists(),
    ),
    _action("submit", "submitted", "draft"),
    _action("withdraw", "withdrawn", "submitted"),
    _action("accept", "council_review", "submitted"),
    _action("return_incomplete", "revision_requested", "submitted", comment="Thiếu phụ lục"),
    _action("approve", "approved", "awaiting_approval"),
    _action("reject", "rejected", "awaiting_approval", comment="Không đạt"),
    _action("archive", "archived", "approved"),
    Case(
        "open_round",
        "council_review",
        lambda c, d, w: c.post(f"/dossiers/{d.pk}/rounds", _round_body(w)),
        lambda c, d, w: c.post(
            reverse("workflow:round_open", args=[d.pk]),
            {"chair": w.users["council_member"].pk, "members": [w.users["second_member"].pk]},
        ),
        lambda d: Round.objects.filter(dossier=d).exists(),
    ),
    Case(
        "vote",
        "council_review",
        lambda c, d, w: c.post(
            f"/dossiers/{d.pk}/rounds/{_round(d).pk}/votes", {"choice": "abstain"}
        ),
        lambda c, d, w: c.post(
            reverse("workflow:round_vote", args=[d.pk, _round(d).pk]), {"choice": "abstain"}
        ),
        lambda d: Vote.objects.filter(round__dossier=d).exists(),
        with_round=True,
    ),
    Case(
        "close_round",
        "council_review",
        lambda c, d, w: c.post(f"/dossiers/{d.pk}/rounds/{_round(d).pk}/close"),
        lambda c, d, w: c.post(reverse("workflow:round_close", args=[d.pk, _round(d).pk])),
        lambda d: _round(d).closed_at is not None,
        with_round=True,
    ),
    Case(
        "appraisal",
        "appraisal",
        lambda c, d, w: c.post(
            f"/dossiers/{d.pk}/appraisal", {**FINDINGS, "recommendation": "approve"}
        ),
        lambda c, d, w: c.post(
            reverse("workflow:appraisal_record", args=[d.pk]),
            {**FINDINGS, "recommendation": "approve"},
        ),
        lambda d: Appraisal.objects.filter(dossier=d).exists(),
        kind="project",
    ),
]


def _make(world, case):
    dossier = world.dossier(state=case.stage, kind=case.kind)
    if case.with_round:
        services.open_round(
            user=world.users["secretary"],
            dossier_id=dossier.pk,
            **_round_body(world),
        )
    return dossier


def _session(world, role):
    client = Client()
    assert client.login(username=world.users[role].username, password=PASSWORD)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_every_role_gets_from_the_api_what_it_gets_from_the_ui(world, case):
    outcomes = {}
    for role in ROLES:
        api_dossier, ui_dossier = _make(world, case), _make(world, case)
        created = Dossier.objects.count()
        response = case.api(world.client(role), api_dossier, world)
        created_by_api = Dossier.objects.count() - created
        page = case.ui(_session(world, role), ui_dossier, world)
        created_by_ui = Dossier.objects.count() - created - created_by_api
        assert response["Content-Type"].startswith("application/json"), (role, response)
        if case.effect is None:
            assert response.status_code == page.status_code, (role, response.content)
            assert response.status_code in (200, 404)
            outcomes[role] = response.status_code
            continue
        done_by_api, done_by_ui = case.effect(api_dossier), case.effect(ui_dossier)
        if case.name == "create":
            done_by_api, done_by_ui = created_by_api == 1, created_by_ui == 1
        assert done_by_api == done_by_ui, (role, response.status_code, response.content)
        if done_by_api:
            assert response.status_code in (200, 201), (role, response.content)
        elif page.status_code == 404:
            assert response.status_code == 404, (role, response.content)
        else:
            assert response.status_code in (400, 403, 409), (role, response.content)
            assert response.json()["detail"]
        outcomes[role] = done_by_api
    # Who may do what, as DOMAIN.md says; the other agency's drafter never sees the dossier.
    if case.effect is not None:
        allowed = {role for role, done in outcomes.items() if done}
        expected = {
            "create": {"drafter", "other_drafter"},
            "edit": {"drafter"},
            "upload": {"drafter"},
            "submit": {"drafter"},
            "withdraw": {"drafter"},
            "accept": {"secretary"},
            "return_incomplete": {"secretary"},
            "approve": {"approver"},
            "reject": {"approver"},
            "archive": {"clerk"},
            "open_round": {"secretary"},
            "vote": {"council_member"},
            "close_round": {"secretary"},
            "appraisal": {"appraiser"},
        }[case.name.removeprefix("action:")]
        assert allowed == expected
    else:
        assert outcomes["other_drafter"] == 404 and outcomes["no_role"] == 404
        assert outcomes["secretary"] == 200 and outcomes["drafter"] == 200


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_anonymous_and_revoked_tokens_get_401_on_every_endpoint(world, case):
    dossier = _make(world, case)
    revoked = world.tokens["secretary"]
    ApiToken.objects.filter(user=world.users["secretary"]).update(revoked_at=timezone.now())
    for client in (ApiClient(None), ApiClient(revoked)):
        response = case.api(client, dossier, world)
        assert response.status_code == 401 and response.json()["detail"]
    if case.effect is not None and case.name != "create":
        assert not case.effect(dossier)


@pytest.mark.django_db
def test_every_role_lists_and_searches_what_the_pages_show(world):
    for stage in ("draft", "submitted", "approved"):
        world.dossier(state=stage)
    for role in ROLES:
        listed = world.client(role).get("/dossiers?page_size=100")
        page = _session(world, role).get(reverse("workflow:dossier_list"))
        assert listed.status_code == 200
        html = page.content.decode()
        assert 'rel="next"' not in html, role  # every dossier on one page
        shown_rows = re.findall(r'<td><a href="[^"]*/dossiers/\d+/">', html)
        assert listed.json()["count"] == len(shown_rows), role
        searched = world.client(role).get("/search?q=kế hoạch")
        shown = _session(world, role).get(reverse("search:api"), {"q": "kế hoạch"})
        assert searched.status_code == shown.status_code == 200
        assert searched.json()["total"] == shown.json()["total"], role
    assert world.client("other_drafter").get("/dossiers").json()["count"] == 0
    assert world.client("secretary").get("/dossiers").json()["count"] == 3
    for client in (ApiClient(None), ApiClient("dfl_revoked")):
        assert client.get("/dossiers").status_code == 401
        assert client.get("/search?q=a").status_code == 401
