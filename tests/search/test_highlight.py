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


def test_a_long_document_is_read_until_enough_matches_are_found():
    filler = "Nội dung chi tiết của phụ lục số liệu. " * 2000  # some 80,000 characters
    text = filler + "Kế hoạch chuyển đổi số. " + filler + " kế  hoạch " * 6000
    query = parse('"ke hoach"')
    every = match_spans(text, query)
    assert len(every) == 6001 and every[0][0] == len(filler)
    first = match_spans(text, query, enough=5)
    assert first == every[: len(first)] and 5 <= len(first) < 3000
    # The passages shown are where the words are, far into the document.
    assert all(any(is_match for _part, is_match in s) for s in snippets(text, query))


def test_pieces_do_not_split_a_match():
    for shift in range(0, 40, 3):
        text = "x" * (16_384 - 300 + shift) + " kế hoạch" * 60
        query = parse('"ke hoach"')
        assert match_spans(text, query, enough=1000) == match_spans(text, query)
