"""The chat benchmark's load client (tests/bench/sse_load.py) against the baseline app and against
servers that misbehave: its figures are only worth something if it counts failures as failures."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from litestar import Litestar, post
from litestar.response import Stream

from tests.bench.bench_chat import chat_body
from tests.bench.sse_baseline import event, sse_app
from tests.bench.sse_load import SseTarget, open_streams, run_turns


@asynccontextmanager
async def serving(app: Any) -> AsyncIterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, lifespan="on"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()  # start-up failed: show why
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/v3/chat"
    finally:
        server.should_exit = True
        await task
        sock.close()


def misbehaving(
    events: Callable[[], list[bytes]], status: int = 200, media: str = "text/event-stream"
) -> Litestar:
    @post("/v3/chat", status_code=status)
    async def chat() -> Stream:
        async def body() -> AsyncIterator[bytes]:
            for chunk in events():
                yield chunk

        return Stream(body(), media_type=media)

    return Litestar([chat])


async def test_baseline_turns_are_counted_with_their_tokens() -> None:
    async with serving(sse_app()) as url:
        target = SseTarget.at(url, chat_body("one two three four"))
        stats = await run_turns(target, 3, turns_per_client=5)
    assert (stats.turns, stats.error_count) == (15, 0)
    assert stats.deltas == 4 * 15
    assert 0 < stats.p(50) <= stats.p(99)


async def test_bodies_are_made_per_client_and_turn() -> None:
    seen: list[tuple[int, int]] = []

    def body(client: int, turn: int) -> bytes:
        seen.append((client, turn))
        return chat_body(f"client {client} turn {turn}")

    async with serving(sse_app()) as url:
        stats = await run_turns(SseTarget.at(url, body), 2, turns_per_client=2)
    assert stats.error_count == 0
    assert sorted(seen) == [(0, 0), (0, 1), (1, 0), (1, 1)]


async def test_failures_are_errors_not_turns() -> None:
    cases = {
        "failure event": misbehaving(
            lambda: [event("conversation.chat.failed", {}), event("done", "[DONE]")]
        ),
        "no done event": misbehaving(lambda: [event("conversation.message.delta", {"content": "x"})]),
        "status 500": misbehaving(lambda: [b"{}"], status=500, media="application/json"),
        "status 200": misbehaving(lambda: [b'{"code": 4000}'], media="application/json"),
    }
    for kind, app in cases.items():
        async with serving(app) as url:
            stats = await run_turns(SseTarget.at(url, chat_body("x")), 2, turns_per_client=3)
        assert stats.turns == 0, kind
        assert dict(stats.errors) == {kind: 6}


async def test_open_streams_measures_the_server_it_is_given() -> None:
    async with serving(sse_app()) as url:
        hold = SseTarget.at(url, chat_body("/slow " + "word " * 100))
        sizes = iter([100_000_000, 103_000_000, 101_000_000])
        memory = await open_streams(hold, 10, lambda: next(sizes), settle_s=0.05)
    assert (memory.streams, memory.per_stream_bytes) == (10, 300_000)
