"""Stored files against the rows that refer to them.

A version's file is written before its row commits, and deleted again if the transaction rolls
back; only a crash between the two (a killed process, a lost machine) leaves a file behind. Such a
file is never served or searched (only rows lead to files), but it takes space: `orphans()` finds
the files no row refers to and `remove_orphans()` deletes them. A file younger than the grace
period may belong to an upload still in flight, so it is left alone. `missing_files()` is the
other direction: rows whose file is gone, which no crash of ours can cause.

Everything goes through the storage API (no local paths), so this works on any storage backend
that can list and delete.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

from .models import DocumentVersion

# Every file the documents app writes lives under this folder (see services._storage_name).
STORED_ROOT = "dossiers"
DEFAULT_GRACE = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class StoredFile:
    name: str
    size: int | None
    modified: datetime.datetime | None


def stored_names(root: str = STORED_ROOT) -> Iterator[str]:
    """Every file name under `root`, depth first, through the storage API."""
    folders = [root]
    while folders:
        folder = folders.pop()
        try:
            subfolders, files = default_storage.listdir(folder)
        except (FileNotFoundError, NotADirectoryError):
            continue
        for name in sorted(files):
            yield f"{folder}/{name}"
        folders.extend(f"{folder}/{sub}" for sub in sorted(subfolders, reverse=True))


def _file_fields() -> list[tuple[type[models.Model], str]]:
    # Any model's file field counts as a reference, not only DocumentVersion's: a file another
    # app keeps under the same root must never be taken for an orphan.
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]


def referenced_names() -> set[str]:
    names = set()
    for model, field in _file_fields():
        names.update(
            model._default_manager.exclude(**{field: ""}).values_list(field, flat=True).iterator()
        )
    return names


def is_referenced(name: str) -> bool:
    return any(
        model._default_manager.filter(**{field: name}).exists() for model, field in _file_fields()
    )


def _describe(name: str) -> StoredFile:
    try:
        size = default_storage.size(name)
    except (OSError, NotImplementedError):
        size = None
    try:
        modified = default_storage.get_modified_time(name)
    except (OSError, NotImplementedError):
        modified = None
    return StoredFile(name=name, size=size, modified=modified)


def orphans(*, grace: datetime.timedelta = DEFAULT_GRACE) -> list[StoredFile]:
    """Files no row refers to, last written more than `grace` ago.

    A file whose age the storage cannot tell is reported only when `grace` is zero.
    """
    referenced = referenced_names()
    cutoff = timezone.now() - grace
    found = []
    for name in stored_names():
        if name in referenced:
            continue
        described = _describe(name)
        if grace and (described.modified is None or described.modified > cutoff):
            continue
        found.append(described)
    return found


def remove_orphans(candidates: list[StoredFile]) -> list[StoredFile]:
    """Delete the given orphans, each checked again just before (a row may have come since).

    Returns the ones deleted.
    """
    removed = []
    for candidate in candidates:
        if is_referenced(candidate.name):
            continue
        default_storage.delete(candidate.name)
        removed.append(candidate)
    return removed


def missing_files() -> list[DocumentVersion]:
    """Versions whose file is not in storage."""
    return [
        version
        for version in DocumentVersion.objects.only("id", "file", "document_id").iterator()
        if not default_storage.exists(version.file.name)
    ]
