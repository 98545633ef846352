from django.dispatch import Signal

# Both are sent inside the transaction that made the change, so receivers (the search outbox)
# commit or roll back with it. Documents are frozen by the transition itself (paperwork.py).

# A dossier was created, edited or transitioned: `dossier=`.
dossier_changed = Signal()

# A dossier was created, at its first stage: `dossier=`, `entry=` (the audit entry of it).
dossier_created = Signal()

# A dossier took a transition: `dossier=`, `action=`, `from_state=`, `to_state=`, `actor=`,
# `comment=`, `entry=` (the audit entry that records it).
dossier_transitioned = Signal()

# The secretary opened a council round: `round=` (its seats are written).
round_opened = Signal()

# A council round was tallied and closed: `round=` (with its result and tally).
round_closed = Signal()
