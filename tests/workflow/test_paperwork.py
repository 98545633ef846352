"""Each step of the workflow issues its document, read back from the dossier."""

import pytest
from django.core.files.storage import default_storage

from documents.extraction import extract_document
from tests.factories import make_dossier, make_user
from tests.workflow.test_voting import council, open_round_on
from workflow import services
from workflow.people import display_name


def generated(dossier, doc_type) -> str:
    """The text of the latest generated document of that type, read back from storage."""
    from documents.models import Document

    version = (
        Document.objects.get(dossier=dossier, doc_type=doc_type)
        .versions.order_by("-number")
        .first()
    )
    with default_storage.open(version.file.name) as handle:
        return extract_document(handle.read()).text


@pytest.mark.django_db
def test_closing_a_round_issues_minutes_with_every_member_and_the_tally():
    dossier = make_dossier(state="council_review", kind="project")
    members = council()
    round_ = open_round_on(dossier, members)
    services.cast_vote(user=members[0], round_id=round_.pk, choice="approve")
    services.cast_vote(
        user=members[1],
        round_id=round_.pk,
        choice="approve_with_conditions",
        conditions="Bổ sung phương án sao lưu dữ liệu",
    )
    services.cast_vote(user=members[2], round_id=round_.pk, choice="recuse", conflict="Người thân")

    minutes = generated(dossier, "minutes")
    assert dossier.title in minutes
    for member in members:
        assert display_name(member) in minutes
    assert "Bổ sung phương án sao lưu dữ liệu" in minutes
    # Passed on conditions: the drafter gets a revision letter with the condition.
    assert "Bổ sung phương án sao lưu dữ liệu" in generated(dossier, "revision_letter")


@pytest.mark.django_db
def test_approval_issues_the_numbered_decision():
    dossier = make_dossier(state="awaiting_approval", kind="plan")
    approver = make_user("approver", first_name="Khải", last_name="Trịnh Quang")
    dossier = services.transition_dossier(dossier_id=dossier.pk, action="approve", user=approver)
    decision = generated(dossier, "decision")
    assert f"Số {dossier.decision_number}" in decision
    assert "QUYẾT ĐỊNH" in decision and dossier.title in decision
    assert "Trịnh Quang Khải" in decision


@pytest.mark.django_db
def test_recording_an_appraisal_issues_the_appraisal_report():
    dossier = make_dossier(state="appraisal", kind="project")
    findings = {
        name: f"Nhận xét về {name}"
        for name in [
            "legal_basis",
            "necessity",
            "technical_solution",
            "information_security",
            "budget",
            "schedule",
        ]
    }
    services.record_appraisal(
        user=make_user("appraiser"), dossier_id=dossier.pk, recommendation="approve", **findings
    )
    report = generated(dossier, "appraisal_report")
    assert "Nhận xét về information_security" in report and dossier.title in report
