from django.dispatch import Signal

# A version was stored (uploaded or generated): `version=`. Sent inside the transaction that
# stored it, so a receiver (the search index) commits or rolls back with it.
document_changed = Signal()
