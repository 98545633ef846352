"""The worker's PDF/A copies of generated documents, made by the real LibreOffice."""

import io
import os
import time

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from pypdf import PdfReader

from documents import jobs, signing
from documents.extraction import extract_document
from documents.models import Document, Rendition, RenditionStatus
from tests.factories import make_dossier, make_user
from workflow import services


def approve(dossier=None):
    dossier = dossier or make_dossier(state="awaiting_approval", kind="plan")
    approver = make_user("approver", first_name="Khải", last_name="Trịnh Quang")
    return services.transition_dossier(dossier_id=dossier.pk, action="approve", user=approver)


def decision_rendition(dossier) -> Rendition:
    document = Document.objects.get(dossier=dossier, doc_type="decision")
    return Rendition.objects.get(version__document=document)


def read(name) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def words(text: str) -> list[str]:
    return " ".join(text.split()).replace("“", '"').replace("”", '"').split()


@pytest.mark.django_db
def test_issuing_a_decision_records_a_pending_copy_to_be_signed_in_the_same_transaction():
    dossier = approve()

    rendition = decision_rendition(dossier)

    assert rendition.status == RenditionStatus.PENDING and rendition.needs_signature
    assert not rendition.pdf


@pytest.mark.django_db
def test_without_libreoffice_the_copy_stays_pending_with_the_reason(settings):
    settings.LIBREOFFICE_BINARY = "/nonexistent/soffice"
    dossier = approve()

    assert jobs.run_pdf_renditions() == 1

    rendition = decision_rendition(dossier)
    assert rendition.status == RenditionStatus.PENDING
    assert "LibreOffice is not installed" in rendition.last_error
    assert rendition.attempts == 0 and rendition.locked_until is None
    # Not due again before the pause: a second pass leaves it alone.
    assert jobs.run_pdf_renditions() == 0


@pytest.mark.django_db
def test_the_worker_makes_a_pdfa_copy_whose_text_is_the_documents(libreoffice, test_ca):
    test_ca.office("Văn phòng Trung ương Đảng")
    dossier = approve()

    call_command("render_pdfs", stdout=io.StringIO())

    rendition = decision_rendition(dossier)
    assert rendition.status == RenditionStatus.DONE, rendition.last_error
    pdf = read(rendition.pdf.name)
    reader = PdfReader(io.BytesIO(pdf))
    assert not reader.is_encrypted
    xmp = reader.xmp_metadata.rdf_root.toxml()
    assert "<pdfaid:part>2</pdfaid:part>" in xmp
    assert "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    assert rendition.pages == len(reader.pages) >= 1
    fonts = embedded_fonts(reader)
    assert fonts and all(fonts.values()), fonts
    pdf_text = "".join(page.extract_text() for page in reader.pages)
    docx_text = extract_document(read(rendition.version.file.name)).text
    assert words(pdf_text) == words(docx_text)
    assert f"Số {dossier.decision_number}" in pdf_text


@pytest.mark.django_db
def test_the_decisions_copy_is_signed_by_the_office(libreoffice, test_ca):
    test_ca.office("Văn phòng Trung ương Đảng")
    dossier = approve()

    jobs.run_pdf_renditions()

    rendition = decision_rendition(dossier)
    signed = read(rendition.signed_pdf.name)
    [check] = signing.check_signatures(signed)
    assert check.ok and "Văn phòng Trung ương Đảng" in rendition.signed_by
    # The signature is an incremental update: the PDF/A as converted is kept byte for byte.
    assert signed.startswith(read(rendition.pdf.name))


@pytest.mark.django_db
def test_every_generated_document_gets_a_copy_and_only_the_decision_is_signed(
    libreoffice, test_ca
):
    test_ca.office()
    dossier = make_dossier(state="awaiting_approval", kind="plan")
    services.transition_dossier(dossier_id=dossier.pk, action="approve", user=make_user("approver"))
    letter_dossier = make_dossier(state="submitted", kind="plan")
    services.transition_dossier(
        dossier_id=letter_dossier.pk,
        action="return_incomplete",
        user=make_user("secretary"),
        comment="Thiếu phụ lục dự toán",
    )

    assert jobs.run_pdf_renditions() == 2

    renditions = Rendition.objects.select_related("version__document")
    by_type = {r.version.document.doc_type: r for r in renditions}
    assert by_type.keys() == {"decision", "revision_letter"}
    assert all(r.status == RenditionStatus.DONE for r in renditions)
    assert by_type["decision"].signed_pdf and not by_type["revision_letter"].signed_pdf


@pytest.mark.django_db
def test_a_hanging_converter_is_killed_at_the_time_limit_and_retried(settings, tmp_path):
    hanging = tmp_path / "soffice"
    hanging.write_text("#!/bin/sh\nsleep 60\n")
    hanging.chmod(0o755)
    settings.LIBREOFFICE_BINARY = str(hanging)
    settings.LIBREOFFICE_TIMEOUT_SECONDS = 1
    dossier = approve()

    started = time.monotonic()
    jobs.run_pdf_renditions()

    assert time.monotonic() - started < 15
    rendition = decision_rendition(dossier)
    assert rendition.status == RenditionStatus.PENDING and rendition.attempts == 1
    assert "did not finish within 1 seconds" in rendition.last_error
    assert rendition.next_attempt_at > rendition.created_at and not rendition.pdf


@pytest.mark.django_db
def test_after_the_last_attempt_the_copy_is_marked_failed(settings, tmp_path):
    failing = tmp_path / "soffice"
    failing.write_text("#!/bin/sh\nexit 3\n")
    failing.chmod(0o755)
    settings.LIBREOFFICE_BINARY = str(failing)
    settings.PDF_RENDITION_MAX_ATTEMPTS = 2
    dossier = approve()
    rendition = decision_rendition(dossier)

    for _ in range(2):
        Rendition.objects.filter(pk=rendition.pk).update(next_attempt_at=rendition.created_at)
        jobs.run_pdf_renditions()

    rendition.refresh_from_db()
    assert rendition.status == RenditionStatus.FAILED and rendition.attempts == 2
    assert "(3)" in rendition.last_error


@pytest.mark.django_db
def test_a_worker_that_dies_after_claiming_leaves_the_copy_to_be_retried_once(
    libreoffice, settings, test_ca
):
    """A claim whose worker never finishes (killed): nothing stored; once its lease expires the
    next worker makes the copy, and a late store by the dead worker's lease is discarded."""
    test_ca.office()
    dossier = approve()
    dead = jobs._claim_next()
    assert dead is not None and jobs.run_pdf_renditions() == 0  # leased: nobody else takes it

    Rendition.objects.filter(pk=dead.pk).update(locked_until=dead.created_at)  # lease expired
    assert jobs.run_pdf_renditions() == 1

    rendition = decision_rendition(dossier)
    assert rendition.status == RenditionStatus.DONE and rendition.attempts == 2
    files_before = sorted(default_storage.listdir(os.path.dirname(rendition.pdf.name))[1])
    jobs._make(dead)  # the dead worker wakes up: its lease is gone, it stores nothing
    assert sorted(default_storage.listdir(os.path.dirname(rendition.pdf.name))[1]) == files_before
    assert jobs.run_pdf_renditions() == 0


def embedded_fonts(reader) -> dict[str, bool]:
    fonts = {}
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            fonts[str(font.get("/BaseFont"))] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    return fonts


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_render_pdfs_killed_with_sigkill_mid_conversion_leaves_the_copy_to_be_retried(
    libreoffice, settings, tmp_path, test_ca
):
    """A real `manage.py render_pdfs` process, kill -9 while LibreOffice runs: nothing stored;
    once the lease expires the next worker makes the copy, once."""
    import signal
    import subprocess
    import sys

    from django.db import connection

    pid_file = tmp_path / "converter.pid"
    slow = tmp_path / "soffice"
    slow.write_text(f"#!/bin/sh\necho $$ > {pid_file}\nsleep 60\n")
    slow.chmod(0o755)
    test_ca.office()
    dossier = approve()
    db = connection.settings_dict
    env = {
        **os.environ,
        "LIBREOFFICE_BINARY": str(slow),
        "PDF_RENDITION_LEASE_SECONDS": "3",
        "PDF_RENDITION_BATCH": "1",
        "LIBREOFFICE_TIMEOUT_SECONDS": "2",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DOSSIERFLOW_DATA_DIR": str(tmp_path),  # its files/ is this test's storage
    }
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "render_pdfs"], env=env, stdout=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while not pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert pid_file.exists(), "the worker never started the converter"
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
        if pid_file.exists():
            try:
                os.killpg(int(pid_file.read_text()), signal.SIGKILL)
            except ProcessLookupError:
                pass
    rendition = decision_rendition(dossier)
    assert rendition.status == RenditionStatus.PENDING and rendition.lease and not rendition.pdf
    assert jobs.run_pdf_renditions() == 0  # still leased to the dead worker

    time.sleep(3.5)
    settings.LIBREOFFICE_BINARY = libreoffice
    assert jobs.run_pdf_renditions() == 1

    rendition.refresh_from_db()
    assert rendition.status == RenditionStatus.DONE and rendition.attempts == 2
    assert jobs.run_pdf_renditions() == 0


@pytest.mark.django_db
def test_several_documents_are_converted_in_one_libreoffice_run(libreoffice, test_ca, settings):
    test_ca.office()
    settings.PDF_RENDITION_BATCH = 3
    dossiers = [approve() for _ in range(3)]

    assert jobs.run_pdf_renditions() == 3

    for dossier in dossiers:
        rendition = decision_rendition(dossier)
        assert rendition.status == RenditionStatus.DONE and rendition.signed_pdf
        reader = PdfReader(io.BytesIO(read(rendition.pdf.name)))
        text = "".join(page.extract_text() for page in reader.pages)
        assert f"Số {dossier.decision_number}" in text  # each copy is its own document's


@pytest.mark.django_db
def test_the_copies_and_the_signed_decision_pass_verapdf_as_pdfa_2b(
    libreoffice, verapdf, test_ca, tmp_path
):
    test_ca.office()
    dossier = approve()
    jobs.run_pdf_renditions()
    rendition = decision_rendition(dossier)

    for name in (rendition.pdf.name, rendition.signed_pdf.name):
        passed, report = verapdf(read(name), tmp_path)
        assert passed, report

    broken = read(rendition.pdf.name).replace(b"pdfaid:part>2<", b"pdfaid:part>9<")
    passed, report = verapdf(broken, tmp_path)
    assert not passed, report
