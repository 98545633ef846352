"""PAdES signatures made and checked for real, with a CA made in the test."""

import io

import pytest
from pypdf import PdfWriter

from documents import signing
from documents.errors import DocumentError
from documents.verification import signatures_hold


def plain_pdf(text="Quyết định số 12-QĐ/VPTW") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def office_signer():
    return signing.load_signer(signing.signing_config())


def test_a_signed_pdf_verifies_as_intact_trusted_and_names_the_office(test_ca):
    test_ca.office("Văn phòng Trung ương Đảng")
    signed = signing.sign_pdf(plain_pdf(), office_signer())

    [check] = signing.check_signatures(signed)

    assert check.ok and signatures_hold([check])
    assert "Văn phòng Trung ương Đảng" in check.signer
    assert not check.revoked


def test_a_pdf_altered_after_signing_no_longer_verifies(test_ca):
    test_ca.office()
    signed = bytearray(signing.sign_pdf(plain_pdf(), office_signer()))
    # Flip one byte of the signed content (the page's MediaBox digits, before the signature).
    at = signed.index(b"/MediaBox")
    signed[at + 12] = ord("9") if signed[at + 12] != ord("9") else ord("8")

    [check] = signing.check_signatures(bytes(signed))

    assert not check.intact and not check.ok


def test_a_revision_appended_after_signing_is_reported(test_ca):
    test_ca.office()
    signed = signing.sign_pdf(plain_pdf(), office_signer())
    appended = signed + b"\n% appended after signing\n"

    [check] = signing.check_signatures(appended)

    assert check.intact and not check.covers_whole_file
    assert not signatures_hold([check])


def test_a_revoked_certificate_is_not_trusted(test_ca):
    test_ca.office("Người ký bị thu hồi", revoked=True)
    signed = signing.sign_pdf(plain_pdf(), office_signer())

    [check] = signing.check_signatures(signed)

    assert check.intact and check.revoked and not check.trusted and not check.ok


def test_an_expired_certificate_is_not_trusted(test_ca):
    test_ca.office("Người ký hết hạn", expired=True)
    signed = signing.sign_pdf(plain_pdf(), office_signer())

    [check] = signing.check_signatures(signed)

    assert check.intact and not check.trusted and not check.ok


def test_a_certificate_from_another_authority_is_not_trusted(test_ca, tmp_path, settings):
    from tests.documents.archival_fixtures import TestAuthority

    other_dir = tmp_path / "other"
    other_dir.mkdir()
    roots, crls = settings.SIGNING_TRUST_ROOTS, settings.SIGNING_CRLS
    TestAuthority(other_dir, settings).office("Kẻ mạo danh")
    signed = signing.sign_pdf(plain_pdf(), office_signer())
    settings.SIGNING_TRUST_ROOTS, settings.SIGNING_CRLS = roots, crls

    [check] = signing.check_signatures(signed)

    assert check.intact and check.valid and not check.trusted


def test_a_wrong_passphrase_is_refused_without_revealing_the_key(test_ca, settings, caplog):
    test_ca.office()
    settings.SIGNING_PKCS12_PASSPHRASE = "wrong"

    with pytest.raises(signing.SigningUnavailable) as refused:
        office_signer()

    assert "wrong passphrase" in str(refused.value)
    assert "PRIVATE KEY" not in caplog.text and "wrong" not in caplog.text


def test_the_passphrase_can_come_from_a_file(test_ca, settings, tmp_path):
    test_ca.office()
    secret = tmp_path / "passphrase"
    secret.write_text(settings.SIGNING_PKCS12_PASSPHRASE + "\n")
    settings.SIGNING_PKCS12_PASSPHRASE = ""
    settings.SIGNING_PKCS12_PASSPHRASE_FILE = str(secret)

    signed = signing.sign_pdf(plain_pdf(), office_signer())

    assert signing.check_signatures(signed)[0].ok


def test_an_unsigned_or_broken_file_has_no_signature():
    assert signing.check_signatures(plain_pdf()) == []
    assert signing.check_signatures(b"not a pdf at all") == []
    assert issubclass(signing.SigningUnavailable, DocumentError)
