"""Split the app's OpenAPI schema into one document per surface (committed under idl/)."""

from __future__ import annotations

import copy
import json
import typing
from typing import Any

import msgspec
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler

SURFACES: dict[str, tuple[str, ...]] = {
    "token-api": ("/v1/", "/v3/", "/open_api/"),
    "web-api": ("/api/",),
    "admin-api": ("/api/admin/", "/admin/"),
}


# Every error on every route has the same shape (api/errors.py); the exported contract says so once.
ERROR_ENVELOPE: dict[str, Any] = {
    "type": "object",
    "required": ["code", "msg", "data", "detail"],
    "properties": {
        "code": {"type": "integer", "minimum": 1, "description": "4000 bad params, 4100 bad token, ..."},
        "msg": {"type": "string", "description": "localized by Accept-Language (en-US, zh-CN)"},
        "data": {"type": "null"},
        "detail": {
            "type": "object",
            "required": ["logid"],
            "properties": {"logid": {"type": "string", "description": "also in the X-Log-ID header"}},
        },
    },
}


def _with_error_envelope(paths: dict[str, Any]) -> dict[str, Any]:
    for operations in paths.values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for status in [s for s in responses if not str(s).startswith("2")]:
                del responses[status]
            responses["default"] = {
                "description": "error envelope",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}},
            }
    return paths


def _surface_of(path: str) -> str | None:
    if path.startswith(SURFACES["admin-api"]):
        return "admin-api"
    for name in ("token-api", "web-api"):
        if path.startswith(SURFACES[name]):
            return name
    return None


def _refs(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[1])
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)


def _closed_structs(app: Litestar) -> dict[str, bool]:
    """Request structs by name: True where every struct of that name refuses unknown fields.

    Litestar's schemas leave msgspec's forbid_unknown_fields out; idl/ states it as
    additionalProperties: false, so clients know an unknown field is refused (4000)."""
    closed: dict[str, bool] = {}

    def walk(annotation: Any) -> None:
        if isinstance(annotation, type) and issubclass(annotation, msgspec.Struct):
            name = annotation.__name__
            if name in closed and not closed[name]:
                return
            seen = name in closed
            closed[name] = closed.get(name, True) and annotation.__struct_config__.forbid_unknown_fields
            if not seen:
                for hint in typing.get_type_hints(annotation).values():
                    walk(hint)
        for arg in typing.get_args(annotation):
            walk(arg)

    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if isinstance(handler, HTTPRouteHandler) and "data" in handler.parsed_fn_signature.parameters:
                walk(handler.parsed_fn_signature.parameters["data"].annotation)
    return closed


def _lost_constraints(app: Litestar) -> dict[tuple[str, str], dict[str, Any]]:
    """(struct, field) -> JSON-schema constraints Litestar leaves out of request structs: the
    pattern of the strings in a list (ids in lists, mostly) and a lower bound of 0 (it drops falsy
    bounds). idl/ restates them, so a client (and the fuzzer) knows "" is no id and -1 no size."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    seen: set[type] = set()

    def metas(hint: Any) -> tuple[Any, list[msgspec.Meta]]:
        if typing.get_origin(hint) is typing.Annotated:
            base, *extra = typing.get_args(hint)
            return base, [m for m in extra if isinstance(m, msgspec.Meta)]
        return hint, []

    def lost(hint: Any) -> dict[str, Any]:
        restated: dict[str, Any] = {}
        inner, own = metas(hint)
        for candidate in (hint, inner, *typing.get_args(inner)):
            base, found_metas = metas(candidate)
            for meta in [*own, *found_metas]:
                if meta.ge == 0 and base is int:
                    restated["minimum"] = 0
            if typing.get_origin(base) is list:
                item, item_metas = metas(typing.get_args(base)[0])
                patterns = [m.pattern for m in item_metas if m.pattern]
                if item is str and patterns:
                    restated["items_pattern"] = patterns[0]
        return restated

    def walk(annotation: Any) -> None:
        if isinstance(annotation, type) and issubclass(annotation, msgspec.Struct):
            if annotation in seen:
                return
            seen.add(annotation)
            for name, hint in typing.get_type_hints(annotation, include_extras=True).items():
                restated = lost(hint)
                if restated:
                    found[(annotation.__name__, name)] = restated
                walk(hint)
        for arg in typing.get_args(annotation):
            walk(arg)

    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if isinstance(handler, HTTPRouteHandler) and "data" in handler.parsed_fn_signature.parameters:
                walk(handler.parsed_fn_signature.parameters["data"].annotation)
    return found


def _restate(schema: dict[str, Any], restated: dict[str, Any]) -> None:
    if "minimum" in restated:
        schema.setdefault("minimum", 0)
    pattern = restated.get("items_pattern")
    for option in [schema, *schema.get("oneOf", []), *schema.get("anyOf", [])]:
        items = option.get("items") if isinstance(option, dict) and pattern else None
        if isinstance(items, dict) and items.get("type") == "string":
            items.setdefault("pattern", pattern)


def _optional_bodies(app: Litestar) -> set[tuple[str, str]]:
    """(path, method) of the routes whose body has a default: a missing body means every field at
    its default. Litestar marks every request body required; idl/ says which are not."""
    found: set[tuple[str, str]] = set()
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            data = (
                handler.parsed_fn_signature.parameters.get("data")
                if isinstance(handler, HTTPRouteHandler)
                else None
            )
            if data is not None and data.has_default:
                found.update((route.path_format, m.lower()) for m in handler.http_methods)
    return found


def surface_documents(app: Litestar) -> dict[str, dict[str, Any]]:
    full = app.openapi_schema.to_schema()
    for path, method in _optional_bodies(app):
        body = full.get("paths", {}).get(path, {}).get(method, {}).get("requestBody")
        if body is not None:
            body["required"] = False

    schemas: dict[str, Any] = full.get("components", {}).get("schemas", {})
    for schema in schemas.values():
        # A handler's default body (a struct instance) lands here; a missing body says it already.
        if isinstance(schema.get("default"), msgspec.Struct):
            del schema["default"]
    for (name, field), restated in _lost_constraints(app).items():
        prop = schemas.get(name, {}).get("properties", {}).get(field)
        if isinstance(prop, dict):
            _restate(prop, restated)
    for name, closed in _closed_structs(app).items():
        if closed and name in schemas and schemas[name].get("type") == "object":
            schemas[name]["additionalProperties"] = False
    docs: dict[str, dict[str, Any]] = {}
    for name in SURFACES:
        paths = _with_error_envelope(
            {p: copy.deepcopy(v) for p, v in full.get("paths", {}).items() if _surface_of(p) == name}
        )
        wanted: set[str] = set()
        _refs(paths, wanted)
        pending = list(wanted)
        while pending:  # schemas referencing other schemas
            inner: set[str] = set()
            _refs(schemas.get(pending.pop(), {}), inner)
            pending.extend(inner - wanted)
            wanted |= inner
        doc = copy.deepcopy({k: v for k, v in full.items() if k not in ("paths", "components")})
        doc["info"]["title"] = f"cozeplus {name}"
        doc["info"]["version"] = "1"  # the contract's version, not the package's: keeps idl/ stable
        doc["paths"] = paths
        components = {k: schemas[k] for k in sorted(wanted) if k in schemas}
        components["ErrorEnvelope"] = ERROR_ENVELOPE
        doc["components"] = {"schemas": components}
        docs[name] = doc
    return docs


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
