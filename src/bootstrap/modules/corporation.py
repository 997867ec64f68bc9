"""Corporations, departments and employees (the organisation tree)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dependency_injector import providers

from api import corporation_errors
from api.web import corporation
from bootstrap.containers.corporation import CorporationContainer
from bootstrap.modules.base import ContextModule, Kernel, Routes, wire

if TYPE_CHECKING:
    from bootstrap.container import Container


def _containers(c: Container, kernel: Kernel) -> dict[str, providers.Container[Any]]:
    return {"corporation": wire(CorporationContainer, kernel, users=c.identity.users)}


MODULE = ContextModule(
    name="corporation",
    messages=corporation_errors.MESSAGES,
    routes=Routes(web=corporation.ROUTES),
    dependencies=lambda c: {
        "corporations": c.corporation.corporation_service,
        "departments": c.corporation.department_service,
        "employees": c.corporation.employee_service,
        "org_tree": c.corporation.tree_service,
    },
    containers=_containers,
)
