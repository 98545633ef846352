"""What leaves the system: e-mail (workflow.notifications) and webhooks (config.api)."""

import os

from .environment import env_bool, env_float, env_int

# Mail goes through Django's e-mail framework: SMTP when EMAIL_HOST is set, otherwise every
# message is written to the console log (the demo), so a newcomer sees what would be sent.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "dossierflow@localhost")
# Links in e-mails are absolute: the address users reach the site at.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
NOTIFICATIONS_MAX_ATTEMPTS = env_int("NOTIFICATIONS_MAX_ATTEMPTS", 6)
# Retry after 1, 2, 4, 8… minutes (doubling, capped at a day).
NOTIFICATIONS_RETRY_SECONDS = env_float("NOTIFICATIONS_RETRY_SECONDS", 60)
# A worker holds the e-mails it took this long; killed, they go to another worker after it.
NOTIFICATIONS_LEASE_SECONDS = env_float("NOTIFICATIONS_LEASE_SECONDS", 300)
# Daily digests are put together by the first sweep after this hour (local time).
NOTIFICATIONS_DIGEST_HOUR = env_int("NOTIFICATIONS_DIGEST_HOUR", 7)

# Webhook deliveries: per-request timeout, attempts before a delivery is marked failed, and the
# first retry's delay (doubling after each failure).
API_WEBHOOK_TIMEOUT_SECONDS = env_float("API_WEBHOOK_TIMEOUT_SECONDS", 10)
API_WEBHOOK_MAX_ATTEMPTS = env_int("API_WEBHOOK_MAX_ATTEMPTS", 8)
API_WEBHOOK_BACKOFF_SECONDS = env_int("API_WEBHOOK_BACKOFF_SECONDS", 30)
