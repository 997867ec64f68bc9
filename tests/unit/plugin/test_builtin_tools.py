"""The built-in tools: time zones, a calculator that evaluates arithmetic and nothing else, and a
page fetch through the guarded client (a loopback page this test serves; other addresses are
judged by the guard alone)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from domain.plugin.builtin import BUILTIN_SERVER, CALCULATE, CURRENT_TIME, FETCH_URL
from domain.plugin.invocation import ToolArgumentsInvalid, ToolCallFailed, ToolTarget
from domain.plugin.tools import ToolOperation
from infra.outbound.client import GuardedHttpClient
from infra.outbound.policy import AddressPolicy
from infra.plugin.builtin_tools import BuiltinToolRunner, calculate, current_time
from infra.plugin.http_tool import HttpToolRunner
from infra.plugin.mcp_tools import McpToolRunner
from infra.plugin.runner import PluginToolRunner
from infra.security.cipher import AesGcmCipher
from tests.support.fake_llm import Receive, ScriptedServer, Send, serving

PAGE = b"""<html><head><title>t</title><style>p{}</style></head><body><h1>Opening hours</h1>
<p>Monday   to Friday, 9:00-17:00.</p><script>alert(1)</script><p>Closed on Sundays.</p></body></html>"""


class Pages(ScriptedServer):
    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        kind = b"text/html; charset=utf-8" if scope["path"] == "/page" else b"application/octet-stream"
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", kind)]})
        await send({"type": "http.response.body", "body": PAGE})


@pytest.fixture(scope="module")
def pages() -> Iterator[ScriptedServer]:
    with serving(Pages()) as server:
        yield server


@pytest.fixture
async def tools(pages: ScriptedServer) -> AsyncIterator[PluginToolRunner]:
    port = int(pages.url.rsplit(":", 1)[1])
    client = GuardedHttpClient(AddressPolicy.from_settings(["127.0.0.1/32"], [80, 443, port]))
    http = HttpToolRunner(client, AesGcmCipher(b"k" * 32))
    yield PluginToolRunner(http, BuiltinToolRunner(client), McpToolRunner(client, AesGcmCipher(b"k" * 32)))
    await client.aclose()


def builtin(operation: ToolOperation) -> ToolTarget:
    return ToolTarget(0, 0, operation, BUILTIN_SERVER)


@pytest.mark.parametrize(
    ("expression", "result"),
    [
        ("(3 + 4) * 2", 14),
        ("2 ** 10", 1024),
        ("round(sqrt(2), 3)", 1.414),
        ("7 // 2 + 7 % 2", 4),
        ("-pi < 0", None),
    ],
)
def test_the_calculator_computes_arithmetic(expression: str, result: object) -> None:
    if result is None:
        with pytest.raises(ToolArgumentsInvalid):  # comparisons are not arithmetic
            calculate(expression)
    else:
        assert calculate(expression) == result


@pytest.mark.parametrize(
    ("expression", "says"),
    [
        ("__import__('os').system('id')", "not allowed"),
        ("().__class__.__bases__", "not allowed"),
        ("x + 1", "not allowed"),
        ("open('/etc/passwd')", "not allowed"),
        ("sqrt(x=4)", "not allowed"),
        ("9 ** 9 ** 9", "powers are limited"),
        ("10 ** 5000", "more than 1000 digits"),
        ("1 / 0", "division by zero"),
        ("sqrt(-1)", "cannot be computed"),
        ("(-8) ** 0.5", "not a real number"),
        ("lambda: 1", "not allowed"),
        ("1 +", "not arithmetic"),
        ("True + 1", "not allowed"),
    ],
)
def test_the_calculator_refuses_anything_else(expression: str, says: str) -> None:
    with pytest.raises(ToolArgumentsInvalid) as refused:
        calculate(expression)
    assert says in str(refused.value.params["detail"])


def test_the_time_is_told_in_the_zone_asked_for() -> None:
    noon = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)
    assert current_time("Asia/Shanghai", noon) == {
        "timezone": "Asia/Shanghai",
        "datetime": "2026-12-07T20:00:00+08:00",
        "weekday": "Monday",
        "utc_offset": "+0800",
    }
    assert current_time(None, noon)["datetime"] == "2026-12-07T12:00:00+00:00"
    with pytest.raises(ToolArgumentsInvalid):
        current_time("Mars/Olympus_Mons", noon)
    with pytest.raises(ToolArgumentsInvalid):
        current_time("../../etc/passwd", noon)


async def test_builtin_tools_run_through_the_plugin_runner(
    tools: PluginToolRunner, pages: ScriptedServer
) -> None:
    answer = await tools.call(builtin(CALCULATE), {"expression": "6 * 7"})
    assert answer.body == {"expression": "6 * 7", "result": 42} and answer.status == 200
    assert (await tools.call(builtin(CURRENT_TIME), {"timezone": "Europe/Paris"})).body[
        "timezone"
    ] == "Europe/Paris"
    page = await tools.call(builtin(FETCH_URL), {"url": f"{pages.url}/page"})
    assert page.body["text"] == "Opening hours\nMonday to Friday, 9:00-17:00.\nClosed on Sundays."
    short = await tools.call(builtin(FETCH_URL), {"url": f"{pages.url}/page", "max_chars": 100})
    assert len(short.body["text"]) <= 100
    with pytest.raises(ToolCallFailed):
        await tools.call(builtin(FETCH_URL), {"url": f"{pages.url}/binary"})
    with pytest.raises(ToolArgumentsInvalid):
        await tools.call(builtin(CALCULATE), {"expression": "1", "extra": True})


@pytest.mark.parametrize(
    "url", ["http://169.254.169.254/latest/meta-data", "http://10.1.2.3/", "file:///etc/passwd"]
)
async def test_fetching_a_denied_address_is_refused_by_the_guard(tools: PluginToolRunner, url: str) -> None:
    with pytest.raises(ToolCallFailed) as refused:
        await tools.call(builtin(FETCH_URL), {"url": url})
    assert "not allowed" in str(refused.value.params["detail"])
