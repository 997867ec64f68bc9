"""Full-text index adapters: SQLite FTS5 (embedded) and Elasticsearch (async client)."""
