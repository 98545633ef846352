"""Documents: .docx intake limits, the generated documents, PDF/A copies, signing and archive
packages (documents.intake, documents.generation, documents.rendering, documents.signing,
workflow.archival)."""

import os

from .environment import DATA_DIR, env_float, env_int, env_list

# Upload limits for .docx intake; all overridable from the environment.
DOCX_MAX_UPLOAD_BYTES = env_int("DOCX_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
DOCX_MAX_UNPACKED_BYTES = env_int("DOCX_MAX_UNPACKED_BYTES", 200 * 1024 * 1024)
DOCX_MAX_PARTS = env_int("DOCX_MAX_PARTS", 2000)

# An office's own .docx templates of the generated documents (edited in Word), used instead of the
# shipped ones where a file of the same name is there (documents/docx_templates/).
DOCUMENT_TEMPLATES_DIR = os.environ.get("DOCUMENT_TEMPLATES_DIR", "")
# The title of the head of the issuing office, as signature blocks name it.
OFFICE_HEAD_TITLE = os.environ.get("OFFICE_HEAD_TITLE", "Chánh Văn phòng")
# The body that issues approval decisions: the suffix of `Số 12-QĐ/VPTW`.
DECISION_ISSUING_BODY = os.environ.get("DECISION_ISSUING_BODY", "VPTW")

# PDF/A copies by LibreOffice headless (found on PATH unless LIBREOFFICE_BINARY names it); a
# conversion running longer than the limit is killed and retried by the worker.
LIBREOFFICE_BINARY = os.environ.get("LIBREOFFICE_BINARY", "")
LIBREOFFICE_TIMEOUT_SECONDS = env_float("LIBREOFFICE_TIMEOUT_SECONDS", 120)
PDF_RENDITION_MAX_ATTEMPTS = env_int("PDF_RENDITION_MAX_ATTEMPTS", 6)
PDF_RENDITION_LEASE_SECONDS = env_int("PDF_RENDITION_LEASE_SECONDS", 300)
# Documents converted per LibreOffice run: its start-up is most of the cost of one document.
PDF_RENDITION_BATCH = env_int("PDF_RENDITION_BATCH", 8)

# The office's signing certificate (PKCS#12) and its passphrase, from the environment or a file
# only the service user can read; trust roots and CRLs (comma-separated PEM/DER files) for
# verification. Keys are never logged or stored in the database.
SIGNING_PKCS12_PATH = os.environ.get("SIGNING_PKCS12_PATH", "")
SIGNING_PKCS12_PASSPHRASE = os.environ.get("SIGNING_PKCS12_PASSPHRASE", "")
SIGNING_PKCS12_PASSPHRASE_FILE = os.environ.get("SIGNING_PKCS12_PASSPHRASE_FILE", "")
SIGNING_TRUST_ROOTS = env_list("SIGNING_TRUST_ROOTS")
SIGNING_CRLS = env_list("SIGNING_CRLS")
# `load_demo` makes a demo authority under the data directory; used only when nothing is
# configured, so a real certificate always wins.
_DEMO_SIGNING = DATA_DIR / "demo-signing"
if not SIGNING_PKCS12_PATH and (_DEMO_SIGNING / "office.p12").exists():
    SIGNING_PKCS12_PATH = str(_DEMO_SIGNING / "office.p12")
    SIGNING_PKCS12_PASSPHRASE_FILE = str(_DEMO_SIGNING / "passphrase")
    SIGNING_TRUST_ROOTS = SIGNING_TRUST_ROOTS or [str(_DEMO_SIGNING / "demo-root.pem")]
    SIGNING_CRLS = SIGNING_CRLS or [str(_DEMO_SIGNING / "demo-root.crl")]

# Archive packages: the largest ZIP accepted for import and its largest unpacked size.
ARCHIVE_PACKAGE_MAX_BYTES = env_int("ARCHIVE_PACKAGE_MAX_BYTES", 200 * 1024 * 1024)
ARCHIVE_PACKAGE_MAX_UNPACKED_BYTES = int(
    os.environ.get("ARCHIVE_PACKAGE_MAX_UNPACKED_BYTES", 1024 * 1024 * 1024)
)
# The public verification page: files checked per minute from one address without signing in.
ARCHIVAL_VERIFY_PER_MINUTE = env_int("ARCHIVAL_VERIFY_PER_MINUTE", 10)
# One-time form keys (a form sent twice is done once) are kept this many days, then forgotten.
FORM_KEYS_KEPT_DAYS = env_int("FORM_KEYS_KEPT_DAYS", 30)
