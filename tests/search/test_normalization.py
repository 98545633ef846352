"""Folding: the indexed form of a text, the same length as the text, whichever path it takes."""

import random
import unicodedata

import pytest

from search.normalization import _fold_char, _fold_fast, clean_text, fold, fold_text

VIETNAMESE = "Kế hoạch ứng dụng CNTT của Đảng ủy giai đoạn 2021–2025: “Chuyển đổi số”… ĐƯỢC ỹ ậ"
OTHER = "αβγΩ жЖ İ ß ŉ ٣ 中文 𝐀 \u0301 \u00a0 \u200b ǅ"


def _by_char(text):
    return "".join(_fold_char(c) for c in text)


def test_every_character_of_the_basic_plane_folds_as_its_definition_says():
    chars = "".join(chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF)
    assert fold_text(chars) == _by_char(chars)


@pytest.mark.parametrize("seed", range(20))
def test_mixed_text_folds_the_same_on_the_fast_and_the_general_path(seed):
    rng = random.Random(seed)
    alphabet = VIETNAMESE + (OTHER if seed % 2 else "") + "\n\t.,;()-"
    for _ in range(50):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 300)))
        folded = fold_text(text)
        assert folded == _by_char(text) and len(folded) == len(text)
        if seed % 2 == 0 and text:  # Vietnamese only: the fast path
            assert _fold_fast(text) == folded


def test_vietnamese_folds_to_plain_lowercase_words():
    assert fold_text("Kế hoạch của Đảng, ĐƯỢC 2025") == "ke hoach cua dang  duoc 2025"


def test_text_pasted_decomposed_or_typed_composed_folds_the_same():
    composed = "Thẩm định dự án đầu tư"
    assert fold(unicodedata.normalize("NFD", composed)) == fold(composed)
    assert fold(composed) == "tham dinh du an dau tu"
    assert clean_text("ke\u200bhoach\u00adso") == "kehoachso"
