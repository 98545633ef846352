"""Every role's journey through one investment policy report, in a real browser.

Drafter creates, uploads two versions, compares them and submits; the secretary returns it as
incomplete, the drafter resubmits, the secretary accepts and convenes the council; members vote
every way (one corrects a vote); the round closes; revision, resubmission and a second round;
the appraiser appraises; the approver approves; the clerk archives and finds it by search.
"""

import pytest

from tests.browser.pages import Person, docx_file
from tests.documents.sample_files import simple_docx
from tests.factories import make_agency, make_user
from workflow.models import Dossier

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def office():
    agency = make_agency(name="Tỉnh ủy Quảng Ninh", abbreviation="TUQN")
    other = make_agency(name="Thành ủy Hà Nội", abbreviation="TUHN")
    return {
        "agency": agency,
        "drafter": make_user("drafter", agency, first_name="Hà", last_name="Nguyễn Thị"),
        "outsider": make_user("drafter", other),
        "secretary": make_user("secretary", first_name="Minh", last_name="Trần Văn"),
        "chair": make_user("council_member", first_name="Lâm", last_name="Phạm Văn"),
        "members": [
            make_user("council_member", first_name=n, last_name="Lê Thị") for n in "ABC"
        ],
        "appraiser": make_user("appraiser"),
        "approver": make_user("approver"),
        "clerk": make_user("clerk"),
    }


def _vote(person, dossier, round_, user, choice, **texts):
    person.log_in(user)
    person.open(f"/dossiers/{dossier.pk}/")
    person.send(f"/dossiers/{dossier.pk}/rounds/{round_.pk}/vote/", choice=choice, **texts)
    assert "Your vote is recorded." in person.messages()


def _convene(person, office, dossier):
    person.log_in(office["secretary"])
    person.open(f"/dossiers/{dossier.pk}/")
    person.send(
        f"/dossiers/{dossier.pk}/rounds/",
        chair=office["chair"].pk,
        members=[m.pk for m in office["members"]],
    )
    assert "The review round is open." in person.messages()
    return dossier.rounds.order_by("-number").first()


def test_every_role_takes_the_dossier_from_draft_to_archive(driver, live_server, office):
    person = Person(driver, live_server.url)
    # Drafter: create, upload two versions, compare, submit.
    person.log_in(office["drafter"])
    person.open("/dossiers/new/")
    person.send(
        "/dossiers/new/",
        kind="investment_report",
        title="Báo cáo đề xuất chủ trương đầu tư hạ tầng số",
        summary="Đầu tư nâng cấp hạ tầng mạng và trung tâm dữ liệu.",
    )
    dossier = Dossier.objects.get(title="Báo cáo đề xuất chủ trương đầu tư hạ tầng số")
    assert person.path == f"/dossiers/{dossier.pk}/"
    for text in ("Phiên bản đầu tiên.", "Phiên bản thứ hai, kinh phí 12 tỷ đồng."):
        person.open(f"/documents/dossiers/{dossier.pk}/")
        person.send(
            f"/documents/dossiers/{dossier.pk}/",
            doc_type="main",
            file=docx_file(simple_docx(paragraphs=(text,))),
        )
    document = dossier.documents.get()
    person.open(f"/documents/{document.pk}/compare/")
    assert "kinh phí 12 tỷ đồng" in person.text()
    person.open(f"/dossiers/{dossier.pk}/")
    person.send(f"/dossiers/{dossier.pk}/actions/submit/", confirm=False)
    assert person.last_question.startswith("Submit this dossier?")
    dossier.refresh_from_db()
    assert dossier.state == "draft"  # the drafter said no
    person.send(f"/dossiers/{dossier.pk}/actions/submit/")
    assert "Done: Submit." in person.messages()

    # Another agency's drafter cannot even see it.
    person.log_in(office["outsider"])
    person.open(f"/dossiers/{dossier.pk}/")
    assert "Báo cáo đề xuất" not in driver.page_source

    # Secretary returns it; drafter resubmits; secretary accepts and convenes the council.
    person.log_in(office["secretary"])
    person.open(f"/dossiers/{dossier.pk}/")
    person.send(
        f"/dossiers/{dossier.pk}/actions/return_incomplete/",
        comment="Thiếu phụ lục dự toán.",
    )
    person.log_in(office["drafter"])
    person.open(f"/dossiers/{dossier.pk}/")
    assert "Thiếu phụ lục dự toán." in person.text()
    person.send(f"/dossiers/{dossier.pk}/actions/submit/", comment="Đã bổ sung theo yêu cầu.")
    person.log_in(office["secretary"])
    person.open(f"/dossiers/{dossier.pk}/")
    person.send(f"/dossiers/{dossier.pk}/actions/accept/", checked=True)
    round_ = _convene(person, office, dossier)

    # First round: every choice, one corrected; approval on conditions sends it back to revise.
    a, b, c = office["members"]
    _vote(
        person, dossier, round_, a, "approve_with_conditions", conditions="Bổ sung dự toán."
    )
    _vote(person, dossier, round_, b, "reject", conditions="Chưa rõ nguồn vốn.")
    _vote(person, dossier, round_, b, "approve")  # b corrects the vote
    _vote(person, dossier, round_, c, "recuse", conflict="Người thân tham gia lập hồ sơ.")
    _vote(person, dossier, round_, office["chair"], "abstain")
    dossier.refresh_from_db()
    assert dossier.state == "revision_requested"
    person.log_in(office["drafter"])
    person.open(f"/dossiers/{dossier.pk}/")
    assert "Bổ sung dự toán." in person.text()
    person.open(f"/documents/dossiers/{dossier.pk}/")
    assert "Revision-request letter" in person.text()
    person.open(f"/dossiers/{dossier.pk}/")
    person.send(f"/dossiers/{dossier.pk}/actions/submit/", comment="Đã bổ sung theo yêu cầu.")
    person.log_in(office["secretary"])
    person.open(f"/dossiers/{dossier.pk}/")
    person.send(f"/dossiers/{dossier.pk}/actions/accept/", checked=True)

    # Second round: members approve, the secretary closes it before the chair votes.
    round_ = _convene(person, office, dossier)
    for member in office["members"]:
        _vote(person, dossier, round_, member, "approve")
    person.log_in(office["secretary"])
    person.open(f"/dossiers/{dossier.pk}/")
    person.send(f"/dossiers/{dossier.pk}/rounds/{round_.pk}/close/")
    dossier.refresh_from_db()
    assert dossier.state == "appraisal"

    # Appraisal, approval, archive.
    person.log_in(office["appraiser"])
    person.open(f"/dossiers/{dossier.pk}/")
    findings = {
        name: f"Đạt yêu cầu về {name}."
        for name in (
            "legal_basis",
            "necessity",
            "technical_solution",
            "information_security",
            "budget",
            "schedule",
        )
    }
    person.send(f"/dossiers/{dossier.pk}/appraisal/", recommendation="approve", **findings)
    assert "The appraisal is recorded." in person.messages()
    person.log_in(office["approver"])
    person.open(f"/dossiers/{dossier.pk}/")
    person.send(f"/dossiers/{dossier.pk}/actions/approve/")
    dossier.refresh_from_db()
    assert dossier.state == "approved" and dossier.decision_number
    assert dossier.decision_number in person.text()
    person.log_in(office["clerk"])
    person.open(f"/dossiers/{dossier.pk}/")
    person.send(f"/dossiers/{dossier.pk}/actions/archive/")
    dossier.refresh_from_db()
    assert dossier.state == "archived"

    # The clerk finds it without diacritics.
    person.open("/search/?q=ha+tang+so")
    assert "Báo cáo đề xuất chủ trương đầu tư hạ tầng số" in person.text()
