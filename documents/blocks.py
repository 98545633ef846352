"""What extraction reads from a .docx, kept with each version: blocks (headings, paragraphs,
tables) of the body, headers, footers and notes, and their plain text."""

import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple

HEADING, PARAGRAPH, TABLE = "heading", "paragraph", "table"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


class Block(NamedTuple):
    """One block of a document: a heading (level 1–9), a paragraph, or a table of cell texts."""

    kind: str
    text: str = ""
    level: int = 0
    rows: tuple[tuple[str, ...], ...] = ()

    def to_json(self) -> dict:
        if self.kind == TABLE:
            return {"kind": TABLE, "rows": [list(row) for row in self.rows]}
        if self.kind == HEADING:
            return {"kind": HEADING, "text": self.text, "level": self.level}
        return {"kind": PARAGRAPH, "text": self.text}

    @classmethod
    def from_json(cls, value: dict) -> "Block":
        return cls(
            kind=value["kind"],
            text=value.get("text", ""),
            level=int(value.get("level", 0)),
            rows=tuple(tuple(row) for row in value.get("rows", ())),
        )

    @property
    def plain_text(self) -> str:
        if self.kind == TABLE:
            return "\n".join("\t".join(row) for row in self.rows)
        return self.text


@dataclass(frozen=True)
class Extracted:
    body: tuple[Block, ...] = ()
    headers: tuple[Block, ...] = ()
    footers: tuple[Block, ...] = ()
    # Footnotes, endnotes and comments, in that order.
    notes: tuple[Block, ...] = ()
    text: str = field(default="", compare=False)

    def to_json(self) -> dict:
        value = {
            "body": [b.to_json() for b in self.body],
            "headers": [b.to_json() for b in self.headers],
            "footers": [b.to_json() for b in self.footers],
        }
        if self.notes:
            value["notes"] = [b.to_json() for b in self.notes]
        return value

    @classmethod
    def from_json(cls, value: dict | None) -> "Extracted":
        value = value or {}
        parts = {
            key: tuple(Block.from_json(b) for b in value.get(key, ()))
            for key in ("body", "headers", "footers", "notes")
        }
        return cls(
            **parts,
            text=text_of(parts["headers"], parts["body"], parts["footers"], parts["notes"]),
        )


def text_of(*groups) -> str:
    return "\n".join(block.plain_text for group in groups for block in group)
