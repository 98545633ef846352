"""PDF/A-2 copies of .docx files, made by LibreOffice headless.

Each conversion runs in its own temporary directory with its own LibreOffice profile, so two
workers never share (and lock) one profile, and is killed with its whole process group at a time
limit. Nothing here touches the database or the storage: bytes in, bytes out.
"""

import io
import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader

from .errors import DocumentError

# PDF/A-2b, the archival profile; the JSON filter options need LibreOffice 7.4 or later.
PDFA_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'
CANDIDATES = ("soffice", "libreoffice")


class ConverterMissing(DocumentError):
    """LibreOffice is not installed here: the copy waits until it is."""


class ConversionFailed(DocumentError):
    """LibreOffice ran but made no PDF, or was killed at the time limit."""


@dataclass(frozen=True)
class Converted:
    pdf: bytes
    pages: int


def find_converter() -> str | None:
    configured = getattr(settings, "LIBREOFFICE_BINARY", "")
    if configured:
        return configured if shutil.which(configured) else None
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


def convert_to_pdfa(docx: bytes, *, timeout: float | None = None) -> Converted:
    """The PDF/A-2b rendering of a .docx; raises ConverterMissing or ConversionFailed."""
    [result] = convert_many([docx], timeout=timeout)
    if isinstance(result, ConversionFailed):
        raise result
    return result


def convert_many(
    documents: list[bytes], *, timeout: float | None = None
) -> list[Converted | ConversionFailed]:
    """Render several .docx in one LibreOffice run (its start-up is most of the cost of one
    document). The time limit is per document; if the run is killed or fails, every document
    fails with that reason. Raises ConverterMissing when there is no LibreOffice."""
    binary = find_converter()
    if binary is None:
        raise ConverterMissing(
            _("LibreOffice is not installed on the server; the PDF/A copy will be made once it is.")
        )
    timeout = (timeout or settings.LIBREOFFICE_TIMEOUT_SECONDS) * max(len(documents), 1)
    with tempfile.TemporaryDirectory(prefix="dossierflow-pdf-") as work:
        work_dir = Path(work)
        sources = []
        for index, docx in enumerate(documents):
            source = work_dir / f"document-{index}.docx"
            source.write_bytes(docx)
            sources.append(source)
        out_dir = work_dir / "out"
        command = [
            binary,
            f"-env:UserInstallation={(work_dir / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            PDFA_FILTER,
            "--outdir",
            str(out_dir),
            *map(str, sources),
        ]
        try:
            _run_bounded(command, timeout=timeout, home=work_dir)
        except ConversionFailed as failed:
            return [failed] * len(documents)
        return [_result(out_dir / f"{source.stem}.pdf") for source in sources]


def _result(produced: Path) -> Converted | ConversionFailed:
    if not produced.is_file() or produced.stat().st_size == 0:
        return ConversionFailed(_("LibreOffice made no PDF from this document."))
    pdf = produced.read_bytes()
    try:
        return Converted(pdf=pdf, pages=count_pages(pdf))
    except Exception:  # pypdf's errors on a malformed file are many
        return ConversionFailed(_("LibreOffice made an unreadable PDF from this document."))


def _run_bounded(command, *, timeout: float, home: Path) -> None:
    env = {**os.environ, "HOME": str(home), "LC_ALL": "C.UTF-8"}
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
        start_new_session=True,  # its own process group: the kill reaches oosplash's children
    )
    try:
        _out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise ConversionFailed(
            _("LibreOffice did not finish within %(seconds)s seconds and was stopped."),
            {"seconds": int(timeout)},
        ) from None
    if process.returncode != 0:
        raise ConversionFailed(
            _("LibreOffice stopped with an error (%(code)s)."), {"code": process.returncode}
        )
    # soffice may leave a helper behind in the group after a successful run; end it.
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def count_pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)
