"""Run streams and KV: in-process vs NATS JetStream, printed side by side.

    python -m tests.bench.bench_runstream [--events 10000] [--runs 10] [--kv-ops 2000]

NATS figures need COZEPLUS_TEST_NATS_URL (scripts/services.py exports it); without it only the
in-process adapters are measured. Figures only, no assertions.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

# Run from a checkout, this checkout's src must win over an editable install of another one.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from domain.common.kv import KeyValueStore
from domain.common.runstream import RunStreams
from infra.kv.inprocess import InProcessKeyValue
from infra.kv.nats import NatsKeyValue
from infra.nats.connection import NatsConnection
from infra.runstream.inprocess import InProcessRunStreams
from infra.runstream.nats import NatsRunStreams

NATS_ENV = "COZEPLUS_TEST_NATS_URL"
DELTA = {"role": "assistant", "type": "answer", "content": "一段流式输出 some streamed text"}


@dataclass
class Pair:
    """A writer and a reader: the same object in-process, two connections ("processes") on NATS."""

    writer: RunStreams
    reader: RunStreams


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def bench_append(pair: Pair, events: int) -> dict[str, float]:
    run = f"bench-{uuid.uuid4().hex[:10]}"
    started = time.perf_counter()
    for i in range(events):
        await pair.writer.append(run, "message.delta", {**DELTA, "i": i})
    await pair.writer.finish(run)
    append_s = time.perf_counter() - started

    started = time.perf_counter()
    count = 0
    async for _ in pair.reader.read(run, follow=False):
        count += 1
    replay_s = time.perf_counter() - started
    return {"append/s": events / append_s, "replay/s": count / replay_s}


async def bench_tail_latency(pair: Pair, events: int) -> dict[str, float]:
    """A follower tails the run while the writer appends; latency = append call -> event yielded."""
    run = f"bench-{uuid.uuid4().hex[:10]}"
    await pair.writer.append(run, "run.created", {})
    latencies: list[float] = []
    ready = asyncio.Event()

    async def follow() -> None:
        async for event in pair.reader.read(run):
            ready.set()
            sent = event.data.get("t")
            if isinstance(sent, float):
                latencies.append(time.perf_counter() - sent)

    reader = asyncio.create_task(follow())
    await ready.wait()
    started = time.perf_counter()
    for i in range(events):
        await pair.writer.append(run, "message.delta", {**DELTA, "i": i, "t": time.perf_counter()})
        # A streaming producer (an LLM, a workflow) yields to the loop between events; the
        # in-process append alone never does, which would starve the follower.
        await asyncio.sleep(0)
    await pair.writer.finish(run)
    await reader
    elapsed = time.perf_counter() - started
    return {
        "tail events/s": events / elapsed,
        "tail p50 ms": percentile(latencies, 0.50) * 1000,
        "tail p99 ms": percentile(latencies, 0.99) * 1000,
    }


async def bench_parallel_runs(pair: Pair, runs: int, events: int) -> dict[str, float]:
    per_run = max(1, events // runs)

    async def write(run: str) -> None:
        for i in range(per_run):
            await pair.writer.append(run, "message.delta", {**DELTA, "i": i})
        await pair.writer.finish(run)

    started = time.perf_counter()
    await asyncio.gather(*(write(f"bench-{uuid.uuid4().hex[:10]}") for _ in range(runs)))
    return {f"{runs} runs append/s": per_run * runs / (time.perf_counter() - started)}


async def bench_kv(kv: KeyValueStore, ops: int) -> dict[str, float]:
    prefix = f"bench.{uuid.uuid4().hex[:8]}"
    results: dict[str, float] = {}
    timings: list[float] = []

    async def timed(name: str, op: Callable[[int], Awaitable[object]]) -> None:
        timings.clear()
        started = time.perf_counter()
        for i in range(ops):
            t = time.perf_counter()
            await op(i)
            timings.append(time.perf_counter() - t)
        results[f"kv {name}/s"] = ops / (time.perf_counter() - started)
        results[f"kv {name} p50 ms"] = statistics.median(timings) * 1000

    await timed("put", lambda i: kv.put(f"{prefix}.k{i}", b"cancel", ttl=60))
    await timed("get", lambda i: kv.get(f"{prefix}.k{i}"))
    await timed("create", lambda i: kv.create(f"{prefix}.lock{i}", b"owner", ttl=60))
    await timed("incr", lambda _i: kv.increment(f"{prefix}.rate", ttl=60))
    return results


@asynccontextmanager
async def nats_adapters(url: str, events: int) -> AsyncIterator[tuple[Pair, KeyValueStore]]:
    tag = uuid.uuid4().hex[:8]
    writer_conn, reader_conn = NatsConnection(url), NatsConnection(url)
    await writer_conn.start()
    await reader_conn.start()
    stream, prefix = f"BENCH_RUNS_{tag}", f"bench.{tag}.runs"
    writer = NatsRunStreams(writer_conn, stream=stream, subject_prefix=prefix, max_events=events + 10)
    reader = NatsRunStreams(reader_conn, stream=stream, subject_prefix=prefix, max_events=events + 10)
    kv = NatsKeyValue(writer_conn, bucket=f"bench_{tag}")
    for resource in (writer, reader, kv):
        await resource.start()
    try:
        yield Pair(writer, reader), kv
    finally:
        js = writer_conn.jetstream()
        await js.delete_stream(stream)
        await js.delete_key_value(f"bench_{tag}")
        await reader_conn.stop()
        await writer_conn.stop()


async def measure(pair: Pair, kv: KeyValueStore, args: argparse.Namespace) -> dict[str, float]:
    figures: dict[str, float] = {}
    figures.update(await bench_append(pair, args.events))
    figures.update(await bench_tail_latency(pair, args.events))
    figures.update(await bench_parallel_runs(pair, args.runs, args.events))
    figures.update(await bench_kv(kv, args.kv_ops))
    return figures


async def main(args: argparse.Namespace) -> None:
    columns: dict[str, dict[str, float]] = {}
    streams = InProcessRunStreams(max_events=args.events + 10)
    columns["inprocess"] = await measure(Pair(streams, streams), InProcessKeyValue(), args)
    url = os.environ.get(NATS_ENV)
    if url:
        async with nats_adapters(url, args.events) as (pair, kv):
            columns["nats"] = await measure(pair, kv, args)
    else:
        print(f"({NATS_ENV} not set: NATS not measured)")

    print(f"run streams: {args.events} events of ~{len(str(DELTA))} bytes; KV: {args.kv_ops} ops each")
    names = list(columns)
    print(
        f"{'figure':<24}"
        + "".join(f"{n:>14}" for n in names)
        + ("   nats/inprocess" if len(names) > 1 else "")
    )
    for figure in columns["inprocess"]:
        values = [columns[n][figure] for n in names]
        ratio = f"{values[1] / values[0]:>17.3f}" if len(values) > 1 and values[0] else ""
        print(f"{figure:<24}" + "".join(f"{v:>14,.2f}" for v in values) + ratio)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--kv-ops", type=int, default=2_000)
    asyncio.run(main(parser.parse_args()))
