"""CI runs every test: each is selected by at least one of `.ci/run`'s passes (their `-m`
expressions), so a combination of marks (a slow test that needs PostgreSQL) cannot fall between
them unseen."""

import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import ON_POSTGRES

ROOT = Path(__file__).resolve().parent.parent


def collected(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode in (0, 5), done.stdout[-2000:] + done.stderr[-2000:]  # 5: none
    return {line for line in done.stdout.splitlines() if "::" in line}


@pytest.mark.skipif(ON_POSTGRES, reason="collection does not depend on the database: once")
def test_every_test_is_run_by_one_of_the_ci_passes():
    passes = re.findall(r"PYTEST_ARGS=\"-m '([^']+)'\"", (ROOT / ".ci" / "run").read_text())
    assert len(passes) == 2  # SQLite, then PostgreSQL
    with ThreadPoolExecutor(3) as pool:
        everything, *selected = pool.map(
            lambda args: collected(*args), [(), *[("-m", marks) for marks in passes]]
        )
    assert len(everything) > 1000
    left_out = everything - set().union(*selected)
    assert not left_out, f"no CI pass runs {sorted(left_out)}"
