"""Workflow: agencies, roles, the dossier and its state machine, the audit trail, councils and votes."""
