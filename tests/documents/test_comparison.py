"""A council member sees what changed between two versions, down to a table cell."""

from documents.comparison import DELETE, EQUAL, INSERT, REPLACE, compare
from documents.extraction import extract_document

from .sample_files import simple_docx


def versions(old_kwargs, new_kwargs):
    return extract_document(simple_docx(**old_kwargs)), extract_document(simple_docx(**new_kwargs))


def test_identical_versions_have_no_changes():
    old, new = versions({}, {})
    assert not compare(old, new).has_changes


def test_an_edited_paragraph_shows_the_changed_words():
    old, new = versions(
        {"paragraphs": ("Kinh phí 10 tỷ đồng.",)}, {"paragraphs": ("Kinh phí 12 tỷ đồng.",)}
    )
    comparison = compare(old, new)
    (change,) = [c for c in comparison.changes if c.op != EQUAL]
    assert change.op == REPLACE
    assert (DELETE, "10") in change.words and (INSERT, "12") in change.words
    assert comparison.changed == 1


def test_an_added_and_a_removed_paragraph():
    old, new = versions({"paragraphs": ("Một.", "Hai.")}, {"paragraphs": ("Hai.", "Ba.")})
    comparison = compare(old, new)
    assert comparison.removed == 1 and comparison.added == 1
    removed = next(c for c in comparison.changes if c.op == DELETE)
    added = next(c for c in comparison.changes if c.op == INSERT)
    assert (removed.old.text, added.new.text) == ("Một.", "Ba.")


def test_a_changed_table_cell_is_reported_with_its_position():
    old, new = versions(
        {"table": (("Hạng mục", "Kinh phí"), ("Hạ tầng", "12 tỷ"))},
        {"table": (("Hạng mục", "Kinh phí"), ("Hạ tầng", "15 tỷ"))},
    )
    (change,) = [c for c in compare(old, new).changes if c.op != EQUAL]
    assert change.new.is_cell
    assert (change.new.table, change.new.row, change.new.column) == (1, 2, 2)
    assert change.new.text == "15 tỷ"


def test_an_inserted_row_does_not_mark_later_cells_changed():
    old, new = versions(
        {"table": (("A", "1"), ("C", "3"))},
        {"table": (("A", "1"), ("B", "2"), ("C", "3"))},
    )
    comparison = compare(old, new)
    assert comparison.added == 2
    assert comparison.changed == 0 and comparison.removed == 0
