"""Snippets mark the query's words on the original text, wherever and however they were typed."""

import re

from search.highlight import as_html, match_spans, snippets
from search.query import parse


def test_words_typed_without_diacritics_are_marked_on_the_letters_with_them():
    text = "Kế hoạch ứng dụng CNTT của Đảng: KẾ-HOẠCH năm 2026."
    query = parse('"ke hoach" dang')
    found = [text[start:end] for start, end in match_spans(text, query)]
    assert found == ["Kế hoạch", "Đảng", "KẾ-HOẠCH"]


def test_a_word_inside_another_is_not_a_match():
    assert match_spans("hoạchđịnh kếhoạch", parse("hoach")) == []


def test_snippets_escape_the_text_and_mark_only_the_matches():
    text = "Báo cáo <script>alert(1)</script> về kế hoạch đầu tư"
    html = as_html(snippets(text, parse('"ke hoach"'))[0])
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert re.findall(r"<mark>(.*?)</mark>", html) == ["kế hoạch"]
