"""Imports every table module so `Base.metadata` is complete for Alembic and tests."""

from infra.persistence import (
    agent,
    audit,
    conversation,
    corporation,
    eventbus,
    knowledge,
    modelmgr,
    openauth,
    outbox,
    permission,
    plugin,
    process_lease,
    space,
    system,
    upload,
    user,
    worker_lease,
)
from infra.persistence.base import Base

metadata = Base.metadata

__all__ = [
    "agent",
    "audit",
    "conversation",
    "corporation",
    "eventbus",
    "knowledge",
    "metadata",
    "modelmgr",
    "openauth",
    "outbox",
    "permission",
    "plugin",
    "process_lease",
    "space",
    "system",
    "upload",
    "user",
    "worker_lease",
]
