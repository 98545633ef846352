"""Text and structure of a .docx: headings, paragraphs and tables of the body, headers and footers,
and the words of its footnotes, endnotes and comments.

The WordprocessingML tree is walked directly with lxml; python-docx's object model costs 8–20x
more per paragraph. Parts are read with a cap on their decompressed size and parsed without DTDs or
entity expansion, so even a file that skipped intake cannot exhaust memory here.

Word's "Strict Open XML" save writes the same markup under other namespace names; its parts are
read as the usual (transitional) ones. Of each `mc:AlternateContent` (a text box is written twice,
as a DrawingML shape and as a VML fallback) only the first choice is read.
"""

import io
import re
import zipfile

from django.utils.translation import gettext_lazy as _

from .blocks import HEADING, PARAGRAPH, TABLE, Block, Extracted, nfc, text_of
from .errors import DocumentRejected
from .intake import DEFAULT_MAX_UNPACKED_BYTES, MAIN_PART, damaged, parse_safely, read_capped

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
R_TYPES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# Strict namespace → transitional namespace, as quoted in xmlns declarations and relationship types.
STRICT_NAMESPACES = (
    (
        b"http://purl.oclc.org/ooxml/wordprocessingml/main",
        b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    ),
    (
        b"http://purl.oclc.org/ooxml/officeDocument/relationships",
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    ),
)

W_P, W_TBL, W_TR, W_TC = W + "p", W + "tbl", W + "tr", W + "tc"
W_SDT, W_SDT_CONTENT, W_CUSTOM_XML = W + "sdt", W + "sdtContent", W + "customXml"
W_T, W_TAB, W_BR, W_CR = W + "t", W + "tab", W + "br", W + "cr"
W_NB_HYPHEN, W_SOFT_HYPHEN = W + "noBreakHyphen", W + "softHyphen"
W_PPR, W_PSTYLE, W_OUTLINE, W_VAL = W + "pPr", W + "pStyle", W + "outlineLvl", W + "val"
W_BODY = W + "body"
W_STYLE, W_STYLE_ID, W_NAME, W_BASED_ON = W + "style", W + "styleId", W + "name", W + "basedOn"
# Text inside these belongs to the paragraph only as an object (text box, footnote reference);
# pPr is skipped so a paragraph mark's properties never leak text.
RUN_TEXT_TAGS = (W_T, W_TAB, W_BR, W_CR, W_NB_HYPHEN)

HEADING_NAME = re.compile(r"^heading\s*([1-9])$", re.IGNORECASE)
HEADER_FOOTER = (R_TYPES + "header", R_TYPES + "footer")
NOTE_TYPES = (R_TYPES + "footnotes", R_TYPES + "endnotes", R_TYPES + "comments")
W_DOCUMENT = W + "document"

def extract_document(data: bytes, *, max_part_bytes: int = DEFAULT_MAX_UNPACKED_BYTES) -> Extracted:
    """The blocks and NFC text of a .docx; raises DocumentRejected if it cannot be read."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise damaged() from None
    with archive:
        names = set(archive.namelist())
        if MAIN_PART not in names:
            raise DocumentRejected(_("This file is a zip archive but not a Word document."))
        root = _parse_part(archive, MAIN_PART, max_part_bytes)
        if root.tag != W_DOCUMENT:
            raise _unknown_markup()
        body_el = root.find(W_BODY)
        walks = [("body", _walk(body_el))] if body_el is not None else []
        for rel_type, part in _related_parts(archive, names, max_part_bytes):
            if rel_type in HEADER_FOOTER:
                kind = "headers" if rel_type == HEADER_FOOTER[0] else "footers"
            else:
                kind = "notes"
            walks.append((kind, _walk(_parse_part(archive, part, max_part_bytes))))
        used = {style for _kind, walk in walks for style in walk.styles}
        levels = _known_levels(used)
        if used - levels.keys() - NOT_HEADINGS:
            levels = _heading_levels(archive, names, max_part_bytes)
    groups = {"body": [], "headers": [], "footers": [], "notes": []}
    for kind, walk in walks:
        groups[kind].extend(walk.blocks(levels))
    body, notes = tuple(groups["body"]), tuple(groups["notes"])
    headers, footers = _unique(groups["headers"]), _unique(groups["footers"])
    return Extracted(
        body=body,
        headers=headers,
        footers=footers,
        notes=notes,
        text=text_of(headers, body, footers, notes),
    )


def _unknown_markup() -> DocumentRejected:
    return DocumentRejected(
        _(
            "The document's main part is not WordprocessingML that can be read, so its text "
            "would be lost. Open it in Word, save it as “Word Document (.docx)” and upload "
            "the new file."
        )
    )


def _unique(blocks) -> tuple[Block, ...]:
    # First-page, even and default headers often repeat the same line; keep it once.
    seen, out = set(), []
    for block in blocks:
        if block not in seen:
            seen.add(block)
            out.append(block)
    return tuple(out)


def _parse_part(archive: zipfile.ZipFile, name: str, cap: int):
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise damaged(name) from None
    raw = _as_transitional(read_capped(archive, info, cap))
    root = parse_safely(raw, name)
    if b"AlternateContent" in raw:
        _drop_fallbacks(root)
    return root


def _as_transitional(raw: bytes) -> bytes:
    """A Strict Open XML part with the transitional namespace names (same elements, same meaning).

    Only quoted URIs are replaced: an xmlns declaration or a relationship type, never running text.
    """
    for strict, transitional in STRICT_NAMESPACES:
        if strict in raw:
            for quote in (b'"', b"'"):
                raw = raw.replace(quote + strict, quote + transitional)
    return raw


def _drop_fallbacks(root):
    # Word writes a text box once per mc:Choice and again in mc:Fallback; read it once.
    fallbacks = list(root.iter(MC + "Fallback"))
    for fallback in fallbacks:
        fallback.getparent().remove(fallback)


def _heading_levels(archive, names, cap) -> dict[str, int]:
    """styleId → heading level, from the style's name ("heading 2") or its outline level."""
    if "word/styles.xml" not in names:
        return {}
    try:
        root = _parse_part(archive, "word/styles.xml", cap)
    except DocumentRejected:
        return {}
    own, based_on = {}, {}
    for style in root.iterchildren(W_STYLE):
        style_id = style.get(W_STYLE_ID)
        if not style_id:
            continue
        name_el = style.find(W_NAME)
        name = name_el.get(W_VAL, "") if name_el is not None else ""
        match = HEADING_NAME.match(name.strip())
        outline = style.find(f"{W_PPR}/{W_OUTLINE}")
        if match:
            own[style_id] = int(match.group(1))
        elif name.strip().lower() == "title":
            own[style_id] = 1
        elif outline is not None and (outline.get(W_VAL) or "").isdigit():
            level = int(outline.get(W_VAL)) + 1
            own[style_id] = level if level <= 9 else 0
        parent = style.find(W_BASED_ON)
        if parent is not None:
            based_on[style_id] = parent.get(W_VAL)
    levels = {}
    for style_id in {*own, *based_on}:
        current, hops = style_id, 0
        while current is not None and current not in own and hops < 20:
            current, hops = based_on.get(current), hops + 1
        level = own.get(current, 0) if current is not None else 0
        if level:
            levels[style_id] = level
    return levels


def _related_parts(archive, names, cap):
    """(relationship type, part) of the headers, footers, footnotes, endnotes and comments."""
    rels_name = "word/_rels/document.xml.rels"
    if rels_name not in names:
        return []
    rels = _parse_part(archive, rels_name, cap)
    found = []
    for rel in rels.iterchildren(REL + "Relationship"):
        rel_type = rel.get("Type")
        wanted = rel_type in HEADER_FOOTER or rel_type in NOTE_TYPES
        if wanted and rel.get("TargetMode") != "External":
            target = (rel.get("Target") or "").lstrip("/")
            part = target if target.startswith("word/") else f"word/{target}"
            if part in names:
                found.append((rel_type, part))
    order = {rel_type: n for n, rel_type in enumerate((*HEADER_FOOTER, *NOTE_TYPES))}
    return sorted(set(found), key=lambda item: (order[item[0]], _natural(item[1])))


def _natural(name: str):
    return [int(piece) if piece.isdigit() else piece for piece in re.split(r"(\d+)", name)]


# Built-in style ids Word writes in English whatever the interface language; a document using only
# these needs no look into styles.xml (often the largest part of a small document).
HEADING_ID = re.compile(r"^heading([1-9])$", re.IGNORECASE)
NOT_HEADINGS = frozenset(
    {
        "Normal",
        "ListParagraph",
        "BodyText",
        "BodyText2",
        "BodyText3",
        "BodyTextIndent",
        "NoSpacing",
        "Caption",
        "Quote",
        "IntenseQuote",
        "NormalWeb",
        "Header",
        "Footer",
        "FootnoteText",
        "EndnoteText",
        "CommentText",
        "ListBullet",
        "ListNumber",
        "Subtitle",
        "TableParagraph",
    }
    | {f"TOC{n}" for n in range(1, 10)}
)


def _known_levels(style_ids) -> dict[str, int]:
    levels = {}
    for style_id in style_ids:
        match = HEADING_ID.match(style_id)
        if match:
            levels[style_id] = int(match.group(1))
        elif style_id == "Title":
            levels[style_id] = 1
    return levels


WALK_TAGS = (W_P, W_TBL, W_TR, W_TC, W_PSTYLE, W_OUTLINE, *RUN_TEXT_TAGS)
CONTAINERS = frozenset(
    {W_BODY, W + "hdr", W + "ftr", W + "footnotes", W + "endnotes", W + "comments"}
)


class _Walk:
    """One pass over a body, header or footer in document order.

    A single tag-filtered iteration runs in C; per-element Python work is a few comparisons.
    Paragraphs are kept with their style id, as heading levels may need styles.xml first.
    """

    def __init__(self):
        # Items: ["p", pieces, style_id, outline_level] or ["t", rows (lists of cells)].
        self.items = []
        self.styles = set()

    def blocks(self, levels):
        for item in self.items:
            if item[0] == "t":
                rows = tuple(
                    cells
                    for cells in (tuple(_join_cell(c) for c in row) for row in item[1])
                    if any(cells)
                )
                if rows:
                    yield Block(TABLE, rows=rows)
                continue
            text = nfc("".join(item[1]))
            if not text.strip():
                continue
            outline, style = item[3], item[2]
            level = outline if outline is not None else levels.get(style, 0)
            if level:
                yield Block(HEADING, text=text, level=level)
            else:
                yield Block(PARAGRAPH, text=text)


def _join_cell(paragraphs) -> str:
    # Nested tables flatten into the cell's lines.
    lines = (nfc("".join(pieces)) for pieces in paragraphs)
    return "\n".join(line for line in lines if line.strip())


def _inside_cell(el) -> bool:
    parent = el.getparent()
    while parent is not None:
        tag = parent.tag
        if tag == W_TC:
            return True
        if tag in CONTAINERS:
            return False
        parent = parent.getparent()
    return False


def _table_of(el):
    parent = el.getparent()
    while parent is not None and parent.tag != W_TBL:
        parent = parent.getparent()
    return parent


def _walk(container) -> _Walk:
    walk = _Walk()
    items, styles = walk.items, walk.styles
    pieces = None  # the list the current paragraph's text goes to
    paragraph = None  # the current top-level paragraph item, for its style
    table = rows = cell = None
    for el in container.iter(*WALK_TAGS):
        tag = el.tag
        if tag == W_T:
            if pieces is not None and el.text:
                pieces.append(el.text)
        elif tag == W_P:
            pieces = []
            if table is not None and (el.getparent().tag == W_TC or _inside_cell(el)):
                if cell is not None:
                    cell.append(pieces)
                paragraph = None
            else:
                table = None
                paragraph = ["p", pieces, None, None]
                items.append(paragraph)
        elif tag == W_TAB:
            # A w:tab inside paragraph properties is a tab stop, not a character.
            if pieces is not None and el.getparent().tag != W + "tabs":
                pieces.append("\t")
        elif tag == W_BR or tag == W_CR:
            if pieces is not None:
                pieces.append("\n")
        elif tag == W_NB_HYPHEN:
            if pieces is not None:
                pieces.append("-")
        elif tag == W_PSTYLE:
            if paragraph is not None and paragraph[2] is None:
                style = el.get(W_VAL) or ""
                paragraph[2] = style
                styles.add(style)
        elif tag == W_OUTLINE:
            value = el.get(W_VAL) or ""
            if paragraph is not None and paragraph[3] is None and value.isdigit():
                level = int(value) + 1
                paragraph[3] = level if level <= 9 else 0
        elif tag == W_TBL:
            if table is None or not _inside_cell(el):
                table, rows, cell, pieces, paragraph = el, [], None, None, None
                items.append(["t", rows])
        elif tag == W_TR:
            if table is not None and _table_of(el) is table:
                rows.append([])
        elif tag == W_TC:
            if table is not None and rows and _table_of(el) is table:
                cell = []
                rows[-1].append(cell)
    return walk
