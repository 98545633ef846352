"""What is indexed: the entries of a dossier, read from the database through workflow.selectors
and documents.selectors."""

import datetime
from collections.abc import Iterator

from django.utils import timezone

from .backends.base import Entry


def dossiers():
    # The index holds every dossier; what a user may see is decided at query time.
    from workflow.selectors import all_dossiers

    return all_dossiers()


def _local_date(value) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def entries_for(dossier) -> list[Entry]:
    """The index entries of one dossier: its own record, then one per indexable document."""
    common = {
        "dossier_id": dossier.pk,
        "agency_id": dossier.agency_id,
        "agency_name": dossier.agency.name,
        "kind": dossier.kind,
        "stage": dossier.state,
        "decision_number": dossier.decision_number or "",
    }
    own_text = "\n".join(
        part for part in (dossier.program, dossier.summary, dossier.decision_number) if part
    )
    entries = [
        Entry.build(
            key=f"dossier:{dossier.pk}",
            doc_type="dossier",
            title=dossier.title,
            text=own_text,
            date=_local_date(dossier.decision_date or dossier.created_at),
            **common,
        )
    ]
    from documents.selectors import indexable_documents

    for version_id, doc_type, title, text, created_at in indexable_documents(dossier):
        entries.append(
            Entry.build(
                key=f"version:{version_id}",
                doc_type=doc_type,
                title=title,
                text=text,
                date=_local_date(created_at),
                **common,
            )
        )
    return entries


def iter_all_entries(progress=None, *, chunk: int = 200) -> Iterator[Entry]:
    """Every entry, dossier by dossier; progress(dossiers_done) after each dossier.

    The ids are read first and the dossiers a chunk at a time, each chunk read whole: no read
    stays open while the caller writes (on SQLite a read left open across another connection's
    commit makes this connection's next write fail with "database is locked"). A dossier made
    after the ids were read is indexed by its own outbox row."""
    ids = list(dossiers().order_by("pk").values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), chunk):
        for dossier in list(dossiers().filter(pk__in=ids[start:start + chunk]).order_by("pk")):
            yield from entries_for(dossier)
            done += 1
            if progress:
                progress(done)


def count_dossiers() -> int:
    return dossiers().count()


def dossier_or_none(dossier_id: int):
    return dossiers().filter(pk=dossier_id).first()
