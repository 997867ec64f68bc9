"""An MCP server built with the official `mcp` SDK (FastMCP), for plugin tests: `serving_mcp()` runs
it on a free loopback port over streamable HTTP (`/mcp`) and SSE (`/sse`); it lists its tools two a
page, so clients must follow the cursor."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from mcp import types
from mcp.server.fastmcp import Context, FastMCP

TOOLS_PER_PAGE = 2
TOKEN_HEADER = "X-Mcp-Token"  # what `token_seen` answers: the header a plugin's service token is in


def _server() -> FastMCP:
    server = FastMCP("cozeplus-test", stateless_http=True)

    @server.tool(description="Add two integers.")
    def add(a: int, b: int) -> int:
        return a + b

    @server.tool(description="Look up a city's population.")
    def population(city: str) -> dict[str, Any]:
        known = {"Paris": 2_100_000, "Lyon": 520_000}
        if city not in known:
            raise ValueError(f"no figures for {city}")
        return {"city": city, "population": known[city]}

    @server.tool(description="The service token the request carried.")
    def token_seen(ctx: Context) -> str:  # type: ignore[type-arg]
        request = ctx.request_context.request
        headers = getattr(request, "headers", None) or {}
        return str(headers.get(TOKEN_HEADER, ""))

    @server.tool(description="Answer after a while.")
    async def slow(seconds: float) -> str:
        await asyncio.sleep(seconds)
        return "done"

    _paged(server)
    return server


def _paged(server: FastMCP) -> None:
    """tools/list answered two tools a page (FastMCP answers all at once), so clients page through."""
    everything = server.list_tools

    @server._mcp_server.list_tools()
    async def paged(request: types.ListToolsRequest) -> types.ListToolsResult:
        tools = await everything()
        cursor = request.params.cursor if request.params else None
        start = int(cursor or 0)
        end = start + TOOLS_PER_PAGE
        return types.ListToolsResult(
            tools=tools[start:end], nextCursor=str(end) if end < len(tools) else None
        )


class _Both:
    """Streamable HTTP and SSE on one port; the streamable app's lifespan runs the session manager."""

    def __init__(self, server: FastMCP) -> None:
        self._streamable, self._sse = server.streamable_http_app(), server.sse_app()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        app = (
            self._sse
            if scope["type"] != "lifespan" and path.startswith(("/sse", "/messages"))
            else self._streamable
        )
        await app(scope, receive, send)


@contextmanager
def serving_mcp() -> Iterator[str]:
    """The server's base URL (http://127.0.0.1:<port>) while the block runs."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(_Both(_server()), log_level="warning", lifespan="on", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
