"""MCP plugins against a real MCP server (the `mcp` SDK's FastMCP on loopback, allowed by the
operator's allow-list): tools listed with their schemas, called over streamable HTTP and SSE,
errors as results; a server URL to a denied address is refused by the guard without connecting."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from domain.plugin.invocation import ToolArgumentsInvalid, ToolCallFailed, ToolTarget
from domain.plugin.tools import ToolOperation
from infra.outbound.client import GuardedHttpClient
from infra.outbound.policy import AddressPolicy
from infra.plugin.mcp_tools import McpToolRunner
from tests.support.mcp_server import serving_mcp


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with serving_mcp() as url:
        yield url


@pytest.fixture
async def mcp(base: str) -> AsyncIterator[McpToolRunner]:
    port = int(base.rsplit(":", 1)[1])
    guarded = GuardedHttpClient(AddressPolicy.from_settings(["127.0.0.1/32"], [80, 443, port]))
    yield McpToolRunner(guarded, timeout_s=2.0)
    await guarded.aclose()


async def _tools(mcp: McpToolRunner, server_url: str) -> dict[str, ToolOperation]:
    return {t.name: t for t in await mcp.list_tools(server_url)}


@pytest.mark.parametrize("transport", ["mcp:{base}/mcp", "mcp+sse:{base}/sse"])
async def test_tools_are_listed_and_called_over_both_transports(
    mcp: McpToolRunner, base: str, transport: str
) -> None:
    server_url = transport.format(base=base)
    tools = await _tools(mcp, server_url)
    assert set(tools) == {"add", "population", "slow"}
    assert tools["add"].arguments["required"] == ["a", "b"]
    assert tools["add"].arguments["properties"]["a"]["type"] == "integer"
    added = await mcp.call(ToolTarget(9, 1, tools["add"], server_url), {"a": 2, "b": 40})
    assert added.status == 200 and added.body == {"result": 42}
    found = await mcp.call(ToolTarget(9, 2, tools["population"], server_url), {"city": "Lyon"})
    assert found.body == {"city": "Lyon", "population": 520000}


async def test_a_tool_error_is_a_result_and_bad_arguments_never_reach_the_server(
    mcp: McpToolRunner, base: str
) -> None:
    server_url = f"mcp:{base}/mcp"
    tools = await _tools(mcp, server_url)
    failed = await mcp.call(ToolTarget(9, 2, tools["population"], server_url), {"city": "Atlantis"})
    assert failed.status == 500 and "no figures for Atlantis" in failed.text
    with pytest.raises(ToolArgumentsInvalid):
        await mcp.call(ToolTarget(9, 1, tools["add"], server_url), {"a": "two", "b": 1})
    with pytest.raises(ToolCallFailed):
        await mcp.call(ToolTarget(9, 3, tools["slow"], server_url), {"seconds": 5})


@pytest.mark.parametrize("server_url", ["mcp:http://169.254.169.254/mcp", "mcp+sse:http://10.0.0.7/sse"])
async def test_a_server_at_a_denied_address_is_refused(mcp: McpToolRunner, server_url: str) -> None:
    with pytest.raises(ToolCallFailed) as refused:
        await mcp.list_tools(server_url)
    assert "not allowed" in str(refused.value.params["detail"])
