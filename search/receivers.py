"""Signal receivers: every change to a dossier or a document queues its index update.

They run inside the transaction that made the change (the senders say so), so the outbox row
commits or rolls back with it.
"""

from . import services


def dossier_changed(sender, dossier, **kwargs):
    services.enqueue_dossier(dossier.pk)


def document_changed(sender, version, **kwargs):
    services.enqueue_dossier(version.document.dossier_id, version_id=version.pk)
