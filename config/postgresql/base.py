"""Django's PostgreSQL backend whose check of a kept connection asks the server nothing.

With `CONN_HEALTH_CHECKS`, Django sends `SELECT 1` before the first query of every request on a
kept connection: a round trip, and the server's parse and plan, on every page. A connection the
server ended (a restart, `pg_terminate_backend`, an idle timeout) has its goodbye, or the end of
the stream, waiting to be read while no query runs; a live idle one has nothing. So only a
connection with something to read is asked, and a connection that fails that is replaced as
before, while the others go straight to work.
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        if self.connection is None or self.connection.closed:
            return False
        try:
            readable, _, _ = select.select([self.connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable or super().is_usable()
