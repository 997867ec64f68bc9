"""Edits of a plugin's draft document, and the tools derived from it kept stable across edits."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from domain.plugin.entities import DebugStatus, Tool
from domain.plugin.errors import DuplicateTool, InvalidPluginRequest, ToolNotFound
from domain.plugin.tools import Method, ToolOperation

OPENAPI_VERSION = "3.0.1"


def checked_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 2048:
        raise InvalidPluginRequest(detail="the plugin's URL must be an http(s) URL")
    return url.strip().rstrip("/")


def skeleton(name: str, description: str, server_url: str) -> dict[str, Any]:
    """The document of a plugin created from the form: no operations yet."""
    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": name, "description": description, "version": "v1"},
        "servers": [{"url": server_url}],
        "paths": {},
    }


def has_operations(document: Mapping[str, Any]) -> bool:
    paths = document.get("paths") or {}
    return isinstance(paths, Mapping) and any(
        isinstance(item, Mapping) and any(m.value in item for m in Method) for item in paths.values()
    )


def with_meta(document: Mapping[str, Any], name: str, description: str, server_url: str) -> dict[str, Any]:
    """The document with its title, description and server following the plugin's meta."""
    updated = copy.deepcopy(dict(document))
    info = dict(updated.get("info") or {})
    info.update(title=name, description=description)
    info.setdefault("version", "v1")
    updated["info"] = info
    servers = list(updated.get("servers") or [{}])
    servers[0] = {**(servers[0] if isinstance(servers[0], dict) else {}), "url": server_url}
    updated["servers"] = servers
    return updated


def with_operation(
    document: Mapping[str, Any],
    path: str,
    method: Method,
    operation: Mapping[str, Any],
    replacing: tuple[str, Method] | None = None,
) -> dict[str, Any]:
    """The document with `operation` at `path` and `method` (moved from `replacing` when given)."""
    if not path.startswith("/") or len(path) > 1024:
        raise InvalidPluginRequest(detail="a tool's path starts with / (at most 1024 characters)")
    updated = without_operation(document, *replacing) if replacing else copy.deepcopy(dict(document))
    paths = updated.setdefault("paths", {})
    item = paths.setdefault(path, {})
    if method.value in item:
        raise DuplicateTool(detail=f"{method.value.upper()} {path} is another tool already")
    item[method.value] = dict(operation)
    return updated


def without_operation(document: Mapping[str, Any], path: str, method: Method) -> dict[str, Any]:
    updated = copy.deepcopy(dict(document))
    paths = updated.get("paths") or {}
    item = paths.get(path)
    if not isinstance(item, dict) or method.value not in item:
        raise ToolNotFound()
    del item[method.value]
    if not any(m.value in item for m in Method):
        del paths[path]  # shared path parameters and the like go with the last operation
    return updated


def operation_at(document: Mapping[str, Any], path: str, method: Method) -> dict[str, Any]:
    item = (document.get("paths") or {}).get(path) or {}
    found = item.get(method.value)
    if not isinstance(found, dict):
        raise ToolNotFound()
    return copy.deepcopy(found)


def derived_tools(
    previous: Sequence[Tool],
    operations: Sequence[ToolOperation],
    *,
    plugin_id: int,
    space_id: int,
    new_id: Callable[[], int],
    now: datetime,
    keep: Mapping[str, int] | None = None,
    by_route_too: bool = True,
) -> list[Tool]:
    """The draft's tools for `operations`: a tool whose operationId (else method and path, unless
    not `by_route_too`) stays keeps its id and activation, and its debug state while its operation
    is unchanged."""
    by_id = {t.id: t for t in previous}
    by_name = {t.name: t for t in previous}
    by_route = {(t.method, t.path): t for t in previous} if by_route_too else {}
    taken: set[int] = set()
    tools = []
    for operation in operations:
        kept = by_id.get((keep or {}).get(operation.name, 0))
        old = kept or by_name.get(operation.name) or by_route.get((operation.method.value, operation.path))
        if old is None or old.id in taken:
            tools.append(Tool(new_id(), plugin_id, space_id, operation, now))
            continue
        taken.add(old.id)
        debug = old.debug_status if old.operation == operation else DebugStatus.WAITING
        tools.append(replace(old, operation=operation, debug_status=debug))
    return tools
