"""MCP plugins: a remote MCP server registered as a plugin (ADR 0064). Its tools are not edited here:
they are what the server lists, taken into the draft on register, on a change of the connection and
on an explicit refresh, and frozen by publishing like any plugin's tools.

The stored server URL says the transport: `mcp:<url>` (streamable HTTP) or `mcp+sse:<url>` (SSE),
which the tool runtime dispatches on. The draft "document" of an MCP plugin records the server and
the tools it listed (name, description, input and output schemas), so a version shows what it froze."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from domain.plugin.auth import AuthKind, TokenLocation
from domain.plugin.drafts import checked_url
from domain.plugin.errors import InvalidPluginRequest
from domain.plugin.manifest import AuthInput
from domain.plugin.tools import ToolOperation

STREAMABLE_PREFIX, SSE_PREFIX = "mcp:", "mcp+sse:"


class McpTransport(StrEnum):
    STREAMABLE_HTTP = "streamable_http"
    SSE = "sse"


_PREFIXES = {McpTransport.STREAMABLE_HTTP: STREAMABLE_PREFIX, McpTransport.SSE: SSE_PREFIX}


def mcp_server_url(url: str, transport: McpTransport) -> str:
    """The stored server URL of an MCP plugin: the http(s) URL checked like an OpenAPI server's."""
    if not url.strip():
        raise InvalidPluginRequest(detail="an MCP plugin needs its server's URL (url)")
    return _PREFIXES[transport] + checked_url(url)


def mcp_endpoint(server_url: str) -> tuple[McpTransport, str] | None:
    """The transport and the http(s) URL of a stored MCP server URL; None for another kind."""
    for transport in (McpTransport.SSE, McpTransport.STREAMABLE_HTTP):
        prefix = _PREFIXES[transport]
        if server_url.startswith(prefix):
            return transport, server_url.removeprefix(prefix)
    return None


def checked_mcp_auth(auth: AuthInput) -> AuthInput:
    """An MCP server is authorized with nothing or a service token in a header."""
    if auth.kind is AuthKind.NONE:
        return auth
    if auth.kind is not AuthKind.SERVICE:
        raise InvalidPluginRequest(detail="an MCP plugin's auth is none (0) or a service token (1)")
    if auth.location is not TokenLocation.HEADER:
        raise InvalidPluginRequest(detail="an MCP server takes its service token in a header (location 1)")
    return auth


def mcp_document(server_url: str, operations: Sequence[ToolOperation]) -> dict[str, Any]:
    found = mcp_endpoint(server_url)
    transport, url = found if found else (McpTransport.STREAMABLE_HTTP, server_url)
    return {
        "mcp": {
            "url": url,
            "transport": transport.value,
            "tools": [
                {
                    "name": op.name,
                    "description": op.description,
                    "inputSchema": dict(op.arguments),
                    **({"outputSchema": dict(op.responses)} if op.responses else {}),
                }
                for op in operations
            ],
        }
    }


def is_mcp_document(document: Mapping[str, Any]) -> bool:
    return isinstance(document.get("mcp"), Mapping)
