"""Free text as people type or paste it, made fit to store and to write into a document.

The lowest layer of the project, so documents, workflow and search all clean text the same way:
`clean_text` at every boundary where text comes in (forms, services), `xml_safe` where text goes
into a .docx, whatever the database holds.
"""

import os
import re
import unicodedata

# Control characters that mean a line break where they come from: Word's manual line break
# (vertical tab) and page break (form feed), NEL, and Unicode's line and paragraph separators.
_AS_LINE_BREAK = frozenset({"\x0b", "\x0c", "\x85", "\u2028", "\u2029"})
# Tab, line feed and carriage return are text; every other C0/C1 control character is dropped.
_KEPT = frozenset({"\t", "\n", "\r"})
_CONTROL_MAP = {
    code: ("\n" if chr(code) in _AS_LINE_BREAK else None)
    for code in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), 0x2028, 0x2029]
    if chr(code) not in _KEPT
}
# Lone surrogates: JSON may carry them ("\udfb7"), no encoding can store them (SQLite and
# PostgreSQL refuse the whole write).
_CONTROL_MAP.update(dict.fromkeys(range(0xD800, 0xE000)))

# What XML 1.0 cannot hold at all: the controls above, lone surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean_text(value) -> str:
    """NFC (Vietnamese arrives composed or decomposed depending on the editor), control
    characters mapped (tab and line breaks kept, Word's breaks read as line breaks, the rest
    dropped), surrounding whitespace stripped."""
    text = unicodedata.normalize("NFC", str(value or ""))
    return text.translate(_CONTROL_MAP).strip()


def xml_safe(value) -> str:
    """The text with every character XML cannot hold removed (line-break controls kept as
    line breaks): rendering never fails on what an older record or an import holds."""
    text = str(value or "")
    for char in _AS_LINE_BREAK:
        text = text.replace(char, "\n")
    return _NOT_XML.sub("", text)


# The longest comment, reason or condition a form or a service accepts (the forms say the same).
MAX_FREE_TEXT = 5000


def check_length(text: str, limit: int = MAX_FREE_TEXT) -> str:
    """`text` if it is at most `limit` characters; refused with the figures otherwise, never cut."""
    if len(text) > limit:
        from django.utils.translation import gettext_lazy as _

        from .errors import InvalidInput

        raise InvalidInput(
            _("The text is %(length)s characters long; at most %(limit)s are accepted."),
            {"length": len(text), "limit": limit},
        )
    return text


def has_visible_text(text: str) -> bool:
    """True when the text shows something: a letter, digit, punctuation mark or symbol.

    A title made only of zero-width spaces, joiners, soft hyphens or lone combining marks looks
    empty on every page and document it would head.
    """
    return any(unicodedata.category(char)[0] in "LNPS" for char in text)


DOCX_EXTENSION = ".docx"
FILE_EXTENSION = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,7}")


def clean_filename(name: str) -> str:
    """The name a version is shown and downloaded under: always `….docx`.

    Only for display and the download: storage paths never use what the sender named (an
    upload, a package from another instance). Whatever they called the file (`report.html`,
    `x.hta`, `x.svg`, a name with a line break), what was accepted is a Word document, and a
    browser or desktop opens a download by its extension.
    """
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in clean_text(base) if ch.isprintable())
    stem, extension = os.path.splitext(base.strip())
    if not FILE_EXTENSION.fullmatch(extension):
        stem = base.strip()  # "Kế hoạch 2021.2025" has no extension to drop
    stem = stem.strip(" .")[:200]
    return f"{stem or 'document'}{DOCX_EXTENSION}"
