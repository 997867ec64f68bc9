"""The ordered list of context modules the composition root mounts.

See docs/architecture/adding-a-context.md. Order matters where it shows: routes are mounted (surface
by surface), listeners registered and resources started in this order (resources stop in reverse),
so a context comes after the contexts it uses (its wiring sees only those).
"""

from __future__ import annotations

from api import errors, i18n
from bootstrap.modules import (
    agent,
    chat,
    conversation,
    corporation,
    eventbus,
    identity,
    knowledge,
    models,
    permission,
    plugin,
    storage,
    studio,
    system,
    upload,
)
from bootstrap.modules.base import ContextModule, Kernel, Routes, compose, mounted_routes, wire

MODULES: tuple[ContextModule, ...] = (
    storage.MODULE,
    permission.MODULE,
    system.MODULE,
    identity.MODULE,
    corporation.MODULE,
    eventbus.MODULE,
    models.MODULE,
    upload.MODULE,
    knowledge.MODULE,
    plugin.MODULE,
    agent.MODULE,
    conversation.MODULE,
    chat.MODULE,
    studio.MODULE,
)


def install(modules: tuple[ContextModule, ...] = MODULES) -> None:
    """Error specs and messages into the API's registries (idempotent; a clash raises)."""
    for module in modules:
        errors.install(module.name, module.errors)
        i18n.install(module.messages)


__all__ = ["MODULES", "ContextModule", "Kernel", "Routes", "compose", "install", "mounted_routes", "wire"]
