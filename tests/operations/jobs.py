"""Jobs for the worker's tests, run by real worker processes (settings: tests.operations.settings).

Each leaves a trace a test can read: a line per run in the file named by JOB_TRACE.
"""

import os
import time
from pathlib import Path

from django.db import transaction

from workflow.jobs import run_workflow_timers

calls: list = []  # in-process runs of run_counting (its limit), run_zulu and run_alpha
parts: list[tuple[int, int]] = []  # in-process runs of run_part


def run_counting(*, limit: int = 100) -> int:
    calls.append(limit)
    return 3


def run_part(*, limit: int = 100, part: tuple[int, int] = (1, 1)) -> int:
    parts.append(part)
    return 1


def run_zulu(*, limit: int = 100) -> int:
    calls.append("zulu")
    return 0


def run_alpha(*, limit: int = 100) -> int:
    calls.append("alpha")
    return 0


def run_failing(*, limit: int = 100) -> int:
    raise RuntimeError("the engine is down")


def _trace(line: str) -> None:
    with open(os.environ["JOB_TRACE"], "a") as trace:
        trace.write(line + "\n")


def run_timers_slowly(*, limit: int = 100) -> int:
    """Fire the due deadline timers, then pause before committing (JOB_PAUSE seconds): a worker
    killed during the pause is killed mid-job, its work not yet committed."""
    with transaction.atomic():
        fired = run_workflow_timers(limit=limit)
        _trace(f"fired {fired} pid {os.getpid()}")
        time.sleep(float(os.environ.get("JOB_PAUSE", "0")))
    return fired


def run_exclusive(*, limit: int = 100) -> int:
    """A run of 0.2 s that writes when it started and ended (monotonic clock, all processes)."""
    started = time.monotonic()
    time.sleep(0.2)
    _trace(f"{os.getpid()} {started} {time.monotonic()}")
    Path(os.environ["JOB_TRACE"]).touch()
    return 0


def run_tick(*, limit: int = 100) -> int:
    """A quick job: a line "tick <monotonic clock>" a run."""
    _trace(f"tick {time.monotonic()}")
    return 0


def run_slowly(*, limit: int = 100) -> int:
    """A slow job (JOB_PAUSE seconds, as a PDF/A copy takes): a line at its start and its end."""
    _trace(f"slow-start {time.monotonic()}")
    time.sleep(float(os.environ.get("JOB_PAUSE", "0")))
    _trace(f"slow-end {time.monotonic()}")
    return 0
