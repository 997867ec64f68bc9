"""Coze's parameter trees (APIParameter: name, type, location, required, sub-parameters) to and from
an OpenAPI operation, for the tool editor: the SPA edits a tool as trees, the draft keeps OpenAPI.

An array's item is its one sub-parameter; an object's properties are its sub-parameters. Top-level
parameters in the body become the properties of one JSON request body."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from domain.plugin.errors import InvalidPluginRequest
from domain.plugin.tools import Location, Method, ToolOperation

MAX_DEPTH = 8
TOOL_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # what the OpenAPI reader accepts as an operationId
ARRAY_ITEM = "[Array Item]"  # what Coze's editor names an array's item


class ParamType(IntEnum):
    """Coze's ParameterType."""

    STRING = 1
    INTEGER = 2
    NUMBER = 3
    OBJECT = 4
    ARRAY = 5
    BOOL = 6


_JSON_TYPES = {
    ParamType.STRING: "string",
    ParamType.INTEGER: "integer",
    ParamType.NUMBER: "number",
    ParamType.OBJECT: "object",
    ParamType.ARRAY: "array",
    ParamType.BOOL: "boolean",
}
_PARAM_TYPES = {v: k for k, v in _JSON_TYPES.items()}
_IN = {Location.PATH: "path", Location.QUERY: "query", Location.HEADER: "header"}


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    type: ParamType = ParamType.STRING
    location: Location = Location.QUERY
    required: bool = False
    description: str = ""
    children: tuple[Parameter, ...] = ()
    default: str | None = None  # Coze's global_default, as text


def schema_of(p: Parameter, depth: int = 0) -> dict[str, Any]:
    if depth > MAX_DEPTH:
        raise InvalidPluginRequest(detail=f"parameters nest at most {MAX_DEPTH} levels")
    schema: dict[str, Any] = {"type": _JSON_TYPES[p.type]}
    if p.description:
        schema["description"] = p.description
    if p.default is not None and p.type not in (ParamType.OBJECT, ParamType.ARRAY):
        schema["default"] = _typed_default(p)
    if p.type is ParamType.OBJECT:
        schema["properties"] = {c.name: schema_of(c, depth + 1) for c in _unique(p.children)}
        required = [c.name for c in p.children if c.required]
        if required:
            schema["required"] = required
    elif p.type is ParamType.ARRAY:
        item = p.children[0] if p.children else Parameter(ARRAY_ITEM)
        schema["items"] = schema_of(item, depth + 1)
    return schema


def _typed_default(p: Parameter) -> Any:
    text = p.default or ""
    try:
        if p.type is ParamType.INTEGER:
            return int(text)
        if p.type is ParamType.NUMBER:
            return float(text)
    except ValueError:
        raise InvalidPluginRequest(detail=f"the default of {p.name!r} is not a number") from None
    if p.type is ParamType.BOOL:
        return text.lower() == "true"
    return text


def _unique(params: Sequence[Parameter]) -> Sequence[Parameter]:
    seen: set[str] = set()
    for p in params:
        if not p.name or p.name in seen:
            raise InvalidPluginRequest(detail=f"parameter names must be given and unique ({p.name!r})")
        seen.add(p.name)
    return params


def operation_object(
    name: str,
    description: str,
    request: Sequence[Parameter],
    response: Sequence[Parameter],
) -> dict[str, Any]:
    """The OpenAPI operation for a tool edited as parameter trees."""
    operation: dict[str, Any] = {"operationId": name, "summary": description}
    parameters: list[dict[str, Any]] = []
    body: list[Parameter] = []
    for p in _unique(request):
        if p.location is Location.BODY:
            body.append(p)
            continue
        entry: dict[str, Any] = {
            "name": p.name,
            "in": _IN[p.location],
            "required": p.required or p.location is Location.PATH,
            "schema": schema_of(p),
        }
        if p.description:
            entry["description"] = p.description
        parameters.append(entry)
    if parameters:
        operation["parameters"] = parameters
    if body:
        schema = schema_of(Parameter("body", ParamType.OBJECT, children=tuple(body)))
        operation["requestBody"] = {"content": {"application/json": {"schema": schema}}}
    ok: dict[str, Any] = {"description": "the result"}
    if response:
        schema = schema_of(Parameter("response", ParamType.OBJECT, children=tuple(_unique(response))))
        ok = {"description": "the result", "content": {"application/json": {"schema": schema}}}
    operation["responses"] = {"200": ok}
    return operation


def parameter_of(
    name: str, schema: Mapping[str, Any], location: Location, required: bool, depth: int = 0
) -> Parameter:
    kind = schema.get("type")
    if isinstance(kind, list):  # 3.1 ["string", "null"]: the first non-null type
        kind = next((k for k in kind if k != "null"), "string")
    ptype = _PARAM_TYPES.get(str(kind), ParamType.OBJECT if "properties" in schema else ParamType.STRING)
    children: tuple[Parameter, ...] = ()
    if depth < MAX_DEPTH and ptype is ParamType.OBJECT:
        needed = set(schema.get("required") or ())
        children = tuple(
            parameter_of(k, v, location, k in needed, depth + 1)
            for k, v in (schema.get("properties") or {}).items()
            if isinstance(v, Mapping)
        )
    elif depth < MAX_DEPTH and ptype is ParamType.ARRAY and isinstance(schema.get("items"), Mapping):
        children = (parameter_of(ARRAY_ITEM, schema["items"], location, False, depth + 1),)
    default = schema.get("default")
    return Parameter(
        name=name,
        type=ptype,
        location=location,
        required=required,
        description=str(schema.get("description") or ""),
        children=children,
        default=None if default is None or isinstance(default, dict | list) else _text(default),
    )


def _text(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def request_parameters(operation: ToolOperation) -> list[Parameter]:
    properties = operation.arguments.get("properties") or {}
    return [
        parameter_of(a.name, properties.get(a.name) or {}, a.location, a.required) for a in operation.routing
    ]


def response_parameters(operation: ToolOperation) -> list[Parameter]:
    schema = operation.responses
    needed = set(schema.get("required") or ())
    return [
        parameter_of(k, v, Location.BODY, k in needed)
        for k, v in (schema.get("properties") or {}).items()
        if isinstance(v, Mapping)
    ]


def method_of(value: str) -> Method:
    try:
        return Method(value.lower())
    except ValueError:
        raise InvalidPluginRequest(
            detail=f"the method is GET, POST, PUT, DELETE or PATCH, not {value!r}"
        ) from None


def operation_from(op: ToolOperation) -> dict[str, Any]:
    """An OpenAPI operation object for a read operation, its schemas inlined: what a tool taken from
    another document becomes in the draft (the other document's components do not come along)."""
    properties = op.arguments.get("properties") or {}
    operation: dict[str, Any] = {"operationId": op.name, "summary": op.description}
    parameters = [
        {"name": a.name, "in": _IN[a.location], "required": a.required, "schema": properties.get(a.name, {})}
        for a in op.routing
        if a.location is not Location.BODY
    ]
    if parameters:
        operation["parameters"] = parameters
    body = [a for a in op.routing if a.location is Location.BODY]
    if body:
        schema: dict[str, Any] = {"type": "object", "properties": {a.name: properties[a.name] for a in body}}
        if any(a.required for a in body):
            schema["required"] = [a.name for a in body if a.required]
        kind = "application/x-www-form-urlencoded" if op.body == "form" else "application/json"
        operation["requestBody"] = {"content": {kind: {"schema": schema}}}
    ok: dict[str, Any] = {"description": "the result"}
    if op.responses:
        ok["content"] = {"application/json": {"schema": dict(op.responses)}}
    operation["responses"] = {"200": ok}
    return operation


def checked_tool_name(name: str) -> str:
    name = (name or "").strip()
    if not TOOL_NAME.match(name):
        raise InvalidPluginRequest(detail="a tool's name is 1-64 letters, digits, _ or -")
    return name
