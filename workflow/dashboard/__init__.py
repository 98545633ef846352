"""The Program 27 dashboard: figures aggregated in the database, server-drawn SVG charts with
their tables, the filtered dossier list, .xlsx/.csv exports and the .docx progress report.

Every figure starts from workflow.selectors.dossiers_visible_to(user): a drafter's dashboard
counts their own agency's dossiers only.
"""
