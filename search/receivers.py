"""Signal receivers: every change to a dossier or a document queues its index update.

They run inside the transaction that made the change (the senders say so), so the outbox row
commits or rolls back with it.
"""

from . import services


def dossier_changed(sender, dossier, **kwargs):
    services.enqueue_dossier(dossier.pk)


def _dossier_id_of(version):
    dossier_id = getattr(version, "dossier_id", None)
    if dossier_id is None:
        document = getattr(version, "document", None)
        dossier_id = getattr(document, "dossier_id", None)
    return dossier_id


def document_changed(sender, version, **kwargs):
    dossier_id = _dossier_id_of(version)
    if dossier_id is not None:
        services.enqueue_dossier(dossier_id, version_id=version.pk)
