"""A database id that arrives from outside (a URL, a query string, a form, a service call): the
one rule every app reads it by.

Ids are signed 64-bit integers in every engine (SQLite, PostgreSQL's bigint, Elasticsearch's
long). A number outside 1..MAX_ID names nothing, and asked of SQLite it is not "no row" but an
overflow error: it is turned away here, before any query. (The API allows less, 2**53, so that
JavaScript clients read every id exactly: config/api/schemas.py.)
"""

MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """The id `value` names (an int, or a string of ASCII digits, spaces around it allowed), or
    None when it cannot name one: text, a sign, a full-width digit, zero, beyond MAX_ID."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    if isinstance(value, str):
        value = value.strip()
        if not value.isascii() or not value.isdigit() or len(value) > 19:
            return None
        value = int(value)
    return value if 0 < value <= MAX_ID else None
