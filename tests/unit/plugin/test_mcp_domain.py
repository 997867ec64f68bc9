"""MCP plugins' pure parts: the stored server URL and its transport, the auth an MCP server takes,
the draft's record of the listed tools, and tools keeping their ids by name alone (every MCP tool
has the same empty route, so a new tool must not take a dropped one's id)."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from domain.plugin.auth import AuthKind, TokenLocation
from domain.plugin.drafts import derived_tools
from domain.plugin.entities import DebugStatus
from domain.plugin.errors import InvalidPluginRequest
from domain.plugin.manifest import AuthInput
from domain.plugin.mcp import (
    McpTransport,
    checked_mcp_auth,
    is_mcp_document,
    mcp_document,
    mcp_endpoint,
    mcp_server_url,
)
from domain.plugin.tools import Argument, Location, Method, ToolOperation

NOW = datetime(2026, 12, 7, tzinfo=UTC)


def _op(name: str, *required: str) -> ToolOperation:
    schema = {"type": "object", "properties": {n: {"type": "string"} for n in required}}
    routing = tuple(Argument(n, Location.BODY, True) for n in required)
    return ToolOperation(name, Method.POST, "", f"{name} it", schema, routing, {}, "json")


def test_the_stored_url_says_the_transport_and_is_checked_like_a_server_url() -> None:
    stored = mcp_server_url(" https://tools.example.com/mcp/ ", McpTransport.STREAMABLE_HTTP)
    assert stored == "mcp:https://tools.example.com/mcp"
    assert mcp_endpoint(stored) == (McpTransport.STREAMABLE_HTTP, "https://tools.example.com/mcp")
    sse = mcp_server_url("http://tools.example.com/sse", McpTransport.SSE)
    assert sse == "mcp+sse:http://tools.example.com/sse"
    assert mcp_endpoint(sse) == (McpTransport.SSE, "http://tools.example.com/sse")
    assert mcp_endpoint("https://api.example.com") is None and mcp_endpoint("builtin:") is None
    for bad in ("", "  ", "ftp://x.example.com", "mcp:https://x.example.com", "https://", "x" * 3000):
        with pytest.raises(InvalidPluginRequest):
            mcp_server_url(bad, McpTransport.STREAMABLE_HTTP)


def test_an_mcp_server_takes_no_auth_or_a_token_in_a_header() -> None:
    assert checked_mcp_auth(AuthInput()) == AuthInput()
    header = AuthInput(AuthKind.SERVICE, TokenLocation.HEADER, "X-Key", "t")
    assert checked_mcp_auth(header) is header
    for bad in (AuthInput(AuthKind.SERVICE, TokenLocation.QUERY, "key", "t"), AuthInput(AuthKind.OAUTH)):
        with pytest.raises(InvalidPluginRequest):
            checked_mcp_auth(bad)


def test_the_draft_records_the_server_and_its_tools() -> None:
    output = {"type": "object", "properties": {"result": {"type": "integer"}}}
    operations = [_op("add", "a"), replace(_op("echo"), responses=output)]
    document = mcp_document("mcp+sse:http://tools.example.com/sse", operations)
    assert is_mcp_document(document) and not is_mcp_document({"openapi": "3.0.1"})
    mcp = document["mcp"]
    assert (mcp["url"], mcp["transport"]) == ("http://tools.example.com/sse", "sse")
    assert [t["name"] for t in mcp["tools"]] == ["add", "echo"]
    assert mcp["tools"][0]["inputSchema"]["properties"] == {"a": {"type": "string"}}
    assert "outputSchema" not in mcp["tools"][0] and mcp["tools"][1]["outputSchema"] == output


def test_tools_keep_their_ids_by_name_only() -> None:
    ids = itertools.count(100)
    first = derived_tools(
        [], [_op("add"), _op("sub")], plugin_id=1, space_id=2, new_id=lambda: next(ids), now=NOW
    )
    add, sub = first
    passed = [replace(add, debug_status=DebugStatus.PASSED, activated=False), sub]
    again = derived_tools(
        passed,
        [_op("mul"), _op("add"), _op("sub", "x")],
        plugin_id=1,
        space_id=2,
        new_id=lambda: next(ids),
        now=NOW,
        by_route_too=False,
    )
    mul, add2, sub2 = again
    assert mul.id not in {add.id, sub.id}  # a new tool, not the first one of the same route
    assert (add2.id, add2.activated, add2.debug_status) == (add.id, False, DebugStatus.PASSED)
    assert sub2.id == sub.id and sub2.operation.routing[0].name == "x"
    dropped = derived_tools(
        again, [_op("div")], plugin_id=1, space_id=2, new_id=lambda: next(ids), now=NOW, by_route_too=False
    )
    assert dropped[0].id not in {t.id for t in again}
    routed = derived_tools(passed, [_op("mul")], plugin_id=1, space_id=2, new_id=lambda: 999, now=NOW)
    assert routed[0].id == sub.id  # what matching by route would have done: why MCP tools do not
