"""Imports every table module so `Base.metadata` is complete for Alembic and tests."""

from infra.persistence import audit, corporation, openauth, outbox, space, system, user, worker_lease
from infra.persistence.base import Base

metadata = Base.metadata

__all__ = [
    "audit",
    "corporation",
    "metadata",
    "openauth",
    "outbox",
    "space",
    "system",
    "user",
    "worker_lease",
]
