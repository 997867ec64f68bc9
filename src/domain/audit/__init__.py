"""Audit trail: who did what to which target, from where, with what result."""
