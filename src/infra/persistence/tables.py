"""Imports every table module so `Base.metadata` is complete for Alembic and tests."""

from infra.persistence import (
    agent,
    audit,
    corporation,
    eventbus,
    modelmgr,
    openauth,
    outbox,
    permission,
    process_lease,
    space,
    system,
    user,
    worker_lease,
)
from infra.persistence.base import Base

metadata = Base.metadata

__all__ = [
    "agent",
    "audit",
    "corporation",
    "eventbus",
    "metadata",
    "modelmgr",
    "openauth",
    "outbox",
    "permission",
    "process_lease",
    "space",
    "system",
    "user",
    "worker_lease",
]
