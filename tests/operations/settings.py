"""Settings of the worker processes started by tests: the jobs come from TEST_WORKER_JOBS."""

import json
import os

from config.settings import *  # noqa: F403

WORKER_JOBS = json.loads(os.environ.get("TEST_WORKER_JOBS", "{}"))
WORKER_SLOW_JOBS = json.loads(os.environ.get("TEST_WORKER_SLOW_JOBS", "[]")) or WORKER_SLOW_JOBS  # noqa: F405

# Users made by the test factories have MD5 hashes (tests/conftest.py): these processes accept them.
from django.conf.global_settings import PASSWORD_HASHERS  # noqa: E402

PASSWORD_HASHERS = [*PASSWORD_HASHERS, "django.contrib.auth.hashers.MD5PasswordHasher"]
