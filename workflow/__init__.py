"""Workflow: agencies, roles, the dossier and its state machine, audit trail, councils, votes."""
