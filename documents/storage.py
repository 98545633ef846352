"""The documents' file storage as the rest of the code meets it: its faults become one error.

A full disk, a folder gone, or object storage that is down, refuses or does not answer in time
(config/settings/environment.py bounds its waits) raise `StorageUnavailable`, which the pages
and the API answer with 503 and words a drafter understands, while the log keeps the cause with
its traceback for the administrator. A file that is not there stays FileNotFoundError (a 404).
"""

import contextlib
import logging

from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .errors import StorageUnavailable

logger = logging.getLogger("dossierflow.storage")

FAULTS = (OSError, BotoCoreError, ClientError)

NOT_SAVED = _(
    "The document store cannot be reached just now, so nothing was saved. Try again in a few "
    "minutes; if it keeps happening, tell the system administrator."
)
NOT_READ = _(
    "The document store cannot be reached just now, so the file cannot be read. Try again in a "
    "few minutes; if it keeps happening, tell the system administrator."
)


@contextlib.contextmanager
def faults_named(message=NOT_READ):
    """Storage faults inside become StorageUnavailable(message), logged with their cause."""
    try:
        yield
    except FileNotFoundError:
        raise
    except FAULTS as error:
        logger.exception("the document storage failed: %s", error)
        raise StorageUnavailable(message) from error


def save(name: str, data: bytes) -> str:
    """Write `data` under `name` (or a free name beside it); returns the name written."""
    with faults_named(NOT_SAVED):
        return default_storage.save(name, ContentFile(data))


def open_stored(name: str):
    """The stored file, open for reading: FileNotFoundError if it is not there."""
    with faults_named():
        return default_storage.open(name, "rb")


def read(name: str) -> bytes:
    """The whole stored file: FileNotFoundError if it is not there."""
    with faults_named(), open_stored(name) as stored:
        return stored.read()


@contextlib.contextmanager
def files_follow_transaction():
    """An atomic block whose written files (the names added to the list it gives) are deleted
    again if it does not commit.

    When nested in a caller's transaction that later rolls back, a file stays behind
    unreferenced: never served (only rows lead to files), named by its hash, and listed by
    `manage.py document_files`.
    """
    written = []
    try:
        with transaction.atomic():
            yield written
    except BaseException:
        discard(written)
        raise


def discard(names) -> None:
    """Delete files a transaction wrote before it rolled back: a storage that fails now leaves
    them as orphans (manage.py document_files finds them) rather than hiding the first error."""
    for name in names:
        try:
            default_storage.delete(name)
        except FAULTS:
            logger.exception("could not delete %s after a rollback: left as an orphan", name)
