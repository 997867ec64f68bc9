"""A tool call as an HTTP request: the model's arguments put where the operation says (path, query,
header, JSON or form body), and the answer made into what the model reads back.

Everything here is pure: the runtime (infra/plugin/http_tool.py) checks the arguments against the
schema first, adds the authorization and sends the request through the guarded client."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from domain.common.errors import DomainError, InvalidInput
from domain.plugin.auth import PluginAuth
from domain.plugin.tools import Location, ToolOperation

MASK = "******"
MAX_RESULT_CHARS = 20_000  # of one tool result, as the model reads it


class ToolArgumentsInvalid(InvalidInput):
    """The arguments do not fit the tool's schema; `detail` says how (the model may try again)."""

    message_key = "plugin.invalid_arguments"


class ToolCallFailed(DomainError):
    """The tool could not be called or did not answer usably; `detail` says why."""

    message_key = "plugin.call_failed"


class ToolNeedsAuthorization(DomainError):
    """The plugin acts for each end user, and this one has not authorized it yet."""

    message_key = "plugin.needs_authorization"


@dataclass(frozen=True, slots=True)
class ToolTarget:
    """A callable tool: the operation of a plugin version and how to reach and authorize it."""

    plugin_id: int
    tool_id: int
    operation: ToolOperation
    server_url: str
    auth: PluginAuth = field(default_factory=PluginAuth)


@dataclass(frozen=True, slots=True)
class ToolAnswer:
    status: int
    body: Any  # parsed JSON (trimmed to the declared schema), or the text
    text: str  # what the model reads back
    request: Mapping[str, Any]  # the request as a debug view shows it (secrets masked)
    duration_ms: float


@dataclass(frozen=True, slots=True)
class PreparedRequest:
    method: str
    url: str
    headers: Mapping[str, str]
    body: bytes | None = None
    secret_headers: frozenset[str] = frozenset()  # names whose values a debug view masks
    secret_query: frozenset[str] = frozenset()

    def shown(self) -> dict[str, Any]:
        """The request as a person debugging the tool sees it: secrets masked."""
        url = self.url
        for name in self.secret_query:
            url = _masked_query(url, name)
        headers = {k: (MASK if k.lower() in self.secret_headers else v) for k, v in self.headers.items()}
        body = None if self.body is None else self.body.decode("utf-8", "replace")
        return {"method": self.method, "url": url, "headers": headers, "body": body}


@dataclass(frozen=True, slots=True)
class Credentials:
    """What the authorization adds to a request (opened secrets, in memory for one call)."""

    headers: Mapping[str, str] = field(default_factory=dict)
    query: Mapping[str, str] = field(default_factory=dict)


def prepared(
    operation: ToolOperation, server_url: str, arguments: Mapping[str, Any], credentials: Credentials
) -> PreparedRequest:
    path = operation.path
    query: list[tuple[str, str]] = []
    headers: dict[str, str] = {"accept": "application/json"}
    body: dict[str, Any] = {}
    for argument in operation.routing:
        if argument.name not in arguments:
            continue
        value = arguments[argument.name]
        if argument.location is Location.PATH:
            # quote everything: a value cannot add path segments ("../admin") or a query
            path = path.replace("{" + argument.name + "}", quote(_text(value), safe=""))
        elif argument.location is Location.QUERY:
            values = value if isinstance(value, list) else [value]
            query += [(argument.name, _text(v)) for v in values]
        elif argument.location is Location.HEADER:
            headers[argument.name.lower()] = _header(argument.name, _text(value))
        else:
            body[argument.name] = value
    query += list(credentials.query.items())
    for name, value in credentials.headers.items():
        headers[name.lower()] = _header(name, value)
    url = server_url.rstrip("/") + path
    if query:
        url += ("&" if "?" in url else "?") + urlencode(query)
    payload: bytes | None = None
    if operation.body:
        if operation.body == "form":
            headers["content-type"] = "application/x-www-form-urlencoded"
            payload = urlencode([(k, _text(v)) for k, v in body.items()]).encode()
        else:
            headers["content-type"] = "application/json"
            payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return PreparedRequest(
        operation.method.value.upper(),
        url,
        headers,
        payload,
        frozenset(n.lower() for n in credentials.headers),
        frozenset(credentials.query),
    )


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return "" if value is None else str(value)


def _header(name: str, value: str) -> str:
    if any(c in value for c in "\r\n\x00"):
        raise ToolArgumentsInvalid(detail=f"the header {name} cannot hold line breaks")
    return value


def _masked_query(url: str, name: str) -> str:
    head, sep, query = url.partition("?")
    if not sep:
        return url
    parts = [
        f"{k}={MASK}" if k == quote(name, safe="") else f"{k}={v}"
        for k, _, v in (p.partition("=") for p in query.split("&"))
    ]
    return head + "?" + "&".join(parts)


def trimmed(value: Any, schema: Mapping[str, Any]) -> Any:
    """The answer cut to the declared response schema (undeclared fields dropped), as Coze does;
    without a schema, or where it declares no properties, the value stays as it is."""
    if isinstance(value, dict) and isinstance(schema.get("properties"), dict) and schema["properties"]:
        props: Mapping[str, Any] = schema["properties"]
        return {k: trimmed(v, props[k]) for k, v in value.items() if k in props}
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        items: Mapping[str, Any] = schema["items"]
        return [trimmed(v, items) for v in value]
    return value


def result_text(status: int, body: Any) -> str:
    """What the model reads back: the JSON answer, or the error and status for a failed call."""
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    if status >= 400:
        text = json.dumps(
            {"error": f"the API answered HTTP {status}", "body": text[:2000]}, ensure_ascii=False
        )
    return text if len(text) <= MAX_RESULT_CHARS else text[:MAX_RESULT_CHARS] + "…"


def unknown_arguments(operation: ToolOperation, arguments: Mapping[str, Any]) -> Sequence[str]:
    known = {a.name for a in operation.routing}
    return sorted(set(arguments) - known)
