"""Imports every table module so `Base.metadata` is complete for Alembic and tests."""

from infra.persistence import eventbus, outbox, process_lease, system, worker_lease
from infra.persistence.base import Base

metadata = Base.metadata

__all__ = ["eventbus", "metadata", "outbox", "process_lease", "system", "worker_lease"]
