"""Imports every table module so `Base.metadata` is complete for Alembic and tests."""

from infra.persistence import outbox, system, worker_lease
from infra.persistence.base import Base

metadata = Base.metadata

__all__ = ["metadata", "outbox", "system", "worker_lease"]
