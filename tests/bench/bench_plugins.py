"""What the plugin runtime adds to a tool call: `python -m tests.bench.bench_plugins`.

One loopback API (tests/support/plugin_upstream.py, uvicorn) answers a small JSON GET with a path,
a query and a header argument. Timed in one run, interleaved A/B/C round by round so drift hits all
three alike:
  direct    httpx.AsyncClient.get on the URL (the baseline: what any client pays)
  guarded   the guarded outbound client (infra/outbound): resolve, check, pin the address
  tool      HttpToolRunner.call: argument schema check, request building, guarded send, JSON decode
            and trim to the declared response schema
Knob: COZEPLUS_BENCH_PLUGIN_CALLS (default 2000 per kind)."""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from domain.common.outbound import OutboundRequest
from domain.plugin.invocation import ToolTarget
from infra.outbound.client import GuardedHttpClient
from infra.outbound.policy import AddressPolicy
from infra.plugin.http_tool import HttpToolRunner
from infra.plugin.openapi import OpenApiReader
from infra.security.cipher import AesGcmCipher
from tests.support.fake_llm import serving
from tests.support.plugin_upstream import PluginUpstream

DOCUMENT = """
openapi: 3.0.1
info: {title: Bench, version: '1'}
servers: [{url: "URL/v1"}]
paths:
  /forecast/{city}:
    get:
      operationId: forecast
      parameters:
        - {name: city, in: path, required: true, schema: {type: string}}
        - {name: days, in: query, schema: {type: integer, maximum: 7}}
        - {name: X-Unit, in: header, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {city: {type: string}, query: {type: array}, unit: {}}}
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(upstream: PluginUpstream, calls: int) -> None:
    port = int(upstream.url.rsplit(":", 1)[1])
    guarded = GuardedHttpClient(AddressPolicy.from_settings(["127.0.0.1/32"], [port]))
    runner = HttpToolRunner(guarded, AesGcmCipher(b"k" * 32))
    plugin = OpenApiReader().read(DOCUMENT.replace("URL", upstream.url))
    target = ToolTarget(1, 1, plugin.operations[0], plugin.server_url)
    url = f"{upstream.url}/v1/forecast/Lyon?days=3"
    arguments = {"city": "Lyon", "days": 3, "X-Unit": "c"}
    times: dict[str, list[float]] = {"direct": [], "guarded": [], "tool": []}
    async with httpx.AsyncClient() as direct:

        async def one_direct() -> None:
            (await direct.get(url, headers={"x-unit": "c", "accept": "application/json"})).json()

        async def one_guarded() -> None:
            await guarded.send(OutboundRequest(url, headers={"x-unit": "c", "accept": "application/json"}))

        async def one_tool() -> None:
            await runner.call(target, arguments)

        kinds = {"direct": one_direct, "guarded": one_guarded, "tool": one_tool}
        for work in kinds.values():  # warm connections and caches
            for _ in range(50):
                await work()
        for _ in range(calls):
            for name, work in kinds.items():
                started = time.perf_counter()
                await work()
                times[name].append((time.perf_counter() - started) * 1000)
    await guarded.aclose()
    base = statistics.median(times["direct"])
    print(f"{'kind':<8} {'p50 ms':>8} {'p95 ms':>8} {'added p50 ms':>13}   ({calls} calls each)")
    for name, values in times.items():
        p50 = statistics.median(values)
        print(f"{name:<8} {p50:>8.3f} {percentile(values, 0.95):>8.3f} {p50 - base:>13.3f}")


def main() -> None:
    calls = int(os.environ.get("COZEPLUS_BENCH_PLUGIN_CALLS", "2000"))
    with serving(PluginUpstream()) as upstream:  # type: ignore[arg-type]
        asyncio.run(run(upstream, calls))  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
