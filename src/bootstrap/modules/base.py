"""What a bounded context contributes to the process, declared in one value per context.

`bootstrap.modules.MODULES` lists them in order; the composition root (bootstrap/container.py,
bootstrap/http.py) reads nothing else to mount routes, install error specs and messages, register
Litestar dependency keys, event listeners, /readyz checks and runtime resources. The context's
container itself is wired in bootstrap/container.py from the shared kernel (see `Kernel`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from dependency_injector import containers, providers
from litestar.types import ControllerRouterHandler

from api.errors import ErrorSpec
from api.health import HealthCheck
from domain.common.errors import DomainError

if TYPE_CHECKING:
    from bootstrap.container import Container
    from bootstrap.runtime import Resource

C = TypeVar("C", bound=containers.DeclarativeContainer)

Providers = Callable[["Container"], Mapping[str, "providers.Provider[Any]"]]
Objects = Callable[["Container"], Sequence[Any]]


def _no_providers(_: Container) -> Mapping[str, providers.Provider[Any]]:
    return {}


def _nothing(_: Container) -> Sequence[Any]:
    return ()


@dataclass(frozen=True, slots=True)
class Routes:
    """A context's route handlers per surface: token API (/v1, /v3, /open_api), SPA (/api), admin,
    and signed links (/objects, whose credential is the signature in the URL)."""

    signed: Sequence[ControllerRouterHandler] = ()
    token_api: Sequence[ControllerRouterHandler] = ()
    web: Sequence[ControllerRouterHandler] = ()
    admin: Sequence[ControllerRouterHandler] = ()

    def all(self) -> list[ControllerRouterHandler]:
        return [*self.signed, *self.token_api, *self.web, *self.admin]


@dataclass(frozen=True, slots=True)
class ContextModule:
    name: str
    routes: Routes = field(default_factory=Routes)
    # Exact error classes this context answers with its own spec (subclasses inherit through the MRO).
    errors: Mapping[type[DomainError], ErrorSpec] = field(default_factory=dict)
    # Message keys -> {locale: text} that only this context uses.
    messages: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # Litestar dependency key -> the provider resolved per request.
    dependencies: Providers = _no_providers
    # domain.common.eventbus.Listener providers run in every process (cache invalidation and such).
    listeners: Callable[[Container], Sequence[providers.Provider[Any]]] = _nothing
    # Health checks (/readyz) and resources started with the process (after the infrastructure).
    health_checks: Callable[[Container], Sequence[HealthCheck]] = _nothing
    resources: Callable[[Container], Sequence[Resource]] = _nothing
    # The crossdomain ports this context answers for other contexts: Protocol -> its provider.
    crossdomain: Callable[[Container], Mapping[type[Any], providers.Provider[Any]]] = lambda _: {}


def mounted_routes(modules: Sequence[ContextModule]) -> list[ControllerRouterHandler]:
    """Every module's routes, surface by surface (signed links, token API, SPA, admin), in module order."""
    surfaces = ("signed", "token_api", "web", "admin")
    return [handler for surface in surfaces for m in modules for handler in getattr(m.routes, surface)]


@dataclass(frozen=True, slots=True)
class Kernel:
    """The shared kernel a context container takes its inputs from, handed over once.

    `wire` gives a context container the kernel providers it declares a dependency for (by name),
    so the uow/ids/clock/audit/permissions lines are not repeated for every context."""

    uow: providers.Provider[Any]
    ids: providers.Provider[Any]
    clock: providers.Provider[Any]
    settings: providers.Provider[Any]
    audit: providers.Provider[Any] | None = None
    permissions: providers.Provider[Any] | None = None

    def inputs(self) -> dict[str, providers.Provider[Any]]:
        found = {
            "uow": self.uow,
            "ids": self.ids,
            "clock": self.clock,
            "settings": self.settings,
            "audit": self.audit,
            "permissions": self.permissions,
        }
        return {name: provider for name, provider in found.items() if provider is not None}


def wire(container: type[C], kernel: Kernel, **inputs: Any) -> providers.Container[C]:
    """The context container with the kernel inputs it declares, plus its own `inputs`."""
    declared = container.providers
    shared = {
        name: provider
        for name, provider in kernel.inputs().items()
        if isinstance(declared.get(name), providers.Dependency) and name not in inputs
    }
    unknown = sorted(set(inputs) - set(declared))
    if unknown:
        raise TypeError(f"{container.__name__} has no inputs named {', '.join(unknown)}")
    return providers.Container(container, **shared, **inputs)
