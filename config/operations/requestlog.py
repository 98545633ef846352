"""One log line per request, with a request id, the user's id and the duration; JSON lines on
demand. Every other line logged while the request runs carries the same ids (a logging filter
reads them from context variables), so an error's traceback can be tied to its request.
"""

import contextvars
import json
import logging
import re
import time
import uuid

logger = logging.getLogger("dossierflow.requests")

request_id_var = contextvars.ContextVar("request_id", default="-")
user_id_var = contextvars.ContextVar("user_id", default="-")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        # A proxy's request id is kept when it looks like one; anything else gets a fresh one.
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        id_token = request_id_var.set(request_id)
        user_token = user_id_var.set("-")
        try:
            response = self.get_response(request)
            user = getattr(request, "user", None)
            user_id = str(user.pk) if user is not None and user.is_authenticated else "-"
            user_id_var.set(user_id)
            duration = int((time.monotonic() - started) * 1000)
            response["X-Request-ID"] = request_id
            logger.info("%s %s %s %d ms", request.method, request.path, response.status_code,
                        duration, extra={"method": request.method, "path": request.path,
                                         "status": response.status_code, "duration_ms": duration})
            return response
        finally:
            request_id_var.reset(id_token)
            user_id_var.reset(user_token)


class RequestContextFilter(logging.Filter):
    def filter(self, record):
        record.request_id = getattr(record, "request_id", None) or request_id_var.get()
        if not getattr(record, "user_id", None):
            user = getattr(getattr(record, "request", None), "user", None)
            record.user_id = (str(user.pk) if user is not None and user.is_authenticated
                              else user_id_var.get())
        return True


class RefusedRequestFilter(logging.Filter):
    """A request Django refuses as suspicious (a Host not allowed, a forged admin parameter:
    scanners send them all day) is a warning line with its reason, not an error with a
    traceback; the request's own line says 400."""

    def filter(self, record):
        if record.name.startswith("django.security."):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info = record.exc_text = None
        return True


_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """A JSON object a line: time, level, logger, message, ids, the extra fields, the traceback."""

    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in {"request", "server_time"}:
                entry[key] = value if isinstance(value, int | float | bool) else str(value)
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
