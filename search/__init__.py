"""Search: full-text search over dossiers and documents, embedded or on Elasticsearch."""
