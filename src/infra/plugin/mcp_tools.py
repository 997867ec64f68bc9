"""MCP plugins: a remote MCP server's tools listed and called through the official `mcp` SDK, over
streamable HTTP or SSE. The SDK's HTTP goes through the guarded client's transport, so the server
URL and every redirect are checked like any user-supplied URL (ADR 0042).

A target's server URL says the transport: `mcp:<url>` (streamable HTTP) or `mcp+sse:<url>`
(domain/plugin/mcp.py). A plugin's service token goes in its header on every request. Each call
opens a session, initializes, calls and closes: simple and stateless across processes."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import anyio
import httpx
from mcp import ClientSession
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client
from mcp.types import CallToolResult, PaginatedRequestParams, TextContent, Tool

from domain.common.outbound import OutboundRefused
from domain.common.secrets import SecretCipher
from domain.plugin.auth import AuthKind, PluginAuth, TokenLocation
from domain.plugin.errors import McpServerUnusable
from domain.plugin.invocation import MASK, ToolAnswer, ToolCallFailed, ToolTarget, result_text
from domain.plugin.mcp import SSE_PREFIX, STREAMABLE_PREFIX, McpTransport, mcp_endpoint
from domain.plugin.tools import Argument, Location, Method, ToolOperation
from infra.outbound.client import GuardedHttpClient
from infra.plugin.http_tool import checked_arguments
from infra.plugin.openapi import MAX_OPERATIONS, TOOL_NAME

log = logging.getLogger("cozeplus.plugin")

STREAMABLE, SSE = STREAMABLE_PREFIX, SSE_PREFIX
DEFAULT_TIMEOUT_S = 30.0


def mcp_url(server_url: str) -> tuple[str, str] | None:
    """(transport prefix, URL) of an MCP target's server URL, or None for another kind."""
    found = mcp_endpoint(server_url)
    if found is None:
        return None
    transport, url = found
    return (SSE if transport is McpTransport.SSE else STREAMABLE), url


def operation_of(
    name: str, description: str, schema: dict[str, Any], output: dict[str, Any] | None = None
) -> ToolOperation:
    if not TOOL_NAME.match(name):
        raise McpServerUnusable(
            detail=f"the MCP server offers a tool named {name[:80]!r}, which is not a tool name"
        )
    arguments = schema if schema.get("type") == "object" else {"type": "object", "properties": {}}
    required = set(arguments.get("required") or ())
    routing = tuple(Argument(n, Location.BODY, n in required) for n in arguments.get("properties") or {})
    responses = output if output and output.get("type") == "object" else {}
    return ToolOperation(name, Method.POST, "", description, arguments, routing, responses, "json")


class McpToolRunner:
    def __init__(
        self, guarded: GuardedHttpClient, cipher: SecretCipher, *, timeout_s: float = DEFAULT_TIMEOUT_S
    ) -> None:
        self._guarded, self._cipher, self._timeout_s = guarded, cipher, timeout_s

    async def list_tools(self, server_url: str, auth: PluginAuth | None = None) -> tuple[ToolOperation, ...]:
        """Raises OutboundRefused (a denied address) or McpServerUnusable."""
        try:
            with anyio.fail_after(self._timeout_s):  # a server that never answers (or not as MCP)
                async with self._session(server_url, self._headers(auth)) as session:
                    listed = await _all_tools(session)
        except TimeoutError:
            raise McpServerUnusable(detail=self._silent()) from None
        names = [t.name for t in listed]
        if len(set(names)) != len(names):
            raise McpServerUnusable(detail="the MCP server offers two tools of one name")
        return tuple(
            operation_of(t.name, t.description or "", dict(t.inputSchema or {}), dict(t.outputSchema or {}))
            for t in listed
        )

    async def call(self, target: ToolTarget, arguments: Any, *, user_id: int = 0) -> ToolAnswer:
        checked = checked_arguments(target, arguments)
        headers = self._headers(target.auth)
        started = time.perf_counter()
        status = 0
        try:
            with anyio.fail_after(self._timeout_s):
                async with self._session(target.server_url, headers) as session:
                    result = await session.call_tool(
                        target.operation.name,
                        dict(checked),
                        read_timeout_seconds=timedelta(seconds=self._timeout_s),
                    )
            status = 500 if result.isError else 200
        except TimeoutError:
            raise ToolCallFailed(detail=self._silent()) from None
        except OutboundRefused as refused:
            raise ToolCallFailed(detail=f"the URL is not allowed: {refused}") from None
        except McpServerUnusable as unusable:
            raise ToolCallFailed(detail=str(unusable.params.get("detail", ""))) from None
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
        shown = {
            "method": "MCP",
            "url": target.server_url,
            "tool": target.operation.name,
            "headers": dict.fromkeys(headers or {}, MASK),
            "body": json.dumps(checked, ensure_ascii=False),
        }
        return ToolAnswer(status, body, text, shown, took)

    def _silent(self) -> str:
        return f"the MCP server did not answer within {self._timeout_s:g} s"

    def _headers(self, auth: PluginAuth | None) -> dict[str, str] | None:
        """The plugin's service token, in its header (the only auth an MCP plugin takes)."""
        if auth is None or auth.kind is AuthKind.NONE:
            return None
        service = auth.service
        if auth.kind is not AuthKind.SERVICE or service is None or service.location != TokenLocation.HEADER:
            raise ToolCallFailed(detail="an MCP server is authorized by a service token in a header")
        return {service.name: self._cipher.open(service.sealed_token)}

    @asynccontextmanager
    async def _session(self, server_url: str, headers: dict[str, str] | None) -> AsyncIterator[ClientSession]:
        found = mcp_url(server_url)
        if found is None:
            raise McpServerUnusable(detail="not an MCP server URL")
        prefix, url = found
        try:
            if prefix == SSE:
                transport = sse_client(
                    url,
                    headers=headers,
                    timeout=self._timeout_s,
                    sse_read_timeout=self._timeout_s,
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
        except (ToolCallFailed, McpServerUnusable, OutboundRefused):
            raise
        except Exception as exc:  # the SDK wraps errors in exception groups
            ours = next((e for e in _leaves(exc) if isinstance(e, ToolCallFailed | McpServerUnusable)), None)
            if ours is not None:
                raise ours from None
            denied = _refusal(exc)
            if denied is not None:
                raise denied from None
            raise McpServerUnusable(detail=f"the MCP server could not be used: {_reason(exc)}") from None


async def _all_tools(session: ClientSession) -> list[Tool]:
    """Every page of the server's tools (at most MAX_OPERATIONS tools)."""
    tools: list[Tool] = []
    cursor: str | None = None
    while True:
        try:
            page = await session.list_tools(params=PaginatedRequestParams(cursor=cursor) if cursor else None)
        except Exception as exc:  # the server answered the initialization, then not this
            raise McpServerUnusable(detail=f"listing its tools failed: {_reason(exc)}") from None
        tools += page.tools
        if len(tools) > MAX_OPERATIONS:
            raise McpServerUnusable(detail=f"the MCP server offers more than {MAX_OPERATIONS} tools")
        if not page.nextCursor or page.nextCursor == cursor:
            return tools
        cursor = page.nextCursor


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
    first_line = str(leaf).strip().splitlines()[0] if str(leaf).strip() else ""
    return f"{type(leaf).__name__}: {first_line}"[:300]
