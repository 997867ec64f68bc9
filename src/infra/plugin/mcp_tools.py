"""MCP plugins: a remote MCP server's tools listed and called through the official `mcp` SDK, over
streamable HTTP or SSE. The SDK's HTTP goes through the guarded client's transport, so the server
URL and every redirect are checked like any user-supplied URL (ADR 0042).

A target's server URL says the transport: `mcp:<url>` (streamable HTTP) or `mcp+sse:<url>`. Each call
opens a session, initializes, calls and closes: simple and stateless across processes."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import httpx
from mcp import ClientSession
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client
from mcp.types import CallToolResult, TextContent

from domain.common.outbound import OutboundRefused
from domain.plugin.invocation import ToolAnswer, ToolCallFailed, ToolTarget, result_text
from domain.plugin.tools import Argument, Location, Method, ToolOperation
from infra.outbound.client import GuardedHttpClient
from infra.plugin.http_tool import checked_arguments
from infra.plugin.openapi import MAX_OPERATIONS, TOOL_NAME

log = logging.getLogger("cozeplus.plugin")

STREAMABLE, SSE = "mcp:", "mcp+sse:"
DEFAULT_TIMEOUT_S = 30.0


def mcp_url(server_url: str) -> tuple[str, str] | None:
    """(transport prefix, URL) of an MCP target's server URL, or None for another kind."""
    for prefix in (SSE, STREAMABLE):
        if server_url.startswith(prefix):
            return prefix, server_url.removeprefix(prefix)
    return None


def operation_of(name: str, description: str, schema: dict[str, Any]) -> ToolOperation:
    if not TOOL_NAME.match(name):
        raise ToolCallFailed(
            detail=f"the MCP server offers a tool named {name[:80]!r}, which is not a tool name"
        )
    arguments = schema if schema.get("type") == "object" else {"type": "object", "properties": {}}
    required = set(arguments.get("required") or ())
    routing = tuple(Argument(n, Location.BODY, n in required) for n in arguments.get("properties") or {})
    return ToolOperation(name, Method.POST, "", description, arguments, routing, {}, "json")


class McpToolRunner:
    def __init__(self, guarded: GuardedHttpClient, *, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        self._guarded, self._timeout_s = guarded, timeout_s

    async def list_tools(
        self, server_url: str, headers: dict[str, str] | None = None
    ) -> tuple[ToolOperation, ...]:
        async with self._session(server_url, headers) as session:
            listed = await session.list_tools()
        if len(listed.tools) > MAX_OPERATIONS:
            raise ToolCallFailed(detail=f"the MCP server offers more than {MAX_OPERATIONS} tools")
        return tuple(
            operation_of(t.name, t.description or "", dict(t.inputSchema or {})) for t in listed.tools
        )

    async def call(self, target: ToolTarget, arguments: Any, *, user_id: int = 0) -> ToolAnswer:
        checked = checked_arguments(target, arguments)
        started = time.perf_counter()
        status = 0
        try:
            async with self._session(target.server_url, None) as session:
                result = await session.call_tool(
                    target.operation.name,
                    dict(checked),
                    read_timeout_seconds=timedelta(seconds=self._timeout_s),
                )
            status = 500 if result.isError else 200
        finally:
            took = (time.perf_counter() - started) * 1000
            log.info(
                "plugin_tool_call plugin=%s tool=%s status=%s duration_ms=%.1f",
                target.plugin_id,
                target.operation.name,
                status,
                took,
            )
        body = _body(result)
        text = json.dumps({"error": body}, ensure_ascii=False) if result.isError else result_text(200, body)
        shown = {"method": "MCP", "url": target.server_url, "headers": {}, "body": json.dumps(checked)}
        return ToolAnswer(status, body, text, shown, took)

    @asynccontextmanager
    async def _session(self, server_url: str, headers: dict[str, str] | None) -> AsyncIterator[ClientSession]:
        found = mcp_url(server_url)
        if found is None:
            raise ToolCallFailed(detail="not an MCP server URL")
        prefix, url = found
        try:
            if prefix == SSE:
                transport = sse_client(
                    url,
                    headers=headers,
                    timeout=self._timeout_s,
                    httpx_client_factory=self._guarded.httpx_client,
                )
                async with transport as streams, ClientSession(streams[0], streams[1]) as session:
                    await session.initialize()
                    yield session
            else:
                client = self._guarded.httpx_client(headers=headers, timeout=httpx.Timeout(self._timeout_s))
                async with (
                    client,
                    streamable_http_client(url, http_client=client) as streams,
                    ClientSession(streams[0], streams[1]) as session,
                ):
                    await session.initialize()
                    yield session
        except ToolCallFailed:
            raise
        except OutboundRefused as refused:
            raise ToolCallFailed(detail=f"the URL is not allowed: {refused}") from None
        except Exception as exc:  # the SDK wraps transport errors in exception groups
            denied = _refusal(exc)
            if denied is not None:
                raise ToolCallFailed(detail=f"the URL is not allowed: {denied}") from None
            raise ToolCallFailed(detail=f"the MCP server could not be used: {_reason(exc)}") from None


def _body(result: CallToolResult) -> Any:
    if result.structuredContent is not None:
        return result.structuredContent
    texts = [c.text for c in result.content if isinstance(c, TextContent)]
    return "\n".join(texts) if texts else [c.model_dump(mode="json") for c in result.content]


def _leaves(exc: BaseException) -> list[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for inner in exc.exceptions for leaf in _leaves(inner)]
    return [exc]


def _refusal(exc: BaseException) -> OutboundRefused | None:
    for leaf in _leaves(exc):
        seen: BaseException | None = leaf
        while seen is not None:
            if isinstance(seen, OutboundRefused):
                return seen
            seen = seen.__cause__ or seen.__context__
    return None


def _reason(exc: BaseException) -> str:
    leaf = _leaves(exc)[0]
    return f"{type(leaf).__name__}: {leaf}"[:300]
