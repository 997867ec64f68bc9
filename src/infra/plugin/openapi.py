"""Reading a plugin's OpenAPI document: YAML or JSON in, a validated PluginDocument out, or an
InvalidPluginDocument that names the JSON pointer of the first problem.

Hostile documents are expected: the text is size-capped, YAML aliases (the "billion laughs") and
duplicate keys are refused while parsing, only local `#/...` references are followed (a remote
`$ref` would make the validator fetch a URL), references are inlined to a bounded depth, and the
OpenAPI 3.0/3.1 schema itself is checked by openapi-spec-validator."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import yaml
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

from domain.plugin.tools import (
    Argument,
    InvalidPluginDocument,
    Location,
    Method,
    PluginDocument,
    ToolOperation,
)

MAX_DOCUMENT_CHARS = 1_000_000
MAX_OPERATIONS = 300
MAX_REF_DEPTH = 32
TOOL_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_LOCATIONS = {"path": Location.PATH, "query": Location.QUERY, "header": Location.HEADER}
_BODY_TYPES = ("application/json", "application/x-www-form-urlencoded")
_PLACEHOLDER = re.compile(r"\{[^/{}]+\}")


def pointer(*parts: object) -> str:
    """A JSON pointer (RFC 6901) of the path parts."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


class OpenApiReader:
    def read(self, text: str) -> PluginDocument:
        if len(text) > MAX_DOCUMENT_CHARS:
            raise InvalidPluginDocument("", f"the document is longer than {MAX_DOCUMENT_CHARS:,} characters")
        document = _parsed(text)
        validator = _validator(document)
        _refuse_remote_refs(document, ())
        _refuse_bad_references(document)
        try:
            problem = next(iter(validator(document).iter_errors()), None)
        except RecursionError:
            raise InvalidPluginDocument("", "the document's references nest too deep") from None
        except Exception as exc:  # the validator's own failure on odd input: still the document's fault
            raise InvalidPluginDocument("", f"the document could not be validated: {exc}"[:500]) from None
        if problem is None:
            return _Derivation(document).plugin()
        if not problem.path:  # a rule across the document (unique operationIds, path templates)
            try:
                _Derivation(document).plugin()
            except InvalidPluginDocument as precise:
                raise precise from None  # the same problem, with the pointer of the operation
            except Exception:  # noqa: S110 - the validator's own message follows
                pass
        raise InvalidPluginDocument(pointer(*problem.path), _first_line(problem.message))


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0][:500] if message.strip() else "invalid"


def _parsed(text: str) -> dict[str, Any]:
    stripped = text.lstrip()
    if not stripped:
        raise InvalidPluginDocument("", "the document is empty")
    if stripped.startswith("{"):
        try:
            data = json.loads(text, object_pairs_hook=_unique_pairs)
        except json.JSONDecodeError as exc:
            raise InvalidPluginDocument("", f"not valid JSON: {exc.msg} (line {exc.lineno})") from None
    else:
        data = _yaml(text)
    if not isinstance(data, dict):
        raise InvalidPluginDocument("", "the document must be an object")
    return data


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise InvalidPluginDocument("", f"the key {key!r} appears twice in one object")
        found[key] = value
    return found


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML without aliases and with unique keys."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise InvalidPluginDocument("", f"YAML aliases are not accepted (line {mark.line + 1})")
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        """Keys are their source text: YAML 1.1 would read `on:` as True and `200:` as an integer,
        and OpenAPI documents are full of both (property names, response codes)."""
        self.flatten_mapping(node)
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                line = key_node.start_mark.line + 1
                raise InvalidPluginDocument("", f"mapping keys must be plain text (line {line})")
            key = str(key_node.value)
            if key in mapping:
                line = key_node.start_mark.line + 1
                raise InvalidPluginDocument("", f"the key {key!r} appears twice in one mapping (line {line})")
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


def _yaml(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InvalidPluginDocument("", f"not valid YAML: {problem}{where}") from None


def _validator(document: Mapping[str, Any]) -> Any:
    if "swagger" in document:
        raise InvalidPluginDocument("/swagger", "Swagger 2.0 documents are converted to OpenAPI 3 first")
    version = document.get("openapi")
    if not isinstance(version, str) or not re.match(r"^3\.[01]\.\d+$", version):
        raise InvalidPluginDocument("/openapi", "only OpenAPI 3.0.x and 3.1.x documents are accepted")
    return OpenAPIV31SpecValidator if version.startswith("3.1") else OpenAPIV30SpecValidator


def _refuse_remote_refs(node: Any, at: tuple[object, ...]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if ref is not None and not (isinstance(ref, str) and ref.startswith("#/")):
            raise InvalidPluginDocument(pointer(*at, "$ref"), "only references inside the document (#/...)")
        for key, value in node.items():
            _refuse_remote_refs(value, (*at, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _refuse_remote_refs(value, (*at, i))


def _refuse_bad_references(document: Mapping[str, Any]) -> None:
    """A reference to nothing, or whose target is only another reference round and round, would
    make the validator fail without a pointer or recurse forever: refuse them first."""

    def walk(node: Any, at: tuple[object, ...]) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                seen: set[str] = set()
                target: Any = node
                while isinstance(target, dict) and isinstance(target.get("$ref"), str):
                    ref = target["$ref"]
                    if ref in seen or len(seen) > MAX_REF_DEPTH:
                        raise InvalidPluginDocument(pointer(*at, "$ref"), f"the reference {ref} loops")
                    seen.add(ref)
                    target = _lookup(document, ref)
                    if target is None:
                        raise InvalidPluginDocument(
                            pointer(*at, "$ref"), f"the reference {ref} points at nothing"
                        )
            for key, value in node.items():
                walk(value, (*at, key))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, (*at, i))

    walk(document, ())


def _lookup(document: Mapping[str, Any], ref: str) -> Any:
    node: Any = document
    for raw in ref[2:].split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


class _Derivation:
    def __init__(self, document: dict[str, Any]) -> None:
        self._doc = document

    def plugin(self) -> PluginDocument:
        info = self._doc.get("info") or {}
        operations = tuple(self._operations())
        if not operations:
            raise InvalidPluginDocument("/paths", "the document has no operations")
        return PluginDocument(
            title=str(info.get("title", "")),
            description=str(info.get("description", "")),
            server_url=self._server(),
            operations=operations,
            document=self._doc,
        )

    def _server(self) -> str:
        servers = self._doc.get("servers") or []
        url = servers[0].get("url") if servers and isinstance(servers[0], dict) else None
        if not isinstance(url, str) or not url:
            raise InvalidPluginDocument("/servers", "name the API's server URL (servers[0].url)")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidPluginDocument(pointer("servers", 0, "url"), "the server URL must be an http(s) URL")
        return url.rstrip("/")

    def _operations(self) -> Iterator[ToolOperation]:
        names: dict[str, str] = {}
        templates: dict[tuple[str, str], str] = {}
        count = 0
        for path, raw_item in (self._doc.get("paths") or {}).items():
            item = self._resolved(raw_item, ("paths", path))
            shape = _PLACEHOLDER.sub("{}", path)
            for method in Method:
                operation = item.get(method.value)
                if operation is None:
                    continue
                at = ("paths", path, method.value)
                if (shape, method.value) in templates:
                    raise InvalidPluginDocument(
                        pointer(*at), f"the same path and method as {templates[(shape, method.value)]}"
                    )
                templates[(shape, method.value)] = f"{method.value.upper()} {path}"
                name = operation.get("operationId")
                if not isinstance(name, str) or not TOOL_NAME.match(name):
                    raise InvalidPluginDocument(
                        pointer(*at, "operationId"),
                        "each operation needs an operationId of 1-64 letters, digits, _ or -",
                    )
                if name in names:
                    raise InvalidPluginDocument(
                        pointer(*at, "operationId"), f"operationId {name!r} is also used by {names[name]}"
                    )
                names[name] = f"{method.value.upper()} {path}"
                count += 1
                if count > MAX_OPERATIONS:
                    raise InvalidPluginDocument("/paths", f"a plugin has at most {MAX_OPERATIONS} operations")
                yield self._operation(name, method, path, item, operation, at)

    def _operation(
        self,
        name: str,
        method: Method,
        path: str,
        item: Mapping[str, Any],
        operation: Mapping[str, Any],
        at: tuple[object, ...],
    ) -> ToolOperation:
        properties: dict[str, Any] = {}
        required: list[str] = []
        routing: list[Argument] = []

        def add(arg: str, location: Location, schema: Mapping[str, Any], needed: bool, where: str) -> None:
            if arg in properties:
                raise InvalidPluginDocument(where, f"the argument {arg!r} is named twice")
            properties[arg] = schema
            routing.append(Argument(arg, location, needed))
            if needed:
                required.append(arg)

        merged: dict[tuple[str, str], tuple[Mapping[str, Any], tuple[object, ...]]] = {}
        for origin in (("paths", path), at):
            owner = item if origin != at else operation
            for i, raw in enumerate(owner.get("parameters") or []):
                where = (*origin, "parameters", i)
                parameter = self._resolved(raw, where)
                merged[(str(parameter.get("name")), str(parameter.get("in")))] = (parameter, where)
        for (arg, place), (declared, where) in merged.items():
            parameter = dict(declared)
            if place not in _LOCATIONS:
                raise InvalidPluginDocument(pointer(*where, "in"), f"{place} parameters are not supported")
            argument = self._inlined(parameter.get("schema") or {"type": "string"}, (*where, "schema"))
            if parameter.get("description") and "description" not in argument:
                argument["description"] = str(parameter["description"])
            needed = bool(parameter.get("required")) or place == "path"
            add(arg, _LOCATIONS[place], argument, needed, pointer(*where))
        body = operation.get("requestBody")
        encoding = ""
        if body is not None:
            encoding = self._body(self._resolved(body, (*at, "requestBody")), (*at, "requestBody"), add)
        missing = [p[1:-1] for p in _PLACEHOLDER.findall(path) if p[1:-1] not in properties]
        if missing:
            raise InvalidPluginDocument(
                pointer(*at), f"the path placeholder {{{missing[0]}}} has no parameter"
            )
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        description = str(operation.get("description") or operation.get("summary") or "")
        responses = self._response(operation, at)
        return ToolOperation(name, method, path, description, schema, tuple(routing), responses, encoding)

    def _body(self, body: Mapping[str, Any], at: tuple[object, ...], add: Any) -> str:
        content = body.get("content") or {}
        kind = next((k for k in _BODY_TYPES if k in content), None)
        if kind is None:
            raise InvalidPluginDocument(pointer(*at, "content"), "the request body must be JSON or a form")
        where = (*at, "content", kind, "schema")
        schema = self._inlined(content[kind].get("schema") or {}, where)
        if schema.get("type") != "object":
            raise InvalidPluginDocument(pointer(*where), "the request body must be an object")
        needed = set(schema.get("required") or ())
        for arg, prop in (schema.get("properties") or {}).items():
            add(arg, Location.BODY, prop, arg in needed, pointer(*where, "properties", arg))
        return "json" if kind == "application/json" else "form"

    def _response(self, operation: Mapping[str, Any], at: tuple[object, ...]) -> Mapping[str, Any]:
        for code, raw in (operation.get("responses") or {}).items():
            if str(code).startswith("2"):
                response = self._resolved(raw, (*at, "responses", code))
                schema = ((response.get("content") or {}).get("application/json") or {}).get("schema")
                if schema:
                    return self._inlined(schema, (*at, "responses", code))
        return {}

    def _resolved(self, node: Any, at: tuple[object, ...], depth: int = 0) -> dict[str, Any]:
        """`node` with a top-level reference followed (bounded, local only)."""
        while isinstance(node, dict) and "$ref" in node:
            if depth > MAX_REF_DEPTH:
                raise InvalidPluginDocument(pointer(*at), "references nest too deep (or loop)")
            node = self._target(node["$ref"], at)
            depth += 1
        if not isinstance(node, dict):
            raise InvalidPluginDocument(pointer(*at), "expected an object")
        return node

    def _inlined(self, node: Any, at: tuple[object, ...], depth: int = 0) -> dict[str, Any]:
        """A schema with every reference inlined, so the model gets a self-contained schema."""
        if depth > MAX_REF_DEPTH:
            raise InvalidPluginDocument(pointer(*at), "the schema nests too deep (or refers to itself)")
        node = self._resolved(node, at, depth)
        out: dict[str, Any] = {}
        for key, value in node.items():
            if isinstance(value, dict):
                out[key] = (
                    {k: self._inlined(v, (*at, key, k), depth + 1) for k, v in value.items()}
                    if key in ("properties", "patternProperties", "$defs", "definitions")
                    else self._inlined(value, (*at, key), depth + 1)
                )
            elif isinstance(value, list) and key in ("allOf", "anyOf", "oneOf", "prefixItems"):
                out[key] = [self._inlined(v, (*at, key, i), depth + 1) for i, v in enumerate(value)]
            else:
                out[key] = value
        return out

    def _target(self, ref: str, at: tuple[object, ...]) -> Any:
        node = _lookup(self._doc, ref)
        if node is None:
            raise InvalidPluginDocument(pointer(*at, "$ref"), f"the reference {ref} points at nothing")
        return node
