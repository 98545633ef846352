"""The SQLite facet pass counts agency codes by runs: right whether or not they come sorted."""

import random
from collections import Counter

import pytest

from search.backends.sqlite_rowid import runs


@pytest.mark.parametrize("seed", range(10))
def test_runs_count_like_a_counter_sorted_or_not(seed):
    rng = random.Random(seed)
    for _ in range(500):
        codes = "".join(rng.choice("\x01\x02abé中\ud7ff") for _ in range(rng.randint(0, 40)))
        for text in (codes, "".join(sorted(codes))):
            assert runs(text) == Counter(map(ord, text))
