"""Archival of decided dossiers: archive packages (export/import) and what the verification of a
held copy may tell whom. PDF/A copies, signing and matching a file live in documents."""
