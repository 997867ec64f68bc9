"""Bounded contexts: pure Python entities, value objects, services and ports."""
