"""Does the index say what the database says? The entries every dossier should have, compared
with the entries the index holds: missing, stale (another stage, agency or title) and extra
ones, and the repair, which applies the dossiers concerned again (`manage.py search_check`)."""

from dataclasses import dataclass, field

from .backends.base import Backend
from .entries import iter_all_entries
from .models import OutboxEntry


@dataclass
class Report:
    expected: int = 0
    indexed: int = 0
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    waiting: set[int] = field(default_factory=set)  # dossiers with updates still in the outbox
    dossiers: set[int] = field(default_factory=set)  # dossiers whose entries disagree

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.extra)


def check(backend: Backend) -> Report:
    """Compare; a dossier with an update waiting in the outbox is left out (the update will make
    it agree), so that a check beside ongoing work reports only real losses."""
    waiting = set(OutboxEntry.objects.values_list("dossier_id", flat=True))
    indexed = backend.keys()
    report = Report(indexed=len(indexed), waiting=waiting)
    seen = set()
    for entry in iter_all_entries():
        report.expected += 1
        seen.add(entry.key)
        if entry.dossier_id in waiting:
            continue
        found = indexed.get(entry.key)
        if found is None:
            report.missing.append(entry.key)
        elif tuple(found) != (entry.dossier_id, entry.agency_id, entry.stage, entry.title):
            report.stale.append(entry.key)
        else:
            continue
        report.dossiers.add(entry.dossier_id)
    for key, (dossier_id, *_rest) in indexed.items():
        if key not in seen and dossier_id not in waiting:
            report.extra.append(key)
            report.dossiers.add(dossier_id)
    return report


def repair(backend: Backend, report: Report) -> int:
    """Apply every dossier the report found disagreeing again; returns how many."""
    from .outbox import apply_dossier

    for dossier_id in sorted(report.dossiers):
        apply_dossier(backend, dossier_id)
    backend.refresh()
    return len(report.dossiers)
