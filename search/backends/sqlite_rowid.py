"""SQLite's FTS rowid: (agency code << 47) | (group code << 32) | entry id, the codes small dense
integers given out by Codes (the group being kind, stage, document type and year). From it the
facet pass counts a search's facets in one scan of the FTS index, on a connection of its own beside
the ranking, and keeps the counts of recent searches by the index's generation: the scan turns each
match into two characters, its agency code and its group code, and Python counts the characters of
the one string that comes back (count_codes).
"""

import sqlite3
import threading
from bisect import bisect_right
from collections import Counter, OrderedDict
from concurrent.futures import ThreadPoolExecutor

AGENCY_SHIFT = 47
GROUP_SHIFT = 32
GROUP_MASK = (1 << 15) - 1
# Below the surrogates: the facet scan turns each code into one character.
MAX_AGENCY_CODE = 0xD7FF
MAX_ENTRY_ID = (1 << 32) - 1
ROWID = "search_entry_fts.rowid"
AGENCY_OF = f"({ROWID} >> {AGENCY_SHIFT})"
GROUP_OF = f"(({ROWID} >> {GROUP_SHIFT}) & {GROUP_MASK})"
FACET_SCAN = f"SELECT group_concat(char({AGENCY_OF}, {GROUP_OF}), '') FROM search_entry_fts"
# Index pages are read in place from the memory-mapped file instead of copied through SQLite's
# small page cache (a pragma of the connection, cheap to repeat).
MMAP = "PRAGMA mmap_size = 1073741824"


class FacetCache:
    """The facet counts of recent searches, by the key sqlite.SqliteBackend._facet_key makes:
    paging through the hits of a common word, or coming back to them, does not count them again
    (Elasticsearch's request cache does the same). A few hundred small entries, in each process."""

    def __init__(self, size: int = 256):
        self.size = size
        self.entries: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        if key is None:
            return None
        with self.lock:
            counted = self.entries.get(key)
            if counted is not None:
                self.entries.move_to_end(key)
            return counted

    def put(self, key, counted) -> None:
        if key is None:
            return
        with self.lock:
            self.entries[key] = counted
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


class Codes:
    """The dense codes of agencies and of (kind, stage, document type, year) groups that FTS
    rowids carry, read once a transaction and added as new values appear."""

    def __init__(self, cursor):
        cursor.execute("SELECT agency_id, code, agency_name FROM search_fts_agency")
        self.agencies = {agency_id: (code, name) for agency_id, code, name in cursor.fetchall()}
        cursor.execute("SELECT kind, stage, doc_type, year, code FROM search_fts_group")
        self.groups = {tuple(row[:4]): row[4] for row in cursor.fetchall()}

    def rowid(self, cursor, entry_id: int, entry) -> int:
        if entry_id > MAX_ENTRY_ID:
            raise OverflowError(f"search entry id {entry_id} does not fit the FTS rowid")
        return ((self.agency(cursor, entry.agency_id, entry.agency_name) << AGENCY_SHIFT)
                | (self.group(cursor, entry) << GROUP_SHIFT) | entry_id)

    def agency(self, cursor, agency_id: int, name: str) -> int:
        known = self.agencies.get(agency_id)
        if known is None:
            cursor.execute(
                "INSERT INTO search_fts_agency (agency_id, agency_name) VALUES (%s, %s)",
                [agency_id, name],
            )
            code = cursor.lastrowid
            if code > MAX_AGENCY_CODE:
                raise OverflowError("too many agencies for the FTS rowid")
            known = self.agencies[agency_id] = (code, name)
        elif known[1] != name:
            cursor.execute("UPDATE search_fts_agency SET agency_name = %s WHERE code = %s",
                           [name, known[0]])
            known = self.agencies[agency_id] = (known[0], name)
        return known[0]

    def group(self, cursor, entry) -> int:
        key = (entry.kind, entry.stage, entry.doc_type, entry.year or 0)
        code = self.groups.get(key)
        if code is None:
            cursor.execute(
                "INSERT INTO search_fts_group (kind, stage, doc_type, year) "
                "VALUES (%s, %s, %s, %s)",
                list(key),
            )
            code = self.groups[key] = cursor.lastrowid
            if code > GROUP_MASK:
                raise OverflowError("too many facet groups for the FTS rowid")
        return code


facet_cache = FacetCache()
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_readers = threading.local()


def reader_pool() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="search-reader")
        return _pool


def reset_reader_pool() -> None:
    """Shut the pool down (tests check that a parallel scan made one)."""
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown()
            _pool = None


def has_reader_pool() -> bool:
    return _pool is not None


def count_codes(codes: str | None) -> tuple[int, Counter, Counter]:
    """The number of matches, and how many of them carry each agency code and each group code,
    from the facet scan's string (FACET_SCAN)."""
    codes = codes or ""
    return len(codes) // 2, runs(codes[0::2]), _ordinals(Counter(codes[1::2]))


def runs(sorted_codes: str) -> Counter:
    """Counts of a string whose equal characters are together, as the agency codes are (FTS5
    returns matches in rowid order, and the agency is the rowid's top bits): one bisection a run
    instead of a dictionary update a match. Counted one by one if the runs say otherwise."""
    counts: Counter = Counter()
    start, previous = 0, ""
    while start < len(sorted_codes):
        char = sorted_codes[start]
        end = bisect_right(sorted_codes, char, start)
        # Sorted exactly when each run rises above the last and holds nothing else.
        if char <= previous or sorted_codes.count(char, start, end) != end - start:
            return _ordinals(Counter(sorted_codes))
        counts[char] = end - start
        start, previous = end, char
    return _ordinals(counts)


def _ordinals(counter: Counter) -> Counter:
    return Counter({ord(char): n for char, n in counter.items()})


def scan_codes(database: str, uri: bool, sql: str, params: list):
    """The facet scan and its counting, on this worker thread's own read-only connection (the
    counting here too: it then overlaps the ranking, which runs without the GIL)."""
    connections = _readers.__dict__.setdefault("connections", {})
    connection = connections.get(database)
    if connection is None:
        connection = sqlite3.connect(database, uri=uri, timeout=20, isolation_level=None)
        connection.execute("PRAGMA query_only = 1")
        connection.execute(MMAP)
        connections[database] = connection
    # fetchall steps the statement to its end, which resets it: no read lock is left behind.
    return count_codes(connection.execute(sql, params).fetchall()[0][0])
