"""The query language a user types, read leniently into one structure every backend translates.

    ke hoach              both words (anywhere in the title or the text)
    "ke hoach"            the phrase: the words next to each other, in that order
    -du an  -"du an"      excluded word or phrase
    ke hoach OR du an     either side: the words on each side of OR all match, or those on
                          the other do (`a b OR c d` means a and b, or c and d), with no quotes

Words are folded like the indexed text (normalization.fold), so `Kế hoạch`, `ke hoach` and an NFD
`Kế hoạch` pasted from another editor are the same query. Mistyped syntax never fails: an
unbalanced quote is read as plain words, a lone `-` is ignored, an `OR` with nothing on one side is
the word "or". The only refusal is a query with no word to look for (empty, or only exclusions),
answered by QueryError with a message fit for the user.
"""

import itertools
import math
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from documents.errors import DomainError

from .normalization import clean_text, tokens

MAX_CLAUSES = 32
# What OR alternatives of several words become once distributed (see parse).
MAX_GROUPS = 128

# Quotes and minus signs that editors and phones substitute for the ASCII ones.
_QUOTES = str.maketrans({c: '"' for c in "“”„‟«»＂〝〞"})
_MINUSES = str.maketrans({c: "-" for c in "−–—‐‑﹣－"})
_LEXEME = re.compile(r'(-?)"([^"]*)"|(\S+)')


class QueryError(DomainError, ValueError):
    """The query cannot be searched; str(error) is a message for the user."""


# A clause is the folded words of one term (one word) or phrase (several, adjacent, in order).
Clause = tuple[str, ...]


@dataclass(frozen=True)
class Query:
    # Every group must match; a group matches when any of its clauses does.
    groups: tuple[tuple[Clause, ...], ...] = ()
    excluded: tuple[Clause, ...] = ()
    text: str = field(default="", compare=False)

    @property
    def is_empty(self) -> bool:
        return not self.groups

    @property
    def positive_clauses(self) -> list[Clause]:
        return [clause for group in self.groups for clause in group]


@dataclass
class _Item:
    clause: Clause
    negated: bool = False
    is_or: bool = False


def _lex(text: str) -> list[_Item]:
    text = clean_text(text).translate(_QUOTES).translate(_MINUSES)
    if text.count('"') % 2:
        # An unbalanced quote: the quotes mean nothing, the words are plain words.
        text = text.replace('"', " ")
    items = []
    for match in _LEXEME.finditer(text):
        if match.group(3) is not None:
            raw = match.group(3)
            if raw == "OR":
                items.append(_Item(clause=("or",), is_or=True))
                continue
            negated = raw.startswith("-") and len(raw) > 1
            words = tokens(raw[1:] if negated else raw)
        else:
            negated = match.group(1) == "-"
            words = tokens(match.group(2))
        if words:  # a lone "-", or punctuation only: nothing to look for
            items.append(_Item(clause=tuple(words), negated=negated))
    return items


def _joinable(item: _Item | None) -> bool:
    return item is not None and not item.negated and not item.is_or


def parse(text: str | None, *, allow_empty: bool = False) -> Query:
    """Read what the user typed. allow_empty: an empty query means "everything" (filters only)."""
    items = _lex(text or "")
    alternatives: list[list[Clause]] = [[]]
    excluded: list[Clause] = []
    for i, item in enumerate(items):
        if item.is_or:
            before = items[i - 1] if i > 0 else None
            after = items[i + 1] if i + 1 < len(items) else None
            if alternatives[-1] and _joinable(before) and _joinable(after):
                alternatives.append([])
                continue
            item = _Item(clause=item.clause)  # an OR with nothing to join is the word "or"
        if item.negated:
            excluded.append(item.clause)
        else:
            alternatives[-1].append(item.clause)
    alternatives = [list(dict.fromkeys(a)) for a in alternatives if a]
    # The backends take every group to match, a group by any of its clauses: (a and b) or
    # (c and d) is, distributed, (a or c) and (a or d) and (b or c) and (b or d).
    typed = sum(len(a) for a in alternatives) + len(excluded)
    if typed > MAX_CLAUSES or math.prod(len(a) for a in alternatives) > MAX_GROUPS:
        raise QueryError(
            _("The query is too long: use at most %(count)d words or phrases.")
            % {"count": MAX_CLAUSES}
        )
    groups = list(itertools.product(*alternatives)) if alternatives else []
    if not groups and not allow_empty:
        if excluded:
            raise QueryError(
                _("Type at least one word to look for: a search cannot consist only of "
                  "excluded words.")
            )
        raise QueryError(_("Type a word or a phrase to search for."))
    return Query(
        groups=tuple(tuple(dict.fromkeys(g)) for g in groups),
        excluded=tuple(dict.fromkeys(excluded)),
        text=text or "",
    )
