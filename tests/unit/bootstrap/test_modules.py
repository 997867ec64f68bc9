"""The composition of context modules: what each declares is mounted once and is complete."""

from __future__ import annotations

import importlib
import pkgutil
from itertools import combinations
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.di import Provide
from litestar.routes import HTTPRoute

import domain
from api import errors, i18n
from api.app import AppServices, HttpConfig, create_app
from bootstrap.container import Container, build_container
from bootstrap.http import module_dependencies
from bootstrap.modules import MODULES, ContextModule, Kernel, compose, install, mounted_routes
from bootstrap.settings import Settings
from domain.common.errors import DomainError


def _routes(handlers: list[object], dependencies: dict[str, Provide]) -> set[tuple[str, str]]:
    # Litestar refuses a handler whose dependency no module provides.
    app = Litestar(route_handlers=handlers, dependencies=dependencies, openapi_config=None)  # type: ignore[arg-type]
    return {
        (route.path_format, method)
        for route in app.routes
        if isinstance(route, HTTPRoute)
        for method in route.methods
        if method not in ("OPTIONS", "HEAD")
    }


def _module_routes(module: ContextModule, dependencies: dict[str, Provide]) -> set[tuple[str, str]]:
    return _routes(list(module.routes.all()), dependencies)


@pytest.fixture(scope="module")
def container(tmp_path_factory: pytest.TempPathFactory) -> Container:
    tmp = tmp_path_factory.mktemp("modules")
    settings = Settings(  # objects are built, none is started or connected
        _env_file=None,
        data_dir=tmp / "data",
        database_url=f"sqlite+aiosqlite:///{tmp / 'db.sqlite'}",
        access_log=False,
    )
    return build_container(settings)


def _domain_errors() -> list[type[DomainError]]:
    for info in pkgutil.walk_packages(domain.__path__, "domain."):
        importlib.import_module(info.name)
    found: list[type[DomainError]] = []
    todo: list[type[DomainError]] = [DomainError]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("domain.") and sub not in found:
                found.append(sub)
                todo.append(sub)
    return found


def test_the_studio_app_is_the_last_module() -> None:
    # Its fallback answers the GETs no other module claims, and it reads the back end's prefixes
    # from the finished route table: every context's routes come before it.
    assert MODULES[-1].name == "studio"


def test_module_names_are_unique() -> None:
    names = [m.name for m in MODULES]
    assert len(names) == len(set(names))


def test_every_module_route_is_mounted_and_claimed_once(container: Container) -> None:
    dependencies = module_dependencies(container)
    services = AppServices(routes=mounted_routes(MODULES), dependencies=dependencies)
    app = create_app(HttpConfig(access_log=False), services)
    full = {
        (route.path_format, method)
        for route in app.litestar.routes
        if isinstance(route, HTTPRoute)
        for method in route.methods
    }
    per_module = {m.name: _module_routes(m, dependencies) for m in MODULES}
    for name, routes in per_module.items():
        assert routes <= full, f"routes of {name} not mounted: {sorted(routes - full)}"
    for (a, ra), (b, rb) in combinations(per_module.items(), 2):
        assert not ra & rb, f"{a} and {b} both claim {sorted(ra & rb)}"
    kernel = {path for path, _ in full if path.split("/")[1] in ("healthz", "readyz", "metrics", "schema")}
    assert {path for path, _ in full} - kernel == {path for r in per_module.values() for path, _ in r}


def test_public_route_table_comes_from_the_modules(container: Container) -> None:
    # tests/api/public_routes.txt lists the routes without authentication; each is a module's.
    listed = Path(__file__).parents[2] / "api" / "public_routes.txt"
    dependencies = module_dependencies(container)
    owned = {path for m in MODULES for path, _ in _module_routes(m, dependencies)}
    kernel = {"/healthz", "/readyz", "/metrics", "/schema"}
    for line in listed.read_text().splitlines():
        parts = line.split()
        if len(parts) < 2 or line.startswith("#"):
            continue
        path = parts[1].split("{")[0].rstrip("/") or "/"
        assert any(p.startswith(path) for p in owned) or any(path.startswith(k) for k in kernel), path


def test_no_two_modules_claim_a_dependency_key(container: Container) -> None:
    keys = {m.name: set(m.dependencies(container)) for m in MODULES}
    for (a, ka), (b, kb) in combinations(keys.items(), 2):
        assert not ka & kb, f"{a} and {b} both provide {sorted(ka & kb)}"
    assert set(module_dependencies(container)) == {"actor"}.union(*keys.values())


def test_dependency_key_clash_is_refused(container: Container) -> None:
    twice = (MODULES[0], ContextModule(name="copy", dependencies=MODULES[0].dependencies))
    with pytest.raises(ValueError, match="already taken"):
        module_dependencies(container, twice)


def test_every_domain_error_has_a_spec_from_exactly_one_owner() -> None:
    install()
    claimed: dict[type[DomainError], str] = {}
    for module in MODULES:
        for error in module.errors:
            assert error not in claimed, f"{error.__name__}: {claimed[error]} and {module.name}"
            assert errors.owner_of(error) == module.name
            claimed[error] = module.name
    for error in _domain_errors():
        owners = [errors.owner_of(cls) for cls in error.__mro__ if issubclass(cls, DomainError)]
        assert any(owners), f"{error.__module__}.{error.__name__} has no error spec"


def test_an_error_claimed_by_two_modules_is_refused() -> None:
    install()
    error, spec = next((e, s) for m in MODULES for e, s in m.errors.items())
    with pytest.raises(ValueError, match="already has an error spec"):
        errors.install("another", {error: spec})


def test_every_message_key_exists_in_every_locale() -> None:
    install()
    keys = {spec.key for spec in errors._DOMAIN.values() if spec.key is not None}
    # Every context's errors. (A few port errors of domain.common are adapter faults that never
    # reach a client: they answer with error.domain's words, as before.)
    keys |= {e.message_key for e in _domain_errors() if not e.__module__.startswith("domain.common.")}
    for module in MODULES:
        keys |= {error.message_key for error in module.errors}
    for module in MODULES:
        keys |= set(module.messages)
    for key in sorted(keys):
        assert key in i18n.MESSAGES, key
        assert set(i18n.MESSAGES[key]) == set(i18n.LOCALES), key


def test_crossdomain_providers_answer_their_protocol(container: Container) -> None:
    for module in MODULES:
        for protocol, provider in module.crossdomain(container).items():
            implementation = provider()
            members = [n for n in vars(protocol) if not n.startswith("_")]
            assert members, protocol
            for name in members:
                assert callable(getattr(implementation, name, None)), f"{module.name}: {protocol} {name}"


def _bare_root(tmp_path: Path) -> Container:
    database = "sqlite+aiosqlite://"
    settings = Settings(_env_file=None, data_dir=tmp_path, database_url=database, access_log=False)
    return Container(settings=settings)


def test_the_root_holds_infrastructure_only_and_modules_attach_the_contexts(container: Container) -> None:
    declared = set(Container.providers)
    attached = {name for module in MODULES for name in module.containers(container, _kernel(container))}
    infrastructure = {"settings", "core", "server_secret", "storage", "audit", "fulltext", "vectors"}
    infrastructure.add("outbound")
    assert declared == infrastructure
    assert attached and not attached & declared
    assert attached <= set(container.providers)


def _kernel(root: Container) -> Kernel:
    core = root.core
    shared = {"uow": core.uow, "ids": core.ids, "clock": core.clock, "settings": root.settings}
    return Kernel({**shared, "audit": root.audit.audit_log, "permissions": root.permission.checker})


def test_a_module_listed_before_a_context_it_uses_is_refused(tmp_path: Path) -> None:
    by_name = {module.name: module for module in MODULES}
    early_chat = [m for m in MODULES if m.name != "chat"]
    early_chat.insert(early_chat.index(by_name["conversation"]), by_name["chat"])
    with pytest.raises(LookupError, match="module chat uses conversation: list it after"):
        compose(_bare_root(tmp_path), early_chat)


def test_a_container_needing_a_kernel_input_not_yet_provided_is_refused(tmp_path: Path) -> None:
    without_permission = [m for m in MODULES if m.name != "permission"]
    with pytest.raises(TypeError, match="needs permissions from the kernel"):
        compose(_bare_root(tmp_path), without_permission)


def test_a_context_attached_twice_or_over_the_infrastructure_is_refused(tmp_path: Path) -> None:
    twice = [*MODULES, next(m for m in MODULES if m.name == "upload")]
    with pytest.raises(ValueError, match="attaches upload"):
        compose(_bare_root(tmp_path), twice)
    over = ContextModule(name="rogue", containers=lambda root, kernel: {"core": root.storage})
    with pytest.raises(ValueError, match="attaches core"):
        compose(_bare_root(tmp_path), [over])


def test_only_kernel_inputs_are_provided_once(tmp_path: Path) -> None:
    rogue = ContextModule(name="rogue", kernel=lambda root: {"uow": root.core.uow})
    with pytest.raises(ValueError, match="rogue cannot provide kernel inputs uow"):
        compose(_bare_root(tmp_path), [rogue])
    foreign = ContextModule(name="foreign", kernel=lambda root: {"mailer": root.core.ids})
    with pytest.raises(ValueError, match="foreign cannot provide kernel inputs mailer"):
        compose(_bare_root(tmp_path), [foreign])
