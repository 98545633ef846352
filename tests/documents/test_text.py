"""The one free-text cleaner, and what may go into a document."""

from documents.text import clean_text, xml_safe


def test_word_line_breaks_become_line_breaks_and_other_controls_go():
    assert clean_text("  một\x0bhai\x0cba\x01\x7f\x85bốn\u2028năm  ") == "một\nhai\nba\nbốn\nnăm"


def test_tab_and_line_breaks_stay():
    assert clean_text("a\tb\r\nc") == "a\tb\r\nc"


def test_text_is_composed_to_nfc():
    decomposed = "Nguye\u0302\u0303n"
    assert clean_text(decomposed) == "Nguyễn"


def test_nothing_becomes_empty_text():
    assert clean_text(None) == "" and clean_text("\x00\x01 ") == ""


def test_xml_safe_removes_what_xml_cannot_hold():
    assert xml_safe("a\x00b\x0bc\ud800d\ufffe") == "ab\ncd"
    assert xml_safe("Tiếng Việt\t\n") == "Tiếng Việt\t\n"
