"""Chat streaming figures (issue 6): full streamed turns, next to a bare Litestar app streaming the same
events, measured in the same run.

    python -m tests.bench.bench_chat        (or `make bench`, which runs every benchmark)

Targets, one server process at a time, each served by uvicorn with `cozeplus serve`'s options
(httptools, uvloop, one worker) through http_server.py:
- bare: sse_baseline.py (bare Litestar, POST /v3/chat streaming the builtin-echo tokens of the query
  as Coze chat events, nothing else);
- embedded: cozeplus (`ours`: build_asgi, the whole middleware chain, access log on to a file) on
  SQLite in a temporary data dir with in-process run streams and KV; the account, tokens, agent and
  conversations are set up over HTTP (chat_cozeplus.py); every turn is POST
  /v3/chat?conversation_id=<the client's own> with stream true and auto_save_history, so it writes
  the question, the answer and the run, and relays the run stream;
- servers: the same on MariaDB (a throw-away database) + NATS JetStream (run streams, KV, event bus),
  when COZEPLUS_TEST_MYSQL_URL and COZEPLUS_TEST_NATS_URL are set (as `make bench` sets them).

Per target, in this order:
- server memory per open stream: K turns of a `/slow` query (one token per 200 ms, so they stay open
  for a minute) are opened and held after their first token; (server RSS with them - RSS before) / K;
- single-client latency p50/p99: one connection, turns back to back, time from request to `done`;
- turns per second, p50/p99 and errors at each concurrency (50 and 200 clients) for a fixed time;
- with each of the last two, the server process's CPU time per turn (all its threads, from /proc):
  the figure other work on a shared machine moves least.
The load client (sse_load.py) runs in this process on raw asyncio sockets (uvloop when installed); on a
2-core machine it competes with the server for CPU, which the figures include.

Knobs (environment): COZEPLUS_BENCH_CHAT_SECONDS (6), _WARMUP (2), _CLIENTS ("50,200"),
_LATENCY_TURNS (200), _STREAMS (200), _WORDS (12, tokens per answer), _SERVERS (auto|on|off).
Held cozeplus chats are canceled through /v3/chat/cancel before the next measurement (their runs
outlive the dropped connections).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from tests.bench.chat_cozeplus import (
    ChatWorld,
    cancel_held,
    chat_target,
    create_user,
    mysql_database,
    prepare,
)
from tests.bench.http_harness import Server, environment_lines, migrate
from tests.bench.sse_load import MemoryStats, SseTarget, TurnStats, open_streams, run, run_turns

SENTENCE = "cozeplus streams each word of this answer to the client as one message delta event"
HOLD_WORDS = 300  # x 200 ms: a minute of an open stream, far longer than the measurement
WARM_CLIENTS = 4
MYSQL_ENV, NATS_ENV = "COZEPLUS_TEST_MYSQL_URL", "COZEPLUS_TEST_NATS_URL"


@dataclass(frozen=True, slots=True)
class Knobs:
    seconds: float
    warmup: float
    clients: tuple[int, ...]
    latency_turns: int
    streams: int
    words: int
    servers: str  # "auto" (when MariaDB and NATS are configured), "on" or "off"

    @classmethod
    def from_env(cls, prefix: str = "COZEPLUS_BENCH_CHAT_") -> Knobs:
        def env(name: str, default: str) -> str:
            return os.environ.get(prefix + name, default)

        return cls(
            seconds=float(env("SECONDS", "6")),
            warmup=float(env("WARMUP", "2")),
            clients=tuple(int(c) for c in env("CLIENTS", "50,200").split(",") if c.strip()),
            latency_turns=int(env("LATENCY_TURNS", "200")),
            streams=int(env("STREAMS", "200")),
            words=int(env("WORDS", "12")),
            servers=env("SERVERS", "auto"),
        )


def real_servers(knobs: Knobs) -> tuple[str, str] | None:
    """(MariaDB URL, NATS URL) for the second cozeplus configuration, or None to skip it."""
    mysql, nats = os.environ.get(MYSQL_ENV), os.environ.get(NATS_ENV)
    if knobs.servers == "off" or (knobs.servers == "auto" and not (mysql and nats)):
        return None
    if not (mysql and nats):
        raise SystemExit(f"COZEPLUS_BENCH_CHAT_SERVERS=on needs {MYSQL_ENV} and {NATS_ENV}")
    return mysql, nats


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
    cpu: Callable[[], float | None]  # the server process's CPU seconds so far (all its threads)
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
    cpu_ms: list[float | None]  # server CPU per turn: single client, then each load


def cpu_per_turn(target: ChatTarget, stats_of: Callable[[], TurnStats]) -> tuple[TurnStats, float | None]:
    before = target.cpu()
    stats = stats_of()
    after = target.cpu()
    if before is None or after is None or not stats.turns:
        return stats, None
    return stats, (after - before) / stats.turns * 1000


def baseline_target(server: Server, knobs: Knobs) -> ChatTarget:
    url = f"http://127.0.0.1:{server.port}/v3/chat"
    return ChatTarget(
        name="bare",
        turn=SseTarget.at(url, chat_body(query(knobs.words))),
        hold=SseTarget.at(url, chat_body("/slow " + query(HOLD_WORDS))),
        rss=server.rss_bytes,
        cpu=server.cpu_seconds,
    )


def measure(target: ChatTarget, knobs: Knobs) -> ChatFigures:
    warm = run(run_turns(target.turn, WARM_CLIENTS, seconds=knobs.warmup))
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
    latency, latency_cpu = cpu_per_turn(
        target, lambda: run(run_turns(target.turn, 1, turns_per_client=knobs.latency_turns))
    )
    if latency.error_count or latency.deltas != knobs.words * latency.turns:
        # Every answer must be the query's words, one delta each, or the comparison means nothing.
        raise RuntimeError(
            f"{target.name}: {latency.deltas} deltas in {latency.turns} turns (expected {knobs.words} each),"
            f" errors {dict(latency.errors)}"
        )
    print(
        f"  {target.name}: single client p50 {latency.p(50):.2f} ms p99 {latency.p(99):.2f} ms,"
        f" server CPU {_ms(latency_cpu)} ms/turn",
        flush=True,
    )
    loads: list[TurnStats] = []
    cpu_ms = [latency_cpu]
    for clients in knobs.clients:
        load, load_cpu = cpu_per_turn(target, partial(_load, target, clients, knobs.seconds))
        print(
            f"  {target.name}: {clients} clients {load.turns_per_s:.0f} turns/s,"
            f" p50 {load.p(50):.1f} ms p99 {load.p(99):.1f} ms, errors {dict(load.errors) or 0},"
            f" server CPU {_ms(load_cpu)} ms/turn",
            flush=True,
        )
        loads.append(load)
        cpu_ms.append(load_cpu)
    return ChatFigures(target.name, memory, latency, loads, cpu_ms)


def _load(target: ChatTarget, clients: int, seconds: float) -> TurnStats:
    return run(run_turns(target.turn, clients, seconds=seconds))


def _ms(value: float | None) -> str:
    return "?" if value is None else f"{value:.2f}"


def table(figures: Sequence[ChatFigures], knobs: Knobs) -> list[str]:
    lines = [
        f"{'target':<8} {'1 client p50/p99 ms':>20} "
        + " ".join(f"{f'{c} clients turns/s (p50/p99 ms, errors)':>38}" for c in knobs.clients)
        + f" {'KiB per open stream':>20} {'server CPU ms/turn':>20}",
        "-" * (30 + 39 * len(knobs.clients) + 42),
    ]
    for f in figures:
        loads = " ".join(
            f"{f'{load.turns_per_s:.0f} ({load.p(50):.1f}/{load.p(99):.1f}, {load.error_count})':>38}"
            for load in f.loads
        )
        lines.append(
            f"{f.name:<8} {f'{f.latency.p(50):.2f}/{f.latency.p(99):.2f}':>20} {loads}"
            f" {f.memory.per_stream_bytes / 1024:>20.1f} {' / '.join(_ms(c) for c in f.cpu_ms):>20}"
        )
    return lines


def cozeplus_target(server: Server, world: ChatWorld, knobs: Knobs, name: str) -> ChatTarget:
    body = chat_body(query(knobs.words), bot_id=world.bot_id)
    hold = chat_body("/slow " + query(HOLD_WORDS), bot_id=world.bot_id)
    return ChatTarget(
        name=name,
        turn=chat_target(world, world.conversations, body),
        hold=chat_target(world, world.held, hold),
        rss=server.rss_bytes,
        cpu=server.cpu_seconds,
        release=lambda: print(f"  {name}: canceled {cancel_held(world)} held chats", flush=True),
    )


def measure_cozeplus(
    name: str, root: Path, tmp: Path, knobs: Knobs, database_url: str, env: dict[str, str]
) -> ChatFigures:
    """`cozeplus serve` (build_asgi under the same uvicorn options) on a freshly migrated database."""
    data_dir = tmp / name
    data_dir.mkdir()
    url = database_url or f"sqlite+aiosqlite:///{data_dir / 'cozeplus.db'}"
    logging.getLogger("asyncmy").setLevel(logging.ERROR)  # MariaDB's notes on named primary keys
    migrate(url)
    account = create_user(data_dir, url)
    with Server("ours", root, data_dir, url, tmp / f"{name}-stdout.log", env=env) as server:
        world = prepare(server, account, max((*knobs.clients, WARM_CLIENTS, 1)), knobs.streams)
        try:
            return measure(cozeplus_target(server, world, knobs, name), knobs)
        except Exception:
            log = server.stdout_path.read_text(errors="replace").splitlines()
            failures = [line for line in log if '"level": "error"' in line or '"status": 5' in line]
            print(f"  {name}: server errors (last 5 of {len(failures)}):", *failures[-5:], sep="\n    ")
            print(f"  {name}: server stderr:\n{server.stderr_path.read_text(errors='replace')[-3000:]}")
            raise


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
    servers = real_servers(knobs)
    print(
        "cozeplus: build_asgi under `cozeplus serve`'s uvicorn options, access log on (to a file);"
        " 'embedded' = SQLite + in-process run streams/KV"
        + ("; 'servers' = MariaDB + NATS JetStream" if servers else " (MariaDB + NATS: not configured)")
    )
    figures = []
    with tempfile.TemporaryDirectory(prefix="cozeplus-bench-chat-") as tmp_name:
        tmp = Path(tmp_name)
        with Server("sse", root, tmp, "sqlite+aiosqlite://", tmp / "sse-stdout.log") as bare:
            figures.append(measure(baseline_target(bare, knobs), knobs))
        figures.append(measure_cozeplus("embedded", root, tmp, knobs, "", {}))
        if servers is not None:
            mysql, nats = servers
            with mysql_database(mysql) as url:
                env = {"COZEPLUS_NATS_URL": nats}
                figures.append(measure_cozeplus("servers", root, tmp, knobs, url, env))
    for line in table(figures, knobs):
        print(line)
    failed = [f.name for f in figures if any(load.error_count for load in f.loads)]
    if failed:
        print(f"errors under load: {', '.join(failed)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
