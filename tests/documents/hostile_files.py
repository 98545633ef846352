"""Hostile and broken files, crafted byte by byte where zipfile would refuse to write them."""

import io
import struct
import zipfile
import zlib

from .sample_files import simple_docx

MiB = 1024 * 1024
MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def rebuild(data: bytes, *, replace=None, add=None, drop=()) -> bytes:
    """The same package with some parts replaced, added or dropped."""
    replace, add = replace or {}, add or {}
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in drop:
                continue
            target.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
        for name, payload in add.items():
            target.writestr(name, payload)
    return out.getvalue()


def parts_of(data: bytes) -> dict[str, bytes]:
    source = zipfile.ZipFile(io.BytesIO(data))
    return {info.filename: source.read(info) for info in source.infolist()}


def _cfb(stream_names) -> bytes:
    """A minimal OLE2 compound file: header sector and one directory sector naming the streams."""
    header = bytearray(512)
    header[:8] = bytes.fromhex("d0cf11e0a1b11ae1")
    header[24:26] = struct.pack("<H", 0x3E)
    header[26:28] = struct.pack("<H", 3)
    header[28:30] = b"\xfe\xff"
    header[30:32] = struct.pack("<H", 9)
    directory = bytearray()
    for name in ("Root Entry", *stream_names):
        entry = bytearray(128)
        encoded = (name + "\0").encode("utf-16-le")
        entry[: len(encoded)] = encoded
        entry[64:66] = struct.pack("<H", len(encoded))
        entry[66] = 5 if name == "Root Entry" else 2
        directory += entry
    directory += bytes(512 - len(directory) % 512)
    return bytes(header) + bytes(directory)


def legacy_doc() -> bytes:
    return _cfb(["WordDocument", "1Table", "\x05SummaryInformation"])


def password_protected_docx() -> bytes:
    # Word stores an encrypted .docx as OLE2 with these two streams (MS-OFFCRYPTO).
    return _cfb(["EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"])


def macro_enabled_docx() -> bytes:
    data = simple_docx()
    types = parts_of(data)["[Content_Types].xml"].decode().replace(DOCX_MAIN, MACRO_MAIN)
    return rebuild(
        data,
        replace={"[Content_Types].xml": types.encode()},
        add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0" + bytes(100)},
    )


def xlsx_renamed() -> bytes:
    data = simple_docx()
    types = parts_of(data)["[Content_Types].xml"].decode().replace(DOCX_MAIN, XLSX_MAIN)
    types = types.replace('PartName="/word/document.xml"', 'PartName="/xl/workbook.xml"')
    return rebuild(data, replace={"[Content_Types].xml": types.encode()})


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        target.writestr("notes.txt", "không phải văn bản Word")
    return out.getvalue()


def corrupt_member(data: bytes, name: str) -> bytes:
    """Flip bytes in the middle of one member's compressed data; headers stay intact."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    name_len, extra_len = struct.unpack(
        "<HH", data[info.header_offset + 26 : info.header_offset + 30]
    )
    start = info.header_offset + 30 + name_len + extra_len
    middle = start + info.compress_size // 2
    broken = bytearray(data)
    for i in range(middle, middle + 8):
        broken[i] ^= 0xFF
    return bytes(broken)


BILLION_LAUGHS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE w:document [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE w:document [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&secret;</w:t></w:r></w:p></w:body></w:document>"""


def with_document_xml(xml: bytes) -> bytes:
    return rebuild(simple_docx(), replace={"word/document.xml": xml})


def with_many_parts(count: int) -> bytes:
    return rebuild(simple_docx(), add={f"customXml/extra{i}.bin": b"x" for i in range(count)})


def zero_deflate(size: int) -> tuple[bytes, int]:
    """Raw deflate data for `size` zero bytes (a multiple of 1 MiB) and its CRC-32, built from one
    compressed MiB repeated: after a full flush each block stands alone."""
    assert size % MiB == 0
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(MiB)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert block == compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(size // MiB):
        crc = zlib.crc32(chunk, crc)
    return block * (size // MiB) + tail, crc


def write_zip(entries) -> bytes:
    """A zip from (name, method, data, crc, size_claimed) tuples: sizes are written as claimed,
    true or not, which zipfile itself never does."""
    out, central = bytearray(), bytearray()
    for name, method, data, crc, claimed in entries:
        encoded = name.encode()
        offset = len(out)
        fields = struct.pack("<HHHHHIII", 20, 0, method, 0, 0x21, crc, len(data), claimed)
        out += b"PK\x03\x04" + fields + struct.pack("<HH", len(encoded), 0) + encoded + data
        central += (
            b"PK\x01\x02"
            + struct.pack("<H", 20)
            + fields
            + struct.pack("<HHHHHII", len(encoded), 0, 0, 0, 0, 0, offset)
            + encoded
        )
    count = len(entries)
    eocd = struct.pack("<HHHHIIH", 0, 0, count, count, len(central), len(out), 0)
    return bytes(out) + bytes(central) + b"PK\x05\x06" + eocd


def zip_bomb_docx(unpacked: int, *, claimed: int | None = None) -> bytes:
    """A real small .docx plus an 'image' of `unpacked` zero bytes, its header claiming `claimed`
    (by default the truth). The bomb sits in a non-XML part so only the size limit can stop it."""
    entries = []
    for name, payload in parts_of(simple_docx()).items():
        compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        packed = compressor.compress(payload) + compressor.flush()
        entries.append((name, 8, packed, zlib.crc32(payload), len(payload)))
    packed, crc = zero_deflate(unpacked)
    entries.append(
        ("word/media/image1.png", 8, packed, crc, unpacked if claimed is None else claimed)
    )
    return write_zip(entries)


def overlapping_entries_docx() -> bytes:
    """Two directory entries sharing one body: the trick of non-recursive zip bombs."""
    entries = []
    for name, payload in parts_of(simple_docx()).items():
        entries.append((name, 0, payload, zlib.crc32(payload), len(payload)))
    data = write_zip(entries)
    # Point the last central entry at the first local header.
    cd_offset = struct.unpack("<I", data[-6:-2])[0]
    last = data.rfind(b"PK\x01\x02", cd_offset)
    patched = bytearray(data)
    patched[last + 42 : last + 46] = struct.pack("<I", 0)
    return bytes(patched)
