"""The transactional outbox of index updates, and the database backend's own tables."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxEntry(models.Model):
    """A dossier whose index entries must be brought up to date.

    Written in the same transaction as the change to the dossier or one of its documents, so an
    update is never lost: it is deleted only once the search engine has applied it. Applying is
    idempotent (the dossier's entries are made those of its state at that moment), so the dossier
    is the idempotency key: applying a row twice, or two rows of one dossier, does no harm. While
    the engine is down the rows wait, with the attempts and the last error for `search_status`.
    """

    dossier_id = models.BigIntegerField(_("dossier"), db_index=True)
    version_id = models.BigIntegerField(_("document version"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    available_at = models.DateTimeField(_("next attempt at"), default=timezone.now, db_index=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # Pending until applied (the row is then deleted) or, after the last attempt, failed.
    status = models.CharField(_("status"), max_length=10, default="pending", db_index=True)
    # A worker's claim: the rows of the dossiers it applies, leased until locked_until. A worker
    # killed half way leaves its claim to expire; the rows are then claimed again.
    claimed_by = models.CharField(_("claimed by"), max_length=32, blank=True)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("search index update")
        verbose_name_plural = _("search index updates")
        ordering = ["id"]

    def __str__(self):
        return f"dossier {self.dossier_id} ({self.attempts})"


class IndexEntry(models.Model):
    """One searchable entry of the database backend (see backends.base.Entry).

    Written through SQL in backends/database.py, sqlite.py and postgres.py; the full-text index
    beside it (an FTS5 table on SQLite, a tsvector column with a GIN index on PostgreSQL) is made
    by the migration for the database in use.
    """

    key = models.CharField(max_length=40, unique=True)
    dossier_id = models.BigIntegerField(db_index=True)
    agency_id = models.BigIntegerField()
    agency_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30)
    stage = models.CharField(max_length=30)
    doc_type = models.CharField(max_length=30)
    year = models.IntegerField(null=True)
    date = models.DateField(null=True)
    decision_key = models.CharField(max_length=100, blank=True, db_index=True)
    decision_number = models.CharField(max_length=100, blank=True)
    title = models.TextField()

    class Meta:
        db_table = "search_entry"

    def __str__(self):
        return self.key


class IndexEntryText(models.Model):
    """The original text of an entry, apart so that filtering and facet counting read small rows."""

    entry = models.OneToOneField(
        IndexEntry, on_delete=models.CASCADE, primary_key=True, db_column="entry_id"
    )
    text = models.TextField()

    class Meta:
        db_table = "search_entry_text"

    def __str__(self):
        return str(self.entry_id)


class IndexRebuild(models.Model):
    """A run of `search_reindex`: while one runs, index updates applied meanwhile are kept in the
    outbox (status "applied") and applied again once it has finished, so that none is lost to
    the index being replaced. A row whose heartbeat stopped is a rebuild that was killed: its
    index is incomplete until the next rebuild (`search_status` says so)."""

    backend = models.CharField(_("backend"), max_length=30)
    target = models.CharField(_("index being filled"), max_length=200, blank=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    heartbeat_at = models.DateTimeField(_("last sign of life"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    entries = models.PositiveIntegerField(_("entries written"), default=0)

    class Meta:
        verbose_name = _("search index rebuild")
        verbose_name_plural = _("search index rebuilds")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.backend} rebuild {self.started_at:%Y-%m-%d %H:%M}"
