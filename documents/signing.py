"""The office's PAdES signature on decision PDFs, and checking a PDF's signatures (pyHanko).

The office's key comes from a PKCS#12 file named by SIGNING_PKCS12_PATH, its passphrase from
SIGNING_PKCS12_PASSPHRASE or from the file SIGNING_PKCS12_PASSPHRASE_FILE (readable only by the
service user). The key is loaded when a PDF is signed and never logged or stored: errors name the
file, never its content. Trust roots (PEM or DER files) and CRLs come from SIGNING_TRUST_ROOTS and
SIGNING_CRLS; no network fetching, so verification gives the same answer offline.
"""

import io
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import pem, x509
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from .errors import DocumentError

FIELD_NAME = "OfficeSignature"


class SigningUnavailable(DocumentError):
    """No usable signing key is configured."""


@dataclass(frozen=True)
class SignatureCheck:
    signer: str  # the certificate subject, as people read it
    intact: bool  # the signed bytes are unchanged
    valid: bool  # the cryptographic signature checks out
    trusted: bool  # the certificate chains to a configured root, unrevoked, in its validity
    covers_whole_file: bool  # nothing was added after the signature
    revoked: bool
    summary: str  # pyHanko's own one-word verdict, for logs and the command

    @property
    def ok(self) -> bool:
        """The signature holds for what it signed; whether anything was added after it is
        `covers_whole_file` (documents.verification weighs both)."""
        return self.intact and self.valid and self.trusted


@dataclass(frozen=True)
class SigningConfig:
    pkcs12_path: str
    passphrase: bytes | None


def signing_config() -> SigningConfig | None:
    path = settings.SIGNING_PKCS12_PATH
    if not path:
        return None
    passphrase = settings.SIGNING_PKCS12_PASSPHRASE
    if not passphrase and settings.SIGNING_PKCS12_PASSPHRASE_FILE:
        try:
            passphrase = Path(settings.SIGNING_PKCS12_PASSPHRASE_FILE).read_text().strip()
        except OSError:
            raise SigningUnavailable(
                _("The signing passphrase file cannot be read.")
            ) from None
    return SigningConfig(pkcs12_path=path, passphrase=passphrase.encode() if passphrase else None)


def load_signer(config: SigningConfig) -> signers.SimpleSigner:
    try:
        data = Path(config.pkcs12_path).read_bytes()
    except OSError:
        raise SigningUnavailable(_("The signing certificate file cannot be read.")) from None
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(
            data, other_certs=(), passphrase=config.passphrase
        )
    except Exception:  # wrong passphrase or not PKCS#12; the cause may quote key material
        signer = None
    if signer is None:
        raise SigningUnavailable(
            _("The signing certificate cannot be opened: wrong passphrase or not a PKCS#12 file.")
        )
    return signer


def sign_pdf(
    pdf: bytes,
    signer: signers.Signer,
    *,
    reason: str = "",
    location: str = "",
    field_name: str = FIELD_NAME,
) -> bytes:
    """The PDF with a PAdES signature added as an incremental update, so the PDF/A bytes before
    it stay exactly as they were and the signature covers the whole file."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason or None,
        location=location or None,
    )
    return signers.sign_pdf(writer, meta, signer=signer).getvalue()


def signer_name(signer: signers.SimpleSigner) -> str:
    return signer.signing_cert.subject.human_friendly


def _load_certificates(paths) -> list[x509.Certificate]:
    certificates = []
    for path in paths:
        data = Path(path).read_bytes()
        if pem.detect(data):
            certificates.extend(
                x509.Certificate.load(der) for _type, _headers, der in pem.unarmor(data, True)
            )
        else:
            certificates.append(x509.Certificate.load(data))
    return certificates


def _load_crls(paths) -> list[bytes]:
    crls = []
    for path in paths:
        data = Path(path).read_bytes()
        if pem.detect(data):
            crls.extend(der for _type, _headers, der in pem.unarmor(data, True))
        else:
            crls.append(data)
    return crls


def validation_context(*, roots=None, crls=None) -> ValidationContext:
    """Trust only the configured roots (never the system's), with the configured CRLs."""
    roots = _load_certificates(settings.SIGNING_TRUST_ROOTS if roots is None else roots)
    crls = _load_crls(settings.SIGNING_CRLS if crls is None else crls)
    return ValidationContext(
        trust_roots=roots,
        crls=crls,
        allow_fetching=False,
        revocation_mode="soft-fail",
    )


def check_signatures(
    pdf: bytes, *, context: ValidationContext | None = None
) -> list[SignatureCheck]:
    """Every signature in the PDF, checked against the configured roots. A file that is not a
    readable PDF has none."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception:  # pyHanko raises several kinds on malformed input
        return []
    context = context or validation_context()
    checks = []
    for signature in embedded:
        try:
            status = validate_pdf_signature(signature, context)
        except Exception:
            checks.append(
                SignatureCheck("", False, False, False, False, False, "MALFORMED")
            )
            continue
        checks.append(
            SignatureCheck(
                signer=status.signing_cert.subject.human_friendly if status.signing_cert else "",
                intact=bool(status.intact),
                valid=bool(status.valid),
                trusted=bool(status.trusted) and not status.revoked,
                covers_whole_file=status.coverage is not None
                and status.coverage.name == "ENTIRE_FILE",
                revoked=bool(status.revoked),
                summary=status.summary(),
            )
        )
    return checks
