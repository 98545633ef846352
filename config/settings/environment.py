"""Where the settings come from: the environment, with safe defaults for a single machine."""

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(os.environ.get("DOSSIERFLOW_DATA_DIR", BASE_DIR / "data"))
DATA_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return _number(name, default, int)


def env_float(name: str, default: float) -> float:
    return _number(name, default, float)


def _number(name, default, kind):
    value = os.environ.get(name)
    if value is None:
        return kind(default)
    try:
        return kind(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated setting, without blanks."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def secret_key() -> str:
    """The key comes from the environment; a developer machine gets one generated once."""
    key = os.environ.get("DJANGO_SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def object_storage(bucket: str, endpoint_url: str | None = None, *, timeout: float = 10) -> dict:
    """The documents' storage in an S3-compatible bucket (django-storages): private objects, read
    through the permission-checking views only, never overwritten. boto3 takes the keys and the
    region from its own variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION).

    Bounded waits: a store that is down or hangs costs a request three tries of `timeout`
    seconds at most, then the drafter is told (documents/storage.py), instead of botocore's
    minute a try, five tries."""
    from botocore.config import Config

    waits = Config(connect_timeout=min(timeout, 5), read_timeout=timeout,
                   retries={"mode": "standard", "total_max_attempts": 3})
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": bucket, "endpoint_url": endpoint_url or None, "client_config": waits,
        "default_acl": "private", "querystring_auth": True, "file_overwrite": False}}
