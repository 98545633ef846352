"""What changed between two versions of a document, paragraph by paragraph.

Headings and paragraphs are one item each and every table cell is its own item, so an edited
figure in a budget table shows as that one cell. Changed items carry a word-level diff.
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from .extraction import TABLE, Extracted

EQUAL, INSERT, DELETE, REPLACE = "equal", "insert", "delete", "replace"
WORDS = re.compile(r"\w+|\s+|[^\w\s]")


@dataclass(frozen=True)
class Item:
    """A heading, a paragraph, or one table cell (table, row and column counted from 1)."""

    kind: str
    text: str
    level: int = 0
    table: int = 0
    row: int = 0
    column: int = 0

    @property
    def is_cell(self) -> bool:
        return self.kind == "cell"


@dataclass(frozen=True)
class Change:
    op: str
    old: Item | None
    new: Item | None
    # For a replaced item: (op, text) pieces, where op is equal, insert or delete.
    words: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Comparison:
    changes: tuple[Change, ...]

    @property
    def added(self) -> int:
        return sum(1 for c in self.changes if c.op == INSERT)

    @property
    def removed(self) -> int:
        return sum(1 for c in self.changes if c.op == DELETE)

    @property
    def changed(self) -> int:
        return sum(1 for c in self.changes if c.op == REPLACE)

    @property
    def has_changes(self) -> bool:
        return any(c.op != EQUAL for c in self.changes)


def items_of(extracted: Extracted) -> list[Item]:
    items, tables = [], 0
    for block in extracted.body:
        if block.kind == TABLE:
            tables += 1
            for r, row in enumerate(block.rows, start=1):
                for c, cell in enumerate(row, start=1):
                    if cell.strip():
                        items.append(Item("cell", cell, table=tables, row=r, column=c))
        else:
            items.append(Item(block.kind, block.text, level=block.level))
    return items


def compare(old: Extracted, new: Extracted) -> Comparison:
    before, after = items_of(old), items_of(new)
    # Items are matched on their text alone: a row inserted above must not make every cell
    # below it look changed.
    matcher = SequenceMatcher(
        None, [i.text for i in before], [i.text for i in after], autojunk=False
    )
    changes = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == EQUAL:
            changes.extend(
                Change(EQUAL, a, b) for a, b in zip(before[i1:i2], after[j1:j2], strict=True)
            )
        elif op == DELETE:
            changes.extend(Change(DELETE, a, None) for a in before[i1:i2])
        elif op == INSERT:
            changes.extend(Change(INSERT, None, b) for b in after[j1:j2])
        else:
            olds, news = before[i1:i2], after[j1:j2]
            paired = min(len(olds), len(news))
            for a, b in zip(olds[:paired], news[:paired], strict=True):
                changes.append(Change(REPLACE, a, b, word_diff(a.text, b.text)))
            changes.extend(Change(DELETE, a, None) for a in olds[paired:])
            changes.extend(Change(INSERT, None, b) for b in news[paired:])
    return Comparison(tuple(changes))


def word_diff(old: str, new: str) -> tuple[tuple[str, str], ...]:
    a, b = WORDS.findall(old), WORDS.findall(new)
    pieces = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == EQUAL:
            pieces.append((EQUAL, "".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append((DELETE, "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append((INSERT, "".join(b[j1:j2])))
    return tuple(pieces)
