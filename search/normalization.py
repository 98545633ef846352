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

import codecs
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

# The fast path for the characters of Vietnamese text. str.translate looks each character up in a
# Python mapping (some 40 ns a character, most of the cost of indexing a document); a single-byte
# charmap codec maps each of up to 256 characters to a byte in C, and bytes.translate then turns
# each byte into its folded ASCII letter or a space. The table holds ASCII, the Vietnamese letters
# in both cases and common punctuation; the byte of each is what _fold_char gives, so both paths
# agree by construction, and a text with any other character takes the general path.
_VIETNAMESE = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
_FAST_CHARS = "".join(dict.fromkeys(
    "\t\n\r" + "".join(map(chr, range(32, 127))) + _VIETNAMESE + _VIETNAMESE.upper()
    + "–—‘’“”…•·°«»§×€" + "".join(map(chr, range(32)))
))[:256]
_FAST_ENCODING = codecs.charmap_build(_FAST_CHARS)
_FAST_BYTES = bytes(ord(_fold_char(c)) for c in _FAST_CHARS).ljust(256, b" ")


def fold_text(value: str) -> str:
    """The indexed form of an already cleaned text; same length, see the module docstring."""
    try:
        encoded = codecs.charmap_encode(value, "strict", _FAST_ENCODING)[0]
    except UnicodeEncodeError:
        return value.translate(_FOLD)
    return encoded.translate(_FAST_BYTES).decode("ascii")


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
