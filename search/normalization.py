"""Text normalisation shared by indexing and querying, so both sides agree whatever the engine.

Two forms of a text:

- `clean_text(s)`: what is stored and shown. Unicode NFC (text pasted from Word or a PDF viewer is
  often decomposed, NFD), compatibility characters replaced (NFKC: full-width letters, ligatures,
  non-breaking spaces), invisible characters dropped (zero-width spaces and joiners, soft hyphens,
  byte-order marks), line ends unified.
- `fold_text(s)`: what is indexed and matched. The same length as the cleaned text, character for
  character: each letter or digit becomes its lowercase base letter without diacritics
  (`Kế hoạch` → `ke hoach`, `Đảng` → `dang`), everything else becomes a space.

The search engines therefore only ever see lowercase ASCII-like words separated by spaces, so no
analysis plugin is needed (Elasticsearch's standard analyzer, SQLite FTS5's unicode61 tokenizer
and PostgreSQL's `simple` configuration split them identically), and because folding keeps
positions, a match found in the folded text is highlighted at the same offsets in the original.
"""

import re
import unicodedata

# Characters that editors insert invisibly: they must neither split nor join words.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060\ufeff]+")
_LINE_ENDS = re.compile(r"\r\n?|\u2028|\u2029")


def clean_text(value: str | None) -> str:
    """The stored, displayed form of a text: NFKC/NFC, without invisible characters."""
    if not value:
        return ""
    # Each step first checks cheaply whether it has anything to do: indexing calls this for
    # every document, and most text is already clean.
    if _INVISIBLE.search(value):
        value = _INVISIBLE.sub("", value)
    # NFKC turns compatibility forms into their plain letters and already composes (NFC).
    if not unicodedata.is_normalized("NFKC", value):
        value = unicodedata.normalize("NFKC", value)
    if "\r" in value or "\u2028" in value or "\u2029" in value:
        value = _LINE_ENDS.sub("\n", value)
    return value


def _fold_char(char: str) -> str:
    if not char.isalnum():
        return " "
    if char in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", char)[0]
    lower = base.lower()
    # Keep the one-to-one length: a character whose lowercase is longer (İ → i̇) stays as it is.
    if len(lower) != 1:
        lower = base if len(base) == 1 else char
    if not lower.isalnum():  # a lone combining mark or the like: not part of a word
        return " "
    return lower


class _FoldTable(dict):
    """A str.translate table filled on first sight of each character."""

    def __missing__(self, codepoint: int) -> str:
        folded = _fold_char(chr(codepoint))
        self[codepoint] = folded
        return folded


_FOLD = _FoldTable()

# The fast path, for text whose characters all lie in the four 256-character pages Vietnamese
# uses: Basic Latin and Latin-1 (U+00xx), Latin Extended-A/B (U+01xx: ă đ ơ ư), Latin Extended
# Additional (U+1Exx: ạ ả ấ … ỹ) and General Punctuation (U+20xx: dashes, quotes, …). str.translate
# looks each character up in a Python mapping (some 40 ns a character, most of the cost of
# indexing a document). Here the text is encoded as UTF-16, its low bytes folded through one
# bytes.translate table a page, and the results merged with masks made from the high bytes, all in
# C: about 11 ns a character. The tables are made from _fold_char, so both paths agree by
# construction; a text with any other character, or one that folds to a non-ASCII letter, takes
# the general path.
_PAGES = (0x00, 0x01, 0x1E, 0x20)
_PAGE_BYTES = bytes(_PAGES)
_NOT_ASCII = 0x7F  # never a folded character (that is a letter, a digit or a space)


def _page_table(page: int) -> bytes:
    folded = (_fold_char(chr(page << 8 | low)) for low in range(256))
    return bytes(ord(f) if f.isascii() else _NOT_ASCII for f in folded)


_PAGE_FOLD = {page: _page_table(page) for page in _PAGES}
_PAGE_MASK = {page: bytes(0xFF if high == page else 0 for high in range(256)) for page in _PAGES}


def _fold_fast(value: str) -> str | None:
    encoded = value.encode("utf-16-le", "surrogatepass")
    if len(encoded) != 2 * len(value):  # characters beyond the Basic Multilingual Plane
        return None
    low, high = encoded[0::2], encoded[1::2]
    if high.translate(None, _PAGE_BYTES):  # a character outside the four pages
        return None
    folded = 0
    for page in _PAGES:
        if page == 0 or page in high:
            folded |= (int.from_bytes(low.translate(_PAGE_FOLD[page]), "little")
                       & int.from_bytes(high.translate(_PAGE_MASK[page]), "little"))
    out = folded.to_bytes(len(value), "little")
    if _NOT_ASCII in out:
        return None
    return out.decode("ascii")


def fold_text(value: str) -> str:
    """The indexed form of an already cleaned text; same length, see the module docstring."""
    folded = _fold_fast(value) if value else value
    return value.translate(_FOLD) if folded is None else folded


def fold(value: str | None) -> str:
    """Clean then fold: for text straight from a user or an editor."""
    return fold_text(clean_text(value))


_TOKEN = re.compile(r"[^\s]+")


def tokens(value: str | None) -> list[str]:
    """The words an engine indexes for a text: the runs of letters and digits of its folded form."""
    return _TOKEN.findall(fold(value))


def decision_key(value: str | None) -> str:
    """A decision number as a filter key: `123-QĐ/VPTW`, `123 qđ vptw` and `123-QD/VPTW` agree."""
    return " ".join(tokens(value))
