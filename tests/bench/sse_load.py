"""Load client for chat event streams: full turns over HTTP/1.1 keep-alive connections on raw asyncio
sockets (the cheapest client Python has; uvloop when installed), against any target.

A target is an address plus a turn factory, `(client number, turn number) -> Turn(path, body)`, and
headers, so the same client drives the bare baseline (sse_baseline.py) and cozeplus's /v3/chat (a
bearer token in the headers, a conversation per client in the path or body). A turn is one POST
whose response must be `200 text/event-stream` and carry the `done` event; it fails on another
status, an `error` or `conversation.chat.failed` event, a body that ends without `done`, a broken
connection or a timeout. Latency is the time from writing the request to reading `done`.

    run_turns(target, clients, seconds=...)   turns/s, latency percentiles, errors by kind
    open_streams(hold_target, k, rss)         server memory per open stream (RSS delta / k)
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

from tests.bench.http_load import percentile

T = TypeVar("T")
DONE = b"done"
FAILURES = frozenset({b"error", b"conversation.chat.failed"})
DELTA = b"conversation.message.delta"


@dataclass(frozen=True, slots=True)
class Turn:
    path: str  # with the query string, if any
    body: bytes


TurnFactory = Callable[[int, int], Turn]


@dataclass(frozen=True, slots=True)
class SseTarget:
    host: str
    port: int
    turn: TurnFactory
    headers: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def at(
        cls, url: str, body: bytes | Callable[[int, int], bytes], headers: Mapping[str, str] | None = None
    ) -> SseTarget:
        """A target POSTing to one URL; `body` is fixed or made per (client, turn)."""
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        make = body if callable(body) else (lambda _client, _turn: body)
        return cls(
            parts.hostname or "127.0.0.1",
            parts.port or 80,
            lambda c, n: Turn(path, make(c, n)),
            headers or {},
        )

    def request(self, client: int, number: int) -> bytes:
        turn = self.turn(client, number)
        lines = [
            f"POST {turn.path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            "Content-Type: application/json",
            "Accept: text/event-stream",
            f"Content-Length: {len(turn.body)}",
            *(f"{name}: {value}" for name, value in self.headers.items()),
        ]
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + turn.body


@dataclass
class TurnStats:
    clients: int
    duration_s: float = 0.0
    latencies: list[float] = field(default_factory=list)  # seconds, of successful turns
    errors: Counter[str] = field(default_factory=Counter)
    deltas: int = 0  # conversation.message.delta events seen in successful turns

    @property
    def turns(self) -> int:
        return len(self.latencies)

    @property
    def turns_per_s(self) -> float:
        return self.turns / self.duration_s if self.duration_s else 0.0

    def p(self, percent: float) -> float:
        """Latency percentile in milliseconds."""
        return percentile(sorted(self.latencies), percent) * 1000

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


@dataclass(frozen=True, slots=True)
class MemoryStats:
    streams: int  # opened and held
    before_bytes: int
    open_bytes: int
    after_bytes: int  # once they were closed again

    @property
    def per_stream_bytes(self) -> float:
        return (self.open_bytes - self.before_bytes) / self.streams if self.streams else float("nan")


class TurnFailed(Exception):
    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class _Events:
    """Splits an event stream into events and notes what matters: `done`, failures, deltas."""

    def __init__(self) -> None:
        self._buffer = b""
        self.done_at: float | None = None
        self.failed = False
        self.deltas = 0

    def feed(self, data: bytes) -> None:
        self._buffer += data.replace(b"\r\n", b"\n")
        *events, self._buffer = self._buffer.split(b"\n\n")
        for block in events:
            for line in block.split(b"\n"):
                if line.startswith(b"event:"):
                    self._saw(line[6:].strip())
                    break

    def _saw(self, name: bytes) -> None:
        if name == DELTA:
            self.deltas += 1
        elif name == DONE:
            self.done_at = time.perf_counter()
        elif name in FAILURES:
            self.failed = True


async def _head(reader: asyncio.StreamReader) -> tuple[int, dict[bytes, bytes]]:
    raw = await reader.readuntil(b"\r\n\r\n")
    lines = raw.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name:
            headers[name.strip().lower()] = value.strip().lower()
    return status, headers


async def _body(reader: asyncio.StreamReader, headers: dict[bytes, bytes], sink: _Events | None) -> bool:
    """Read the whole body, handing it to `sink`; True when the connection may be reused."""
    if b"chunked" in headers.get(b"transfer-encoding", b""):
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0], 16)
            if size == 0:
                while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers, then the blank line
                    pass
                break
            data = await reader.readexactly(size + 2)
            if sink is not None:
                sink.feed(data[:-2])
    elif b"content-length" in headers:
        data = await reader.readexactly(int(headers[b"content-length"]))
        if sink is not None:
            sink.feed(data)
    else:
        data = await reader.read()
        if sink is not None:
            sink.feed(data)
        return False
    return headers.get(b"connection") != b"close"


class _Connection:
    def __init__(self, target: SseTarget) -> None:
        self.target = target
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def turn(self, request: bytes) -> tuple[float, int]:
        """(latency in seconds, delta events) of one turn; TurnFailed or an I/O error otherwise."""
        if self.writer is None:
            try:
                self.reader, self.writer = await asyncio.open_connection(self.target.host, self.target.port)
            except OSError:
                raise TurnFailed("connect") from None
        assert self.reader is not None and self.writer is not None
        started = time.perf_counter()
        self.writer.write(request)
        status, headers = await _head(self.reader)
        streaming = status == 200 and b"text/event-stream" in headers.get(b"content-type", b"")
        events = _Events() if streaming else None
        if not await _body(self.reader, headers, events):
            self.close()
        if events is None:
            raise TurnFailed(f"status {status}")
        if events.failed:
            raise TurnFailed("failure event")
        if events.done_at is None:
            raise TurnFailed("no done event")
        return events.done_at - started, events.deltas

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def run_turns(
    target: SseTarget,
    clients: int,
    *,
    seconds: float | None = None,
    turns_per_client: int | None = None,
    timeout_s: float = 30.0,
) -> TurnStats:
    """`clients` connections, each running turns back to back until `seconds` have passed (turns in
    flight then still finish) or it has run `turns_per_client`."""
    if seconds is None and turns_per_client is None:
        raise ValueError("give seconds or turns_per_client")
    stats = TurnStats(clients)
    deadline = time.perf_counter() + seconds if seconds is not None else float("inf")

    async def client(number: int) -> None:
        connection = _Connection(target)
        done = 0
        while time.perf_counter() < deadline and (turns_per_client is None or done < turns_per_client):
            try:
                latency, deltas = await asyncio.wait_for(
                    connection.turn(target.request(number, done)), timeout_s
                )
            except TurnFailed as failed:
                stats.errors[failed.kind] += 1
                if failed.kind == "connect":
                    await asyncio.sleep(0.05)
            except TimeoutError:
                stats.errors["timeout"] += 1
                connection.close()
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
                stats.errors["read"] += 1
                connection.close()
            else:
                stats.latencies.append(latency)
                stats.deltas += deltas
            done += 1
        connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    stats.duration_s = time.perf_counter() - started
    return stats


async def open_streams(
    hold: SseTarget,
    streams: int,
    rss: Callable[[], int | None],
    *,
    settle_s: float = 1.0,
    timeout_s: float = 30.0,
) -> MemoryStats:
    """Open `streams` turns of `hold` (a turn slow enough to outlast the measurement), wait until each
    has delivered its first token, measure the server's RSS, then drop them all."""
    connections: list[asyncio.StreamWriter] = []

    async def open_one(number: int) -> None:
        reader, writer = await asyncio.open_connection(hold.host, hold.port)
        connections.append(writer)
        writer.write(hold.request(number, 0))
        status, headers = await _head(reader)
        if status != 200 or b"text/event-stream" not in headers.get(b"content-type", b""):
            raise TurnFailed(f"status {status}")
        events = _Events()
        while events.deltas == 0:  # the server is now mid-turn: its side of the stream is open
            if events.failed or events.done_at is not None:
                raise TurnFailed("the held turn ended early; make it slower")
            size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0], 16)
            events.feed((await reader.readexactly(size + 2))[:-2])

    def measure() -> int:
        value = rss()
        if value is None:
            raise RuntimeError("the server's RSS cannot be read (no /proc)")
        return value

    await asyncio.sleep(settle_s)
    before = measure()
    try:
        await asyncio.wait_for(asyncio.gather(*(open_one(n) for n in range(streams))), timeout_s)
        await asyncio.sleep(settle_s)
        during = measure()
    finally:
        for writer in connections:
            writer.transport.abort()
    await asyncio.sleep(settle_s)
    return MemoryStats(streams, before, during, measure())


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on uvloop when installed (less client overhead), else asyncio."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)
