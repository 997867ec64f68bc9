"""Adapters of the knowledge context: document parsers and the web-page fetcher."""
