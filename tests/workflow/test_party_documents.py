"""The office's documents as a Party clerk would check them: who signs and how, the recitals,
the recipients, the appraisal report's headings and conclusion."""

import io

import pytest
from django.core.files.storage import default_storage
from docx import Document as Docx

from documents.models import Document
from tests.factories import make_dossier, make_user
from tests.workflow.test_paperwork import generated
from workflow import services
from workflow.models import Profile, SigningAuthority
from workflow.models.appraisal import Appraisal


def approver_who(signs_as, **profile):
    approver = make_user("approver", first_name="Khải", last_name="Trịnh Quang")
    Profile.objects.filter(user=approver).update(signs_as=signs_as, **profile)
    approver.refresh_from_db()
    return approver


def decision_of(kind, approver):
    dossier = make_dossier(state="awaiting_approval", kind=kind)
    services.transition_dossier(dossier_id=dossier.pk, action="approve", user=approver)
    return dossier, generated(dossier, "decision")


def paragraphs(dossier, doc_type) -> list:
    version = Document.objects.get(dossier=dossier, doc_type=doc_type).versions.last()
    with default_storage.open(version.file.name) as handle:
        return Docx(io.BytesIO(handle.read())).paragraphs


def _signature_lines(text: str) -> list[str]:
    # The signature block is the right-hand cell of its table (cells come tab-separated).
    lines = [line.split("\t")[-1].strip() for line in text.splitlines() if line.strip()]
    return lines[lines.index("Trịnh Quang Khải") - 2 : lines.index("Trịnh Quang Khải") + 1]


@pytest.mark.django_db
def test_a_deputy_signs_for_the_head():
    _, decision = decision_of("plan", approver_who(SigningAuthority.DEPUTY))
    assert _signature_lines(decision) == [
        "K/T CHÁNH VĂN PHÒNG",
        "PHÓ CHÁNH VĂN PHÒNG",
        "Trịnh Quang Khải",
    ]
    assert "T/M" not in decision


@pytest.mark.django_db
def test_the_head_signs_with_the_title_alone():
    _, decision = decision_of("plan", approver_who(SigningAuthority.HEAD))
    assert _signature_lines(decision)[1:] == ["CHÁNH VĂN PHÒNG", "Trịnh Quang Khải"]
    assert "K/T" not in decision and "T/M" not in decision and "T/L" not in decision


@pytest.mark.django_db
def test_one_signing_by_order_names_their_own_title():
    approver = approver_who(SigningAuthority.BY_ORDER, signing_title="Vụ trưởng Vụ Tổng hợp")
    _, decision = decision_of("plan", approver)
    assert _signature_lines(decision) == [
        "T/L CHÁNH VĂN PHÒNG",
        "VỤ TRƯỞNG VỤ TỔNG HỢP",
        "Trịnh Quang Khải",
    ]


@pytest.mark.django_db
def test_the_recitals_cite_an_appraisal_only_where_there_was_one():
    approver = approver_who(SigningAuthority.DEPUTY)
    _, plan = decision_of("plan", approver)
    _, project = decision_of("project", approver)
    assert "thẩm định" not in plan
    assert "Báo cáo kết quả thẩm định" in project


@pytest.mark.django_db
def test_the_recipients_name_each_once():
    dossier, decision = decision_of("plan", approver_who(SigningAuthority.DEPUTY))
    recipients = decision[decision.index("Nơi nhận:") :]
    assert recipients.count(dossier.agency.name) == 0  # Điều 3 names the agency
    assert "- Như Điều 3," in recipients and "- Lưu Văn phòng." in recipients


@pytest.mark.django_db
def test_the_appraisal_report_has_headings_and_a_concluding_sentence():
    dossier = make_dossier(state="appraisal", kind="project")
    findings = {name: f"Nhận xét về {name}." for name in Appraisal.FINDINGS}
    services.record_appraisal(
        user=make_user("appraiser"), dossier_id=dossier.pk, recommendation="revise", **findings
    )
    report_paragraphs = paragraphs(dossier, "appraisal_report")
    headings = [p.text for p in report_paragraphs if p.runs and p.runs[0].bold]
    for heading in (
        "1. Căn cứ pháp lý",
        "2. Sự cần thiết",
        "3. Giải pháp kỹ thuật",
        "4. An toàn thông tin",
        "5. Kinh phí",
        "6. Tiến độ",
    ):
        assert heading in headings
    report = generated(dossier, "appraisal_report")
    conclusion = report[report.index("II. KẾT LUẬN") :]
    assert f"Đề nghị {dossier.agency.name} chỉnh sửa, bổ sung" in conclusion
    assert "Revise" not in report and "Chỉnh sửa\n" not in report


@pytest.mark.django_db
def test_the_approver_reads_the_decision_before_approving(client):
    from django.urls import reverse

    from documents.extraction import extract_document

    dossier = make_dossier(state="awaiting_approval", kind="project")
    approver = approver_who(SigningAuthority.DEPUTY)
    url = reverse("workflow:decision_preview", args=[dossier.pk])
    client.force_login(approver)
    page = client.get(reverse("workflow:dossier", args=[dossier.pk])).content.decode()
    assert url in page
    response = client.get(url)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    text = extract_document(response.content).text
    assert "QUYẾT ĐỊNH" in text and dossier.title in text and "K/T CHÁNH VĂN PHÒNG" in text
    assert "-QĐ/VPTW" in text
    assert not Document.objects.filter(dossier=dossier).exists()  # nothing was issued
    dossier.refresh_from_db()
    assert dossier.state == "awaiting_approval" and not dossier.decision_number
    client.force_login(dossier.created_by)
    assert client.get(url).status_code == 404
