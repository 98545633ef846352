"""Uploading, versioning, freezing, generating and verifying a dossier's documents."""

import datetime

import pytest
from django.core.files.storage import default_storage

from documents import selectors, services
from documents.errors import DocumentLocked, DocumentRejected, NotPermitted
from documents.extraction import extract_document
from documents.generation import DecisionData, Letterhead, Signer, render_decision
from documents.models import Document, DocumentVersion
from documents.signals import document_changed
from tests.factories import make_agency, make_dossier, make_user
from workflow.services import transition_dossier

from . import hostile_files as hostile
from .conftest import stored_files, upload
from .sample_files import simple_docx

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafter_and_dossier():
    agency = make_agency()
    drafter = make_user("drafter", agency)
    return drafter, make_dossier(agency=agency, created_by=drafter)


def upload_main(drafter, dossier, data=None, **kwargs):
    return services.upload_document(
        user=drafter,
        dossier=dossier,
        doc_type="main",
        uploaded_file=upload(data or simple_docx()),
        **kwargs,
    )


def test_a_drafter_uploads_the_main_document_as_version_one(drafter_and_dossier, file_storage):
    drafter, dossier = drafter_and_dossier
    version = upload_main(drafter, dossier)
    assert version.number == 1
    assert version.document.doc_type == "main"
    assert version.original_filename == "ke-hoach.docx"
    assert "Kế hoạch ứng dụng công nghệ thông tin" in version.text
    assert version.blocks["body"][0] == {
        "kind": "heading",
        "text": "Kế hoạch ứng dụng công nghệ thông tin",
        "level": 1,
    }
    assert services.verify_integrity(version)
    assert len(stored_files(file_storage)) == 1


def test_each_upload_is_a_new_version_and_earlier_ones_stay(drafter_and_dossier):
    drafter, dossier = drafter_and_dossier
    first = upload_main(drafter, dossier, simple_docx(paragraphs=("Bản đầu.",)))
    second = upload_main(drafter, dossier, simple_docx(paragraphs=("Bản sửa.",)))
    assert (first.document_id, second.number) == (second.document_id, 2)
    with default_storage.open(first.file.name, "rb") as stored:
        assert "Bản đầu." in extract_document(stored.read()).text


def test_annexes_are_separate_documents_with_their_own_versions(drafter_and_dossier):
    drafter, dossier = drafter_and_dossier
    annex = services.upload_document(
        user=drafter,
        dossier=dossier,
        doc_type="annex",
        uploaded_file=upload(simple_docx()),
        title="Phụ lục dự toán",
    )
    again = services.upload_document(
        user=drafter,
        dossier=dossier,
        doc_type="annex",
        uploaded_file=upload(simple_docx()),
        document_id=annex.document_id,
    )
    other = services.upload_document(
        user=drafter,
        dossier=dossier,
        doc_type="annex",
        uploaded_file=upload(simple_docx(), "pl2.docx"),
    )
    assert (again.document_id, again.number) == (annex.document_id, 2)
    assert other.document_id != annex.document_id
    assert other.document.title == "pl2"


@pytest.mark.parametrize(
    "hostile_file",
    [
        hostile.legacy_doc,
        hostile.password_protected_docx,
        hostile.macro_enabled_docx,
        lambda: simple_docx()[:2000],
        lambda: hostile.with_document_xml(hostile.BILLION_LAUGHS),
        lambda: hostile.zip_bomb_docx(64 * hostile.MiB),
    ],
)
def test_a_hostile_upload_stores_nothing(drafter_and_dossier, file_storage, settings, hostile_file):
    settings.DOCX_MAX_UNPACKED_BYTES = 16 * hostile.MiB
    drafter, dossier = drafter_and_dossier
    with pytest.raises(DocumentRejected):
        upload_main(drafter, dossier, hostile_file())
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()
    assert stored_files(file_storage) == []


def test_an_oversized_upload_is_refused_by_the_setting(drafter_and_dossier, settings):
    settings.DOCX_MAX_UPLOAD_BYTES = 10_000
    drafter, dossier = drafter_and_dossier
    with pytest.raises(DocumentRejected, match="largest document accepted is"):
        upload_main(drafter, dossier)


def test_a_drafter_of_another_agency_cannot_upload(drafter_and_dossier, file_storage):
    _drafter, dossier = drafter_and_dossier
    stranger = make_user("drafter", make_agency())
    with pytest.raises(NotPermitted):
        upload_main(stranger, dossier)
    assert stored_files(file_storage) == []


def test_nothing_can_be_uploaded_after_submission(drafter_and_dossier):
    drafter, dossier = drafter_and_dossier
    transition_dossier(dossier_id=dossier.pk, action="submit", user=drafter)
    dossier.refresh_from_db()
    with pytest.raises(DocumentLocked, match="stage"):
        upload_main(drafter, dossier)


def test_submission_freezes_the_submitted_version(drafter_and_dossier):
    drafter, dossier = drafter_and_dossier
    version = upload_main(drafter, dossier)
    assert not version.frozen
    transition_dossier(dossier_id=dossier.pk, action="submit", user=drafter)
    version.refresh_from_db()
    assert version.frozen


def test_after_a_revision_request_a_new_version_joins_the_frozen_one():
    agency = make_agency()
    drafter = make_user("drafter", agency)
    dossier = make_dossier(agency=agency, created_by=drafter, state="revision_requested")
    first = upload_main(drafter, dossier)
    services.freeze_versions(dossier)
    second = upload_main(drafter, dossier)
    first.refresh_from_db()
    assert first.frozen and not second.frozen and second.number == 2


def test_a_failed_transaction_leaves_no_file_behind(drafter_and_dossier, file_storage):
    drafter, dossier = drafter_and_dossier

    def refuse(sender, version, **kwargs):
        raise RuntimeError("search index unavailable")

    document_changed.connect(refuse, dispatch_uid="test-refuse")
    try:
        with pytest.raises(RuntimeError):
            upload_main(drafter, dossier)
    finally:
        document_changed.disconnect(dispatch_uid="test-refuse")
    assert not DocumentVersion.objects.exists()
    assert stored_files(file_storage) == []


def test_storing_a_version_announces_it(drafter_and_dossier):
    drafter, dossier = drafter_and_dossier
    seen = []

    def listen(sender, version, **kwargs):
        seen.append(version.pk)

    document_changed.connect(listen, dispatch_uid="test-listen")
    try:
        version = upload_main(drafter, dossier)
    finally:
        document_changed.disconnect(dispatch_uid="test-listen")
    assert seen == [version.pk]


def decision_bytes(number="12-QĐ/VPTW"):
    return render_decision(
        DecisionData(
            letterhead=Letterhead(date=datetime.date(2021, 8, 10), number=number),
            dossier_title="Kế hoạch 2021–2025",
            agency_name="Tỉnh ủy Hà Giang",
            kind_label="kế hoạch ứng dụng công nghệ thông tin",
            signer=Signer(name="Nguyễn Văn An", capacity="CHÁNH VĂN PHÒNG"),
        )
    )


def test_a_generated_decision_is_stored_with_its_text_and_hash():
    dossier = make_dossier(state="awaiting_approval")
    data = decision_bytes()
    version = services.store_generated_document(
        dossier=dossier, doc_type="decision", data_bytes=data
    )
    assert version.document.title == "Approval decision"
    assert "Số 12-QĐ/VPTW" in version.text
    assert services.verify_integrity(version)
    assert version.created_by is None


def test_once_decided_only_the_decision_may_be_added_and_then_it_is_sealed():
    dossier = make_dossier(state="approved")
    with pytest.raises(DocumentLocked):
        services.store_generated_document(
            dossier=dossier, doc_type="minutes", data_bytes=decision_bytes()
        )
    version = services.store_generated_document(
        dossier=dossier, doc_type="decision", data_bytes=decision_bytes()
    )
    assert version.frozen
    with pytest.raises(DocumentLocked):
        services.store_generated_document(
            dossier=dossier, doc_type="decision", data_bytes=decision_bytes("13-QĐ/VPTW")
        )


def test_uploaded_types_cannot_be_stored_as_generated():
    with pytest.raises(DocumentRejected):
        services.store_generated_document(
            dossier=make_dossier(), doc_type="main", data_bytes=decision_bytes()
        )


def test_a_tampered_file_fails_the_integrity_check(drafter_and_dossier, file_storage):
    drafter, dossier = drafter_and_dossier
    version = upload_main(drafter, dossier)
    (path,) = stored_files(file_storage)
    path.write_bytes(path.read_bytes() + b"\0")
    assert not services.verify_integrity(version)
    path.unlink()
    assert services.sha256_of_stored(version) is None


def test_search_gets_the_latest_version_of_each_document(drafter_and_dossier):
    drafter, dossier = drafter_and_dossier
    upload_main(drafter, dossier, simple_docx(paragraphs=("Bản đầu.",)))
    latest = upload_main(drafter, dossier, simple_docx(paragraphs=("Bản sửa.",)))
    annex = services.upload_document(
        user=drafter,
        dossier=dossier,
        doc_type="annex",
        uploaded_file=upload(simple_docx()),
        title="Phụ lục",
    )
    found = {item.version_id: item for item in selectors.indexable_documents(dossier)}
    assert set(found) == {latest.pk, annex.pk}
    assert "Bản sửa." in found[latest.pk].text
    assert found[annex.pk].doc_type == "annex" and found[annex.pk].title == "Phụ lục"


def test_documents_of_hides_another_agencys_dossier(drafter_and_dossier):
    from django.http import Http404

    _drafter, dossier = drafter_and_dossier
    with pytest.raises(Http404):
        selectors.documents_of(make_user("drafter", make_agency()), dossier)
    assert selectors.documents_of(make_user("council_member"), dossier) == []


def test_the_decision_is_issued_from_the_dossiers_number_and_date():
    dossier = make_dossier(
        state="approved", decision_number="7-QĐ/VPTW", decision_date=datetime.date(2021, 8, 10)
    )
    signer = Signer(name="Nguyễn Văn An", capacity="CHÁNH VĂN PHÒNG")
    version = services.store_decision(dossier=dossier, signer=signer)
    assert version.frozen and version.document.doc_type == "decision"
    assert "Số 7-QĐ/VPTW" in version.text
    assert "Hà Nội, ngày 10 tháng 8 năm 2021" in version.text
    assert "Phê duyệt kế hoạch ứng dụng công nghệ thông tin" in version.text


def test_no_decision_without_a_number():
    with pytest.raises(DocumentRejected):
        services.store_decision(
            dossier=make_dossier(state="awaiting_approval"),
            signer=Signer(name="A", capacity="CHÁNH VĂN PHÒNG"),
        )
