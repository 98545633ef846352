"""Safe intake of uploaded .docx: refuse anything that is not a real, harmless Word 2007+ file.

Nothing here trusts what a file says about itself. Every part is actually decompressed, in small
chunks, counting the bytes that come out, so a zip bomb is stopped as soon as it passes the limit
whatever sizes its headers claim; every XML part is fed through a parser that builds no tree and
refuses any DTD, so entity expansion never happens.
"""

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from lxml import etree

from .errors import DocumentRejected
from .safe_xml import DoctypeFound, RefuseDoctype, entity_rejection, tree_parser, xml_parser

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
DEFAULT_MAX_PARTS = 2000

CONTENT_TYPES = "[Content_Types].xml"
MAIN_PART = "word/document.xml"
CHUNK = 64 * 1024

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
EOCD_MAGIC = b"PK\x05\x06"
# Password-protected Office files are an OLE2 container holding these two streams (MS-OFFCRYPTO).
ENCRYPTION_STREAMS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))

WORD_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
}
MACRO_MARKERS = ("macroenabled", "vbaproject", "vbadata", "activex")
OTHER_OFFICE_TYPES = {
    "spreadsheetml": _("an Excel workbook"),
    "presentationml": _("a PowerPoint presentation"),
}


@dataclass(frozen=True)
class Limits:
    max_bytes: int = DEFAULT_MAX_BYTES
    max_unpacked_bytes: int = DEFAULT_MAX_UNPACKED_BYTES
    max_parts: int = DEFAULT_MAX_PARTS


@dataclass(frozen=True)
class CheckedDocx:
    """What intake learnt about an accepted file."""

    parts: int
    unpacked_bytes: int


def limits_from_settings() -> Limits:
    from django.conf import settings

    return Limits(
        max_bytes=getattr(settings, "DOCX_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES),
        max_unpacked_bytes=getattr(settings, "DOCX_MAX_UNPACKED_BYTES", DEFAULT_MAX_UNPACKED_BYTES),
        max_parts=getattr(settings, "DOCX_MAX_PARTS", DEFAULT_MAX_PARTS),
    )


def human_size(n: int) -> str:
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= size:
            value = n / size
            shown = f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"
            return f"{shown} {unit}"
    return f"{n} B"


def check_docx(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_unpacked_bytes: int = DEFAULT_MAX_UNPACKED_BYTES,
    max_parts: int = DEFAULT_MAX_PARTS,
) -> CheckedDocx:
    """Return quietly for a safe .docx; raise DocumentRejected naming the problem otherwise."""
    if not data:
        raise DocumentRejected(_("The file is empty."))
    if len(data) > max_bytes:
        raise DocumentRejected(
            _("The file is %(size)s; the largest document accepted is %(limit)s."),
            {"size": human_size(len(data)), "limit": human_size(max_bytes)},
        )
    if data.startswith(OLE2_MAGIC):
        _reject_ole2(data)
    if not data.startswith(ZIP_MAGIC):
        _reject_not_zip(data)
    _check_entry_count(data, max_parts)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, struct.error):
        raise damaged() from None
    with archive:
        infos = archive.infolist()
        _check_directory(infos, max_parts, max_unpacked_bytes)
        names = {info.filename for info in infos}
        _check_required_parts(archive, names)
        _check_content_types(archive)
        _check_macro_names(names)
        unpacked = _verify_parts(archive, infos, max_unpacked_bytes)
    return CheckedDocx(parts=len(infos), unpacked_bytes=unpacked)


def damaged(detail: str | None = None) -> DocumentRejected:
    if detail:
        return DocumentRejected(
            _(
                "The file is damaged or incomplete (%(detail)s). "
                "Open it in Word, save it again as .docx and upload the new file."
            ),
            {"detail": detail},
        )
    return DocumentRejected(
        _(
            "The file is damaged or incomplete. "
            "Open it in Word, save it again as .docx and upload the new file."
        )
    )


def _too_big_unpacked(limit: int) -> DocumentRejected:
    return DocumentRejected(
        _(
            "The file unpacks to more than %(limit)s, more than any real document needs; "
            "it was refused as a possible zip bomb."
        ),
        {"limit": human_size(limit)},
    )


def _password_protected() -> DocumentRejected:
    return DocumentRejected(
        _(
            "The document is protected with a password, so it cannot be read. Remove the "
            "password in Word (File › Info › Protect Document) and upload it again."
        )
    )


def _not_word() -> DocumentRejected:
    return DocumentRejected(
        _(
            "This file is not a Word document (.docx), whatever its name says. "
            "Save it as .docx in Word."
        )
    )


def _reject_ole2(data: bytes):
    if all(stream in data for stream in ENCRYPTION_STREAMS):
        raise _password_protected()
    raise DocumentRejected(
        _(
            "This is an old Word 97–2003 (.doc) file, or a password-protected one. "
            "Open it in Word, save it as “Word Document (.docx)” and upload the new file."
        )
    )


def _reject_not_zip(data: bytes):
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF"):
        kind = _("a PDF file")
    elif head.startswith(b"{\\rtf"):
        kind = _("a Rich Text (.rtf) file")
    elif head[:1] == b"<":
        kind = _("a web page or XML file")
    else:
        kind = None
    if kind is not None:
        raise DocumentRejected(
            _("This is %(kind)s renamed to .docx, not a Word document. Save it as .docx in Word."),
            {"kind": kind},
        )
    raise _not_word()


def _check_entry_count(data: bytes, max_parts: int):
    """Read the entry count from the end record before zipfile parses a huge directory."""
    eocd = data.rfind(EOCD_MAGIC, max(0, len(data) - 65557))
    if eocd < 0 or eocd + 22 > len(data):
        raise damaged()
    (total,) = struct.unpack("<H", data[eocd + 10 : eocd + 12])
    if total != 0xFFFF and total > max_parts:
        raise _too_many_parts(total, max_parts)


def _too_many_parts(count: int, limit: int) -> DocumentRejected:
    return DocumentRejected(
        _("The file holds %(count)s parts; a Word document accepted here has at most %(limit)s."),
        {"count": count, "limit": limit},
    )


def _check_directory(infos, max_parts: int, max_unpacked_bytes: int):
    if len(infos) > max_parts:
        raise _too_many_parts(len(infos), max_parts)
    seen_names, seen_offsets = set(), set()
    claimed = 0
    for info in infos:
        # Two entries with one name, or sharing one body (the overlapping-files bomb), are not
        # something Word writes.
        if info.filename in seen_names or info.header_offset in seen_offsets:
            raise damaged()
        seen_names.add(info.filename)
        if not is_safe_entry_name(info.orig_filename):
            raise _escaping_entry(info.orig_filename)
        seen_offsets.add(info.header_offset)
        if info.flag_bits & 0x1:
            raise _password_protected()
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            # Other methods (bzip2, lzma) decompress without an output cap in zipfile.
            raise DocumentRejected(
                _("The file uses a kind of compression Word does not write. Save it again in Word.")
            )
        claimed += info.file_size
    # The honest bomb is refused here at once; a lying one is caught while streaming.
    if claimed > max_unpacked_bytes:
        raise _too_big_unpacked(max_unpacked_bytes)


DRIVE_LETTER = re.compile(r"^[A-Za-z]:")


def is_safe_entry_name(name: str) -> bool:
    """True for a part name that stays inside the folder it is unpacked into.

    Word writes plain relative names (`word/document.xml`); a name with `..`, a leading slash,
    a backslash (a folder separator on Windows), a drive letter or a NUL could land elsewhere
    when someone unpacks the file they downloaded.
    """
    if not name or "\\" in name or "\0" in name or name.startswith("/"):
        return False
    if DRIVE_LETTER.match(name):
        return False
    return all(piece not in ("..", ".") for piece in name.split("/"))


def _escaping_entry(name: str) -> DocumentRejected:
    return DocumentRejected(
        _(
            "The file holds a part named “%(name)s”, which could be written outside its folder "
            "when unpacked. Word never writes such names; the file was refused."
        ),
        {"name": "".join(ch if ch.isprintable() else "?" for ch in name)[:120]},
    )


def _check_required_parts(archive: zipfile.ZipFile, names: set[str]):
    if "mimetype" in names and "content.xml" in names:
        raise DocumentRejected(
            _("This is an OpenDocument (.odt) file, not a Word document. Save it as .docx in Word.")
        )
    if CONTENT_TYPES not in names or MAIN_PART not in names:
        raise DocumentRejected(
            _(
                "This file is a zip archive but not a Word document: it has no %(part)s. "
                "Save the document as .docx in Word."
            ),
            {"part": CONTENT_TYPES if CONTENT_TYPES not in names else MAIN_PART},
        )


def _check_content_types(archive: zipfile.ZipFile):
    raw = read_capped(archive, archive.getinfo(CONTENT_TYPES), 1 << 20)
    root = parse_safely(raw, CONTENT_TYPES)
    types = {
        (el.get("PartName") or "").lstrip("/"): (el.get("ContentType") or "").strip()
        for el in root
        if el.tag.endswith("}Override")
    }
    defaults = [(el.get("ContentType") or "") for el in root if el.tag.endswith("}Default")]
    every_type = " ".join([*types.values(), *defaults]).lower()
    if any(marker in every_type for marker in MACRO_MARKERS):
        raise _macros()
    main_type = types.get(MAIN_PART, "")
    for marker, kind in OTHER_OFFICE_TYPES.items():
        if marker in every_type and main_type not in WORD_MAIN_TYPES:
            raise DocumentRejected(
                _("This is %(kind)s renamed to .docx, not a Word document."), {"kind": kind}
            )
    if main_type not in WORD_MAIN_TYPES:
        raise _not_word()


def _macros() -> DocumentRejected:
    return DocumentRejected(
        _(
            "The document contains macros (it is a macro-enabled .docm, or embeds VBA or ActiveX), "
            "which are not accepted. Save it in Word as “Word Document (.docx)” and upload that."
        )
    )


def _check_macro_names(names: set[str]):
    for name in names:
        lowered = name.lower()
        if lowered.endswith((".bin", ".xml")) and ("vbaproject" in lowered or "vbadata" in lowered):
            raise _macros()
        if lowered.startswith("word/activex/"):
            raise _macros()


def parse_safely(raw: bytes, part: str):
    """Parse one XML part into a tree, refusing any DTD; used for small parts and by extraction."""
    parser = tree_parser()
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError:
        raise damaged(part) from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise entity_rejection(part)
    return root


def _is_xml_part(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels", ".vml"))


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, limit: int):
    """A part's decompressed bytes, a chunk at a time: refused as too big once more than `budget`
    bytes come out (`limit` is the figure the drafter is told), as damaged if it cannot be read."""
    out = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK):
                out += len(chunk)
                if out > budget:
                    raise _too_big_unpacked(limit)
                yield chunk
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
        raise damaged(info.filename) from None


def read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    return b"".join(_chunks(archive, info, cap, cap))


def _verify_parts(archive: zipfile.ZipFile, infos, max_unpacked_bytes: int) -> int:
    """Decompress every part, checking CRCs and counting real output; parse every XML part."""
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        parser = xml_parser(RefuseDoctype()) if _is_xml_part(info.filename) else None
        try:
            for chunk in _chunks(archive, info, max_unpacked_bytes - total, max_unpacked_bytes):
                total += len(chunk)
                if parser is not None:
                    parser.feed(chunk)
            if parser is not None:
                parser.close()
        except DoctypeFound:
            raise entity_rejection(info.filename) from None
        except (etree.XMLSyntaxError, ValueError):
            raise damaged(info.filename) from None
    return total
