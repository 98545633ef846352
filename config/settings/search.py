"""Search (the search app): the database's own full-text index unless ELASTICSEARCH_URL is set."""

import os

from .environment import env_bool, env_float, env_int

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
SEARCH_INDEX_PREFIX = os.environ.get("SEARCH_INDEX_PREFIX", "dossierflow")
# Apply index updates right after each commit; off when a `search_process_outbox --loop` worker
# does it instead, keeping that work out of the users' requests.
SEARCH_PROCESS_ON_COMMIT = env_bool("SEARCH_PROCESS_ON_COMMIT", True)
# SQLite: count the facets on a second connection while the hits are ranked (two cores at work).
SEARCH_SQLITE_PARALLEL = env_bool("SEARCH_SQLITE_PARALLEL", True)
# A slow or hung engine is cut off: each request to it waits at most SEARCH_ENGINE_TIMEOUT
# seconds, and after SEARCH_BREAKER_FAILURES failures in a row it is not asked for
# SEARCH_BREAKER_COOLDOWN seconds (the outbox keeps the updates meanwhile).
SEARCH_ENGINE_TIMEOUT = env_float("SEARCH_ENGINE_TIMEOUT", 2)
SEARCH_BREAKER_FAILURES = env_int("SEARCH_BREAKER_FAILURES", 2)
SEARCH_BREAKER_COOLDOWN = env_float("SEARCH_BREAKER_COOLDOWN", 30)
# An index update is tried this many times (backing off up to five minutes) before it is marked
# failed; `search_status --process` and `search_check --repair` still apply failed ones.
SEARCH_OUTBOX_MAX_ATTEMPTS = env_int("SEARCH_OUTBOX_MAX_ATTEMPTS", 50)
# A search_reindex silent this many seconds was killed: its index may be incomplete.
SEARCH_REBUILD_STALE = env_float("SEARCH_REBUILD_STALE", 120)
