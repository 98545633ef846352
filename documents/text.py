"""Free text as people type or paste it, made fit to store and to write into a document.

The lowest layer of the project, so documents, workflow and search all clean text the same way:
`clean_text` at every boundary where text comes in (forms, services), `xml_safe` where text goes
into a .docx, whatever the database holds.
"""

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
