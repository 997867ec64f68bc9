"""What a bounded context contributes to the process, declared in one value per context.

`bootstrap.modules.MODULES` lists them in order; the composition root (bootstrap/container.py,
bootstrap/http.py) reads nothing else to wire context containers, mount routes, install error specs
and messages, register Litestar dependency keys, event listeners, /readyz checks and runtime
resources. The root itself holds only the infrastructure (bootstrap/container.py).
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
Wiring = Callable[["Container", "Kernel"], Mapping[str, "providers.Container[Any]"]]


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
    # Litestar dependency key -> the provider resolved per request. Only this module's routes see
    # them (and the routes of modules that name this one in `borrows`).
    dependencies: Providers = _no_providers
    # Modules whose dependency keys this module's routes also use.
    borrows: tuple[str, ...] = ()
    # domain.common.eventbus.Consumer providers: durable work one process of the group does
    # (`cozeplus worker`, or `serve` alone).
    consumers: Callable[[Container], Sequence[providers.Provider[Any]]] = _nothing
    # domain.common.eventbus.Listener providers run in every process (cache invalidation and such).
    listeners: Callable[[Container], Sequence[providers.Provider[Any]]] = _nothing
    # Health checks (/readyz) and resources started with the process (after the infrastructure).
    health_checks: Callable[[Container], Sequence[HealthCheck]] = _nothing
    resources: Callable[[Container], Sequence[Resource]] = _nothing
    # The crossdomain ports this context answers for other contexts: Protocol -> its provider.
    crossdomain: Callable[[Container], Mapping[type[Any], providers.Provider[Any]]] = lambda _: {}
    # The context's containers, by root attribute name, wired from the kernel and earlier contexts.
    containers: Wiring = lambda _root, _kernel: {}
    # Kernel inputs this context provides to the modules after it (permission: `permissions`).
    kernel: Providers = _no_providers


SURFACES = ("signed", "token_api", "web", "admin")


def mounted_routes(modules: Sequence[ContextModule]) -> list[ControllerRouterHandler]:
    """Every module's routes, surface by surface (signed links, token API, SPA, admin), in module order."""
    return [handler for surface in SURFACES for m in modules for handler in getattr(m.routes, surface)]


# The inputs the kernel hands every context container that declares them (see `wire`).
KERNEL_INPUTS = ("uow", "ids", "clock", "settings", "audit", "permissions")


@dataclass(frozen=True, slots=True)
class Kernel:
    """The shared kernel a context container takes its inputs from, handed over once.

    It starts with the infrastructure's uow, ids, clock, settings and audit log; a module adds
    what it provides (the permission context adds `permissions`) for the modules after it."""

    inputs: Mapping[str, providers.Provider[Any]]

    def extended(self, provided: Mapping[str, providers.Provider[Any]], by: str) -> Kernel:
        foreign = sorted(set(provided) - set(KERNEL_INPUTS))
        taken = sorted(set(provided) & set(self.inputs))
        if foreign or taken:
            raise ValueError(f"module {by} cannot provide kernel inputs {', '.join(foreign + taken)}")
        return Kernel({**self.inputs, **provided})


def wire(container: type[C], kernel: Kernel, **inputs: Any) -> providers.Container[C]:
    """The context container with the kernel inputs it declares, plus its own `inputs`."""
    declared = container.providers
    wanted = {name for name, p in declared.items() if isinstance(p, providers.Dependency)}
    unknown = sorted(set(inputs) - set(declared))
    if unknown:
        raise TypeError(f"{container.__name__} has no inputs named {', '.join(unknown)}")
    missing = sorted((wanted & set(KERNEL_INPUTS)) - set(kernel.inputs) - set(inputs))
    if missing:
        raise TypeError(
            f"{container.__name__} needs {', '.join(missing)} from the kernel: "
            "list its module after the module that provides it"
        )
    shared = {name: p for name, p in kernel.inputs.items() if name in wanted and name not in inputs}
    return providers.Container(container, **shared, **inputs)


def compose(root: Container, modules: Sequence[ContextModule]) -> None:
    """Attaches every module's containers to the root, in module order: a module's wiring sees the
    infrastructure, the kernel so far and the contexts wired before it (a later one is not there)."""
    core = root.core
    kernel = Kernel(
        {
            "uow": core.uow,
            "ids": core.ids,
            "clock": core.clock,
            "settings": root.settings,
            "audit": root.audit.audit_log,
        }
    )
    for module in modules:
        try:
            attached = module.containers(root, kernel)
        except AttributeError as exc:  # a context it uses is not attached (yet)
            raise LookupError(
                f"module {module.name} uses {exc.name}: list it after that context's module"
            ) from exc
        for name, provider in attached.items():
            if name in root.providers:
                raise ValueError(f"module {module.name} attaches {name}, which the root already has")
            root.set_provider(name, provider)
        kernel = kernel.extended(module.kernel(root), by=module.name)
