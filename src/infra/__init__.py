"""Adapters implementing domain ports: persistence, event bus, storage, search, models, ..."""
