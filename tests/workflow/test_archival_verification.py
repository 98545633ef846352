"""Verifying a held copy: the public page, the command, and a decision signed elsewhere."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from documents import signing
from documents.models import Rendition
from tests.factories import make_agency, make_user
from tests.workflow.archival_world import approved_dossier, decision_docx, made_rendition, read
from tests.workflow.archival_world import upload as as_upload
from tests.workflow.test_views import login


def verify_page(client, data: bytes, name="copy.pdf") -> str:
    response = client.post(reverse("archival:verify"), {"file": as_upload(data, name)})
    assert response.status_code == 200
    return response.content.decode()


def run_verify(path) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify_document", str(path), stdout=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


@pytest.mark.django_db
def test_anyone_learns_an_issued_docx_is_ours_but_only_those_who_may_see_it_learn_which(client):
    agency = make_agency()
    dossier = approved_dossier(agency=agency, title="Đề án chuyển đổi số tỉnh ủy")
    docx = decision_docx(dossier)

    anonymous = verify_page(client, docx, "qd.docx")
    assert "Issued here." in anonymous
    assert dossier.title not in anonymous and dossier.decision_number not in anonymous

    login(client, make_user("drafter", make_agency()))
    other_agency = verify_page(client, docx, "qd.docx")
    assert dossier.title not in other_agency

    login(client, make_user("drafter", agency))
    own = verify_page(client, docx, "qd.docx")
    assert dossier.title in own and dossier.decision_number in own


@pytest.mark.django_db
def test_a_file_not_issued_here_is_said_so(client):
    approved_dossier()
    page = client.post(
        "/en/archival/verify/",
        {"file": as_upload(b"%PDF-1.7\nnot ours\n%%EOF", "x.pdf")},
    ).content.decode()
    assert "Not issued here" in page and "no digital signature" in page


@pytest.mark.django_db
def test_the_verify_page_keeps_csrf(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/en/archival/verify/", {"file": as_upload(b"x", "x.pdf")})
    assert response.status_code == 403


@pytest.mark.django_db
def test_the_command_reports_a_signed_decision_valid_and_an_altered_one(
    libreoffice, test_ca, tmp_path
):
    test_ca.office("Văn phòng Trung ương Đảng")
    dossier = approved_dossier()
    rendition = made_rendition(dossier)
    signed = read(rendition.signed_pdf.name)
    good = tmp_path / "qd.pdf"
    good.write_bytes(signed)

    code, out = run_verify(good)
    assert code == 0, out
    assert "Issued here: yes (signed_pdf" in out and dossier.decision_number in out
    assert "Signature: valid" in out and "Văn phòng Trung ương Đảng" in out
    assert "Chains to the configured roots: yes" in out and "Altered: no" in out

    altered = tmp_path / "qd-altered.pdf"
    tampered = bytearray(signed)
    at = tampered.index(b"Producer")
    tampered[at] = ord("p")
    altered.write_bytes(bytes(tampered))
    code, out = run_verify(altered)
    assert code == 1
    assert "Issued here: no" in out and "Signature: NOT valid" in out and "Altered: YES" in out


@pytest.mark.django_db
def test_a_decision_signed_on_the_signers_token_replaces_the_unsigned_copy(
    client, libreoffice, test_ca
):
    # The office signs nothing itself here: no PKCS#12 configured.
    dossier = approved_dossier()
    rendition = made_rendition(dossier)
    assert not rendition.signed_pdf and "not signed" in rendition.last_error
    unsigned = read(rendition.pdf.name)
    test_ca.office("Trịnh Quang Khải")  # the signer's own token, from the trusted CA
    token = signing.load_signer(signing.signing_config())
    url = reverse("archival:upload_signed", args=[dossier.pk])
    login(client, make_user("approver"))

    # Signed elsewhere, but not our decision: refused.
    other = made_pdf_of_other_content()
    response = client.post(url, {"file": as_upload(signing.sign_pdf(other, token))})
    assert response.status_code == 400 and "content differs" in response.content.decode()
    # Our decision signed with a revoked certificate: refused.
    test_ca.office("Người ký bị thu hồi", revoked=True)
    revoked = signing.load_signer(signing.signing_config())
    response = client.post(url, {"file": as_upload(signing.sign_pdf(unsigned, revoked))})
    assert response.status_code == 400 and "not valid" in response.content.decode()
    rendition.refresh_from_db()
    assert not rendition.signed_pdf

    good = signing.sign_pdf(unsigned, token)
    response = client.post(url, {"file": as_upload(good)})
    assert response.status_code == 302
    rendition.refresh_from_db()
    assert read(rendition.signed_pdf.name) == good and "Trịnh Quang Khải" in rendition.signed_by
    assert Rendition.objects.filter(signed_sha256=rendition.signed_sha256).count() == 1


@pytest.mark.django_db
def test_only_approvers_and_clerks_upload_a_signed_decision(client):
    dossier = approved_dossier()
    login(client, make_user("drafter", dossier.agency))
    url = reverse("archival:upload_signed", args=[dossier.pk])
    assert client.get(url).status_code == 403


def made_pdf_of_other_content() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_dossier_page_shows_the_pdf_pending_with_the_reason(client, settings):
    from documents import jobs

    settings.LIBREOFFICE_BINARY = "/nonexistent/soffice"
    dossier = approved_dossier()
    jobs.run_pdf_renditions()
    login(client, make_user("approver"))

    page = client.get(reverse("workflow:dossier", args=[dossier.pk])).content.decode()

    assert "PDF/A pending" in page and "LibreOffice is not installed" in page
    assert reverse("archival:upload_signed", args=[dossier.pk]) in page
    assert reverse("archival:verify") in page


@pytest.mark.django_db
def test_a_made_copy_downloads_as_the_signed_pdf_for_those_who_may_see_it(
    client, libreoffice, test_ca
):
    test_ca.office()
    dossier = approved_dossier()
    rendition = made_rendition(dossier)
    url = reverse("documents:pdf", args=[rendition.version_id])

    login(client, make_user("drafter", make_agency()))
    assert client.get(url).status_code == 404
    login(client, make_user("drafter", dossier.agency))
    page = client.get(reverse("workflow:dossier", args=[dossier.pk])).content.decode()
    assert url in page and "signed" in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == read(rendition.signed_pdf.name)


@pytest.mark.django_db
def test_the_verify_page_is_public_and_vietnamese_by_default(client):
    from django.utils import translation

    with translation.override("vi"):
        url = reverse("archival:verify")
    page = client.get(url)
    assert page.status_code == 200
    assert "Kiểm tra văn bản" in page.content.decode()
    refused = client.post(url, {"file": as_upload(b"x" * 10, "x.pdf")}).content.decode()
    assert "Không do cơ quan này ban hành" in refused


@pytest.mark.django_db
def test_a_cosignature_on_the_offices_signed_copy_is_accepted_and_verifies(
    client, libreoffice, test_ca, tmp_path
):
    test_ca.office("Văn phòng Trung ương Đảng")
    dossier = approved_dossier()
    rendition = made_rendition(dossier)
    office_signed = read(rendition.signed_pdf.name)
    test_ca.office("Trịnh Quang Khải")
    cosigned = signing.sign_pdf(
        office_signed, signing.load_signer(signing.signing_config()), field_name="Approver"
    )
    login(client, make_user("approver"))

    response = client.post(
        reverse("archival:upload_signed", args=[dossier.pk]), {"file": as_upload(cosigned)}
    )

    assert response.status_code == 302, response.content.decode()[-1500:]
    path = tmp_path / "cosigned.pdf"
    path.write_bytes(cosigned)
    code, out = run_verify(path)
    assert code == 0, out
    assert out.count("Signature: valid") == 2 and "Altered: no" in out


@pytest.mark.django_db
def test_before_the_worker_runs_the_page_says_why_the_pdf_is_pending(client, settings):
    settings.LIBREOFFICE_BINARY = "/nonexistent/soffice"
    dossier = approved_dossier()
    login(client, make_user("approver"))

    page = client.get(reverse("workflow:dossier", args=[dossier.pk])).content.decode()

    assert "PDF/A pending" in page and "LibreOffice is not installed" in page


@pytest.mark.django_db
def test_an_address_checking_too_many_files_anonymously_is_asked_to_wait(client, settings):
    settings.ARCHIVAL_VERIFY_PER_MINUTE = 2
    url = "/en/archival/verify/"
    for _ in range(2):
        assert client.post(url, {"file": as_upload(b"%PDF-1.7\n%%EOF", "x.pdf")}).status_code == 200
    refused = client.post(url, {"file": as_upload(b"%PDF-1.7\n%%EOF", "x.pdf")})
    assert refused.status_code == 429
    assert "Too many files checked from your address" in refused.content.decode()
    assert client.get(url).status_code == 200  # the page itself stays open
    login(client, make_user("clerk"))  # a signed-in user is not counted
    assert client.post(url, {"file": as_upload(b"%PDF-1.7\n%%EOF", "x.pdf")}).status_code == 200


@pytest.mark.django_db
def test_the_wait_is_asked_in_vietnamese_by_default(client, settings):
    from django.utils import translation

    settings.ARCHIVAL_VERIFY_PER_MINUTE = 0
    with translation.override("vi"):
        url = reverse("archival:verify")
    refused = client.post(url, {"file": as_upload(b"%PDF-1.7\n%%EOF", "x.pdf")})
    assert refused.status_code == 429
    assert "vui lòng chờ một phút" in refused.content.decode()
