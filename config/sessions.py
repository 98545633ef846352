"""Django's database sessions, read with a query written once per process.

Every request reads its session. Django builds that query through the ORM each time (a filter on
the key and the expiry, compiled anew): about 0.25 ms of CPU, a twentieth of a page, measured in
bench/serve's profile of the web server. This engine runs the same query as SQL written once
(QuerySet.raw, so the expiry still goes through Django's converters); everything else, writing,
expiry and clearing, is Django's (docs: "Extending database-backed session engines").

    SESSION_ENGINE = "config.sessions"
"""

import functools

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        using = router.db_for_read(self.model)
        found = list(self.model._default_manager.db_manager(using).raw(
            _session_sql(self.model, using), [self.session_key, timezone.now()]))
        if not found:
            self._session_key = None
            return None
        return found[0]


@functools.cache
def _session_sql(model, using: str) -> str:
    q = connections[using].ops.quote_name
    fields = {field.name: q(field.column) for field in model._meta.concrete_fields}
    return (f"SELECT {', '.join(fields.values())} FROM {q(model._meta.db_table)}"
            f" WHERE {fields['session_key']} = %s AND {fields['expire_date']} > %s")
