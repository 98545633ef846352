"""The answer to a request that failed: 503 when the database was out of reach, else 500.

Django's `handler500` (config/urls.py). A PostgreSQL that restarts, fails over or refuses more
connections, or an SQLite file busy past its timeout, is a fault that passes: the answer says so
and when to try again (503, Retry-After), so that a load balancer retries elsewhere and a person
is not told the system is broken. Any other error stays a 500. Either way the page stands alone
(no frame, no database, no static files) and the log keeps the traceback (django.request).
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views.defaults import server_error

RETRY_AFTER_SECONDS = 30


def server_error_or_outage(request):
    if not isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return server_error(request)
    if request.path.startswith("/api/"):
        detail = _("The database cannot be reached just now. Try again in a minute.")
        response = JsonResponse({"detail": detail}, status=503)
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
