"""Chat streaming figures (issue 6): full streamed turns, next to a bare Litestar app streaming the same
events, measured in the same run.

    python -m tests.bench.bench_chat        (or `make bench`, which runs every benchmark)

Targets: today the baseline only -- sse_baseline.py (bare Litestar, POST /v3/chat streaming the
builtin-echo tokens of the query as Coze chat events), served by uvicorn in its own process through
http_server.py (`sse`), with the same uvicorn options as `cozeplus serve`. cozeplus's /v3/chat joins
as a second `ChatTarget` (its bot, token and a conversation per client go into the turn factory).

Per target, in this order:
- server memory per open stream: K turns of a `/slow` query (one token per 200 ms, so they stay open
  for a minute) are opened and held after their first token; (server RSS with them - RSS before) / K;
- single-client latency p50/p99: one connection, turns back to back, time from request to `done`;
- turns per second, p50/p99 and errors at each concurrency (50 and 200 clients) for a fixed time.
The load client (sse_load.py) runs in this process on raw asyncio sockets (uvloop when installed); on a
2-core machine it competes with the server for CPU, which the figures include.

Knobs (environment): COZEPLUS_BENCH_CHAT_SECONDS (10), _WARMUP (2), _CLIENTS ("50,200"),
_LATENCY_TURNS (300), _STREAMS (200), _WORDS (12, tokens per answer).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.bench.http_harness import Server, environment_lines
from tests.bench.sse_load import MemoryStats, SseTarget, TurnStats, open_streams, run, run_turns

SENTENCE = "cozeplus streams each word of this answer to the client as one message delta event"
HOLD_WORDS = 300  # x 200 ms: a minute of an open stream, far longer than the measurement


@dataclass(frozen=True, slots=True)
class Knobs:
    seconds: float
    warmup: float
    clients: tuple[int, ...]
    latency_turns: int
    streams: int
    words: int

    @classmethod
    def from_env(cls, prefix: str = "COZEPLUS_BENCH_CHAT_") -> Knobs:
        def env(name: str, default: str) -> str:
            return os.environ.get(prefix + name, default)

        return cls(
            seconds=float(env("SECONDS", "10")),
            warmup=float(env("WARMUP", "2")),
            clients=tuple(int(c) for c in env("CLIENTS", "50,200").split(",") if c.strip()),
            latency_turns=int(env("LATENCY_TURNS", "300")),
            streams=int(env("STREAMS", "200")),
            words=int(env("WORDS", "12")),
        )


def query(words: int) -> str:
    vocabulary = SENTENCE.split()
    return " ".join(vocabulary[i % len(vocabulary)] for i in range(words))


def chat_body(text: str, **extra: object) -> bytes:
    """A /v3/chat body as cozepy sends it for `chat.stream` (bot_id etc. ignored by the baseline)."""
    message = {"role": "user", "content": text, "content_type": "text"}
    body = {"bot_id": "0", "user_id": "bench", "stream": True, "auto_save_history": True}
    return json.dumps({**body, **extra, "additional_messages": [message]}).encode()


@dataclass(frozen=True, slots=True)
class ChatTarget:
    """What one column of the report measures: a turn, a held (slow) turn, and the server's RSS."""

    name: str
    turn: SseTarget
    hold: SseTarget
    rss: Callable[[], int | None]
    # Called once the held streams are dropped. A server whose runs outlive their connection
    # (cozeplus's runs are detached from the request) must cancel them here, or they go on streaming
    # into the measurements that follow.
    release: Callable[[], None] | None = None


@dataclass
class ChatFigures:
    name: str
    memory: MemoryStats
    latency: TurnStats
    loads: list[TurnStats]


def baseline_target(server: Server, knobs: Knobs) -> ChatTarget:
    url = f"http://127.0.0.1:{server.port}/v3/chat"
    return ChatTarget(
        name="bare",
        turn=SseTarget.at(url, chat_body(query(knobs.words))),
        hold=SseTarget.at(url, chat_body("/slow " + query(HOLD_WORDS))),
        rss=server.rss_bytes,
    )


def measure(target: ChatTarget, knobs: Knobs) -> ChatFigures:
    warm = run(run_turns(target.turn, 4, seconds=knobs.warmup))
    print(f"  {target.name}: warm-up {warm.turns} turns, {warm.error_count} errors", flush=True)
    memory = run(open_streams(target.hold, knobs.streams, target.rss))
    if target.release is not None:
        target.release()
    mib = [m / 2**20 for m in (memory.before_bytes, memory.open_bytes, memory.after_bytes)]
    print(
        f"  {target.name}: {memory.streams} open streams, {memory.per_stream_bytes / 1024:.1f} KiB each"
        f" (server RSS {mib[0]:.1f} -> {mib[1]:.1f} MiB, {mib[2]:.1f} MiB once closed)",
        flush=True,
    )
    latency = run(run_turns(target.turn, 1, turns_per_client=knobs.latency_turns))
    if latency.error_count or latency.deltas != knobs.words * latency.turns:
        # Every answer must be the query's words, one delta each, or the comparison means nothing.
        raise RuntimeError(
            f"{target.name}: {latency.deltas} deltas in {latency.turns} turns (expected {knobs.words} each),"
            f" errors {dict(latency.errors)}"
        )
    print(f"  {target.name}: single client p50 {latency.p(50):.2f} ms p99 {latency.p(99):.2f} ms", flush=True)
    loads = []
    for clients in knobs.clients:
        load = run(run_turns(target.turn, clients, seconds=knobs.seconds))
        print(
            f"  {target.name}: {clients} clients {load.turns_per_s:.0f} turns/s,"
            f" p50 {load.p(50):.1f} ms p99 {load.p(99):.1f} ms, errors {dict(load.errors) or 0}",
            flush=True,
        )
        loads.append(load)
    return ChatFigures(target.name, memory, latency, loads)


def table(figures: Sequence[ChatFigures], knobs: Knobs) -> list[str]:
    lines = [
        f"{'target':<8} {'1 client p50/p99 ms':>20} "
        + " ".join(f"{f'{c} clients turns/s (p50/p99 ms, errors)':>38}" for c in knobs.clients)
        + f" {'KiB per open stream':>20}",
        "-" * (30 + 39 * len(knobs.clients) + 21),
    ]
    for f in figures:
        loads = " ".join(
            f"{f'{load.turns_per_s:.0f} ({load.p(50):.1f}/{load.p(99):.1f}, {load.error_count})':>38}"
            for load in f.loads
        )
        lines.append(
            f"{f.name:<8} {f'{f.latency.p(50):.2f}/{f.latency.p(99):.2f}':>20} {loads}"
            f" {f.memory.per_stream_bytes / 1024:>20.1f}"
        )
    return lines


def main() -> int:
    knobs = Knobs.from_env()
    root = Path(__file__).resolve().parents[2]
    for line in environment_lines("python", max(knobs.clients, default=1), knobs.seconds, 1, ())[:3]:
        print(line)
    print(
        f"turn: {knobs.words} tokens of builtin-echo per answer ({knobs.words + 5} events);"
        f" {knobs.latency_turns} single-client turns; {knobs.seconds:g} s per concurrency;"
        f" {knobs.streams} held streams for memory"
    )
    figures = []
    with (
        tempfile.TemporaryDirectory(prefix="cozeplus-bench-chat-") as tmp,
        Server("sse", root, Path(tmp), "sqlite+aiosqlite://", Path(tmp) / "sse-stdout.log") as bare,
    ):
        figures.append(measure(baseline_target(bare, knobs), knobs))
    for line in table(figures, knobs):
        print(line)
    failed = [f.name for f in figures if any(load.error_count for load in f.loads)]
    if failed:
        print(f"errors under load: {', '.join(failed)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
