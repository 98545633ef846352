"""Signal receivers: every change to a dossier or a document queues its index update.

They run inside the transaction that made the change (the senders say so), so the outbox row
commits or rolls back with it.
"""

from . import services


def dossier_changed(sender, dossier, **kwargs):
    services.enqueue_dossier(dossier.pk)


def document_changed(sender, version, **kwargs):
    services.enqueue_dossier(version.document.dossier_id, version_id=version.pk)


def tables_reset(sender, using, **kwargs):
    """After migrate and after a flush (which sends post_migrate too): Django empties the tables
    it knows, not SQLite's FTS index, so an index left without entries is emptied here."""
    from .backends.database import for_database

    backend = for_database(using)
    if hasattr(backend, "clear_if_empty"):  # SQLite's FTS index, which Django does not know
        backend.clear_if_empty()
