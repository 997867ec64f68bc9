"""The ordered list of context modules the composition root mounts.

See docs/architecture/adding-a-context.md. Order matters where it shows: routes are mounted (surface
by surface), listeners registered and resources started in this order (resources stop in reverse),
so a context comes after the contexts it uses.
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
    models,
    permission,
    storage,
    system,
    upload,
)
from bootstrap.modules.base import ContextModule, Kernel, Routes, mounted_routes, wire

MODULES: tuple[ContextModule, ...] = (
    storage.MODULE,
    system.MODULE,
    permission.MODULE,
    identity.MODULE,
    corporation.MODULE,
    eventbus.MODULE,
    models.MODULE,
    agent.MODULE,
    upload.MODULE,
    conversation.MODULE,
    chat.MODULE,
)


def install(modules: tuple[ContextModule, ...] = MODULES) -> None:
    """Error specs and messages into the API's registries (idempotent; a clash raises)."""
    for module in modules:
        errors.install(module.name, module.errors)
        i18n.install(module.messages)


__all__ = ["MODULES", "ContextModule", "Kernel", "Routes", "install", "mounted_routes", "wire"]
