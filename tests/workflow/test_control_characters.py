"""Text pasted from Word carries control characters (`\\x0b` is its manual line break): every
step that takes free text keeps working through HTTP, and its document is issued."""

import pytest
from django.test import Client
from django.urls import reverse

from documents.models import Document
from tests.factories import PASSWORD, make_agency, make_dossier, make_user
from tests.workflow.test_paperwork import generated
from tests.workflow.test_voting import council
from workflow.models import AuditEntry, Dossier, KindPolicy, Round, Vote

FINDINGS = [
    "legal_basis",
    "necessity",
    "technical_solution",
    "information_security",
    "budget",
    "schedule",
]


def client_for(user) -> Client:
    client = Client(raise_request_exception=False)
    assert client.login(username=user.username, password=PASSWORD)
    return client


def post(user, name, *args, **data):
    response = client_for(user).post(reverse(f"workflow:{name}", args=args), data)
    assert response.status_code == 302, response.status_code
    return response


def open_round_over_http(dossier, members):
    post(
        make_user("secretary"),
        "round_open",
        dossier.pk,
        chair=members[0].pk,
        members=[m.pk for m in members[1:]],
    )
    return Round.objects.get(dossier=dossier, closed_at=None)


@pytest.mark.django_db
def test_a_title_with_a_word_line_break_goes_through_council_and_its_minutes():
    agency = make_agency()
    drafter = make_user("drafter", agency)
    post(
        drafter,
        "dossier_create",
        kind="plan",
        title="Kế hoạch ứng dụng CNTT\x0bnăm 2026",
        program="Chương trình 27",
        summary="Số hóa\x0bhồ sơ\x01",
    )
    dossier = Dossier.objects.get(agency=agency)
    assert dossier.title == "Kế hoạch ứng dụng CNTT\nnăm 2026"
    assert dossier.summary == "Số hóa\nhồ sơ"
    post(drafter, "dossier_transition", dossier.pk, "submit")
    checked = KindPolicy.for_kind(dossier.kind).checklist
    post(make_user("secretary"), "dossier_transition", dossier.pk, "accept", checked=checked)

    members = council()
    round_ = open_round_over_http(dossier, members)
    for member in members:
        post(
            member,
            "round_vote",
            dossier.pk,
            round_.pk,
            choice="approve",
            comment="Đồng ý\x01 với\x0bkế hoạch",
        )

    round_.refresh_from_db()
    assert not round_.is_open
    assert Vote.objects.filter(round=round_, comment="Đồng ý với\nkế hoạch").count() == 3
    minutes = generated(dossier, "minutes")
    assert "năm 2026" in minutes and "Đồng ý với" in minutes
    assert Dossier.objects.get(pk=dossier.pk).state == "awaiting_approval"


@pytest.mark.django_db
def test_minutes_are_issued_whatever_the_database_holds():
    # Written before text was cleaned, or by an import: the minutes still render.
    dossier = make_dossier(state="council_review", title="Đề án\x0bchuyển đổi số\x1f")
    members = council()
    round_ = open_round_over_http(dossier, members)
    Vote.objects.create(round=round_, member=members[0], choice="approve", comment="Ổn\x01\x08")
    for member in members[1:]:
        post(member, "round_vote", dossier.pk, round_.pk, choice="approve")

    round_.refresh_from_db()
    assert not round_.is_open
    minutes = generated(dossier, "minutes")
    assert "chuyển đổi số" in minutes and "Ổn" in minutes


@pytest.mark.django_db
def test_a_return_comment_with_control_characters_issues_the_revision_letter():
    dossier = make_dossier(state="submitted")
    post(
        make_user("secretary"),
        "dossier_transition",
        dossier.pk,
        "return_incomplete",
        comment="Thiếu phụ lục\x0bkinh phí\x07",
    )
    assert Dossier.objects.get(pk=dossier.pk).state == "revision_requested"
    letter = generated(dossier, "revision_letter")
    assert "Thiếu phụ lục" in letter and "kinh phí" in letter
    entry = AuditEntry.objects.get(dossier=dossier, action="return_incomplete")
    assert entry.comment == "Thiếu phụ lục\nkinh phí"


@pytest.mark.django_db
def test_appraisal_findings_with_control_characters_issue_the_report():
    dossier = make_dossier(state="appraisal", kind="project")
    findings = {name: f"Nhận xét\x0b{name}\x02" for name in FINDINGS}
    post(
        make_user("appraiser"), "appraisal_record", dossier.pk, recommendation="approve", **findings
    )
    assert Dossier.objects.get(pk=dossier.pk).state == "awaiting_approval"
    report = generated(dossier, "appraisal_report")
    assert "information_security" in report and "\x02" not in report


@pytest.mark.django_db
def test_an_approval_comment_with_control_characters_issues_the_decision():
    dossier = make_dossier(state="awaiting_approval", title="Kế hoạch\x0bnăm 2026")
    post(
        make_user("approver"),
        "dossier_transition",
        dossier.pk,
        "approve",
        comment="Điều kiện một\x0bĐiều kiện hai\x1b",
    )
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.state == "approved"
    decision = generated(dossier, "decision")
    assert "Điều kiện một" in decision and "Điều kiện hai" in decision
    assert Document.objects.filter(dossier=dossier, doc_type="decision").exists()
