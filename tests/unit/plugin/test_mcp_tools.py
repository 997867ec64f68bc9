"""MCP plugins against a real MCP server (the `mcp` SDK's FastMCP on loopback, allowed by the
operator's allow-list): tools listed with their schemas, called over streamable HTTP and SSE,
errors as results; a plugin's service token sent in its header; a server URL to a denied address is
refused by the guard without connecting, and a server that is gone is a clear error."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from domain.common.outbound import OutboundRefused
from domain.plugin.auth import AuthKind, PluginAuth, ServiceToken, TokenLocation
from domain.plugin.errors import McpServerUnusable
from domain.plugin.invocation import ToolArgumentsInvalid, ToolCallFailed, ToolTarget
from domain.plugin.tools import Method, ToolOperation
from infra.outbound.client import GuardedHttpClient
from infra.outbound.policy import AddressPolicy
from infra.plugin.mcp_tools import McpToolRunner
from infra.security.cipher import AesGcmCipher
from tests.support.mcp_server import TOKEN_HEADER, serving_mcp


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with serving_mcp() as url:
        yield url


@pytest.fixture
async def mcp(base: str) -> AsyncIterator[McpToolRunner]:
    port = int(base.rsplit(":", 1)[1])
    guarded = GuardedHttpClient(AddressPolicy.from_settings(["127.0.0.1/32"], [80, 443, port]))
    yield McpToolRunner(guarded, AesGcmCipher(b"k" * 32), timeout_s=2.0)
    await guarded.aclose()


async def _tools(mcp: McpToolRunner, server_url: str) -> dict[str, ToolOperation]:
    return {t.name: t for t in await mcp.list_tools(server_url)}


@pytest.mark.parametrize("transport", ["mcp:{base}/mcp", "mcp+sse:{base}/sse"])
async def test_tools_are_listed_and_called_over_both_transports(
    mcp: McpToolRunner, base: str, transport: str
) -> None:
    server_url = transport.format(base=base)
    tools = await _tools(mcp, server_url)
    assert set(tools) == {"add", "population", "slow", "token_seen"}
    assert tools["add"].arguments["required"] == ["a", "b"]
    assert tools["add"].arguments["properties"]["a"]["type"] == "integer"
    added = await mcp.call(ToolTarget(9, 1, tools["add"], server_url), {"a": 2, "b": 40})
    assert added.status == 200 and added.body == {"result": 42}
    found = await mcp.call(ToolTarget(9, 2, tools["population"], server_url), {"city": "Lyon"})
    assert found.body == {"city": "Lyon", "population": 520000}
    assert "properties" not in tools["population"].responses  # a dict result declares none
    assert tools["add"].responses["properties"]["result"]["type"] == "integer"


@pytest.mark.parametrize("transport", ["mcp:{base}/mcp", "mcp+sse:{base}/sse"])
async def test_a_service_token_goes_in_its_header_and_is_masked(
    mcp: McpToolRunner, base: str, transport: str
) -> None:
    server_url = transport.format(base=base)
    cipher = AesGcmCipher(b"k" * 32)
    auth = PluginAuth(
        AuthKind.SERVICE, ServiceToken(TokenLocation.HEADER, TOKEN_HEADER, cipher.seal("tok-91c"))
    )
    tools = await _tools(mcp, server_url)
    seen = await mcp.call(ToolTarget(9, 4, tools["token_seen"], server_url, auth), {})
    assert seen.body == {"result": "tok-91c"}
    assert seen.request["headers"] == {TOKEN_HEADER: "******"} and "tok-91c" not in str(seen.request)
    anonymous = await mcp.call(ToolTarget(9, 4, tools["token_seen"], server_url), {})
    assert anonymous.body == {"result": ""}


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
    with pytest.raises(OutboundRefused):
        await mcp.list_tools(server_url)
    operation = ToolOperation("add", Method.POST, "", "", {"type": "object", "properties": {}})
    with pytest.raises(ToolCallFailed) as refused:
        await mcp.call(ToolTarget(9, 1, operation, server_url), {})
    assert "not allowed" in str(refused.value.params["detail"])


@pytest.mark.parametrize("path", ["mcp:{base}/mcp", "mcp+sse:{base}/sse"])
async def test_a_server_that_is_gone_cannot_be_used(path: str) -> None:
    with serving_mcp() as gone:
        port = int(gone.rsplit(":", 1)[1])
        guarded = GuardedHttpClient(AddressPolicy.from_settings(["127.0.0.1/32"], [port]))
        runner = McpToolRunner(guarded, AesGcmCipher(b"k" * 32), timeout_s=2.0)
        server_url = path.format(base=gone)
        first = (await runner.list_tools(server_url))[0]
    try:
        with pytest.raises(McpServerUnusable) as unusable:
            await runner.list_tools(server_url)
        assert "could not be used" in str(unusable.value.params["detail"])
        with pytest.raises(ToolCallFailed):
            await runner.call(ToolTarget(9, 1, first, server_url), {"a": 1, "b": 2})
    finally:
        await guarded.aclose()


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("mcp:{base}/nothing", "could not be used"),  # 404
        ("mcp:{base}/sse", "405 Method Not Allowed"),  # the SSE endpoint, spoken to as streamable HTTP
        ("mcp+sse:{base}/nothing", "404 Not Found"),
        ("mcp+sse:{base}/mcp", "did not answer within 0.3 s"),  # never sends an SSE endpoint event
    ],
)
async def test_a_server_that_refuses_or_never_answers_as_mcp_is_a_clear_error(
    base: str, path: str, expected: str
) -> None:
    port = int(base.rsplit(":", 1)[1])
    guarded = GuardedHttpClient(AddressPolicy.from_settings(["127.0.0.1/32"], [port]))
    runner = McpToolRunner(guarded, AesGcmCipher(b"k" * 32), timeout_s=0.3)
    try:
        with pytest.raises(McpServerUnusable) as unusable:
            await runner.list_tools(path.format(base=base))
        assert expected in str(unusable.value.params["detail"])
        assert "\n" not in str(unusable.value.params["detail"])
    finally:
        await guarded.aclose()
