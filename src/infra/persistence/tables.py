"""Imports every table module so `Base.metadata` is complete for Alembic and tests."""

from infra.persistence import audit, modelmgr, openauth, outbox, space, system, user, worker_lease
from infra.persistence.base import Base

metadata = Base.metadata

__all__ = ["audit", "metadata", "modelmgr", "openauth", "outbox", "space", "system", "user", "worker_lease"]
