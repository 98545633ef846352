"""Settings of the worker processes started by tests: the jobs come from TEST_WORKER_JOBS."""

import json
import os

from config.settings import *  # noqa: F403

WORKER_JOBS = json.loads(os.environ.get("TEST_WORKER_JOBS", "{}"))
