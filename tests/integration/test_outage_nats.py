"""NATS (run streams, KV, event bus) killed under a running app, then started again (issue 11).

A private nats-server per test, never the shared one. What must hold (docs/adr/0034):
- calls that need only the database keep working at once (the rate limiter fails open, visibly);
- a chat start answers 503 / 5032 with Retry-After within a second, not a 500 after seconds;
- revoking a token answers 200 and takes effect at once here, and in the other instance when the
  bus is back (its cache is kept 60 s, so only the event or the reconnect resync can explain it);
- after NATS returns: /readyz ok, new chats work, counting is shared again.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from bootstrap.http import build_asgi
from bootstrap.settings import Settings
from tests.support.chat_world import PAT, ChatUser, chat_user, parse_sse
from tests.support.databases import migrated_database
from tests.support.nats_server import PrivateNats

Client = AsyncTestClient  # type: ignore[type-arg]


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[str]:
    with migrated_database("sqlite", tmp_path) as url:
        yield url


@pytest.fixture
def nats(tmp_path: Path) -> Iterator[PrivateNats]:
    server = PrivateNats(tmp_path / "nats-store")
    server.start()
    yield server
    server.stop()


def outage_settings(tmp_path: Path, db_url: str, nats_url: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path / "data",
        database_url=db_url,
        access_log=False,
        nats_url=nats_url,
        token_auth_cache_ttl_s=60.0,  # only the event (or the resync) can end a cached token early
        eventbus_poll_interval_s=0.1,
    )


async def until(check: Any, what: str, within_s: float = 15.0) -> None:
    deadline = time.monotonic() + within_s
    while not await check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


async def ready(c: Client) -> bool:
    return (await c.get("/readyz")).status_code == 200


async def new_token(me: ChatUser) -> tuple[dict[str, str], str]:
    made = await me.client.post(
        f"{PAT}/create_personal_access_token_and_permission", json={"name": "t", "duration_day": "1"}
    )
    data = made.json()["data"]
    return {"authorization": f"Bearer {data['token']}"}, data["personal_access_token"]["id"]


def metric(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} not in /metrics")


@pytest.fixture
async def apps(
    tmp_path: Path, db_url: str, nats: PrivateNats
) -> AsyncIterator[tuple[Settings, Client, Client]]:
    s = outage_settings(tmp_path, db_url, nats.url)
    async with AsyncExitStack() as stack:
        first = await stack.enter_async_context(AsyncTestClient(app=build_asgi(s)))  # type: ignore[arg-type]
        # The embedded vector store locks its folder for one open store: the second instance (same
        # database, NATS and data directory otherwise) gets a folder of its own.
        other = s.model_copy(update={"vector_uri": f"flat:{tmp_path / 'vectors-second'}"})
        second = await stack.enter_async_context(AsyncTestClient(app=build_asgi(other)))  # type: ignore[arg-type]
        await until(lambda: ready(first), "the first instance to be ready")
        await until(lambda: ready(second), "the second instance to be ready")
        yield s, first, second


async def test_one_instance_serves_what_does_not_need_nats_and_recovers(
    apps: tuple[Settings, Client, Client], nats: PrivateNats
) -> None:
    s, c, _ = apps
    me = await chat_user(c, s)
    assert parse_sse((await c.post("/v3/chat", json=me.chat_body(stream=True), headers=me.bearer)).content)
    before = (await c.post("/v3/chat", json=me.chat_body(), headers=me.bearer)).json()["data"]
    ids = {"chat_id": before["id"], "conversation_id": before["conversation_id"]}

    async def finished() -> bool:
        r = await c.get("/v3/chat/retrieve", params=ids, headers=me.bearer)
        return bool(r.json()["data"]["status"] == "completed")

    await until(finished, "the non-streamed chat to complete")

    nats.stop()
    r = await c.get("/v1/users/me", headers=me.bearer)
    assert r.status_code == 200, r.text
    metrics = (await c.get("/metrics")).text
    assert metric(metrics, "cozeplus_ratelimit_local_mode") == 1
    assert metric(metrics, 'cozeplus_dependency_breaker_open{server="nats"}') == 1
    refused_before = metric(metrics, 'cozeplus_dependency_fast_failures_total{server="nats"}')
    assert refused_before >= 1  # refused without a round trip: no wait for a timeout

    r = await c.post("/v3/chat", json=me.chat_body(stream=True), headers=me.bearer)
    assert r.status_code == 503, r.text
    assert r.json()["code"] == 5032
    assert int(r.headers["retry-after"]) >= 1
    r = await c.post("/v3/chat", json=me.chat_body(), headers=me.bearer)  # non-streamed
    assert r.status_code == 503 and r.json()["code"] == 5032, r.text
    metrics = (await c.get("/metrics")).text
    assert metric(metrics, 'cozeplus_dependency_fast_failures_total{server="nats"}') > refused_before

    readiness = (await c.get("/readyz")).json()
    assert readiness["status"] == "degraded"
    assert not readiness["components"]["nats"]["ok"]
    assert readiness["components"]["database"]["ok"]

    # Database-only calls: a finished chat, its messages, the conversations.
    r = await c.get("/v3/chat/retrieve", params=ids, headers=me.bearer)
    assert (r.status_code, r.json()["data"]["status"]) == (200, "completed"), r.text
    r = await c.get("/v3/chat/message/list", params=ids, headers=me.bearer)
    assert r.status_code == 200 and r.json()["code"] == 0, r.text
    r = await c.get("/v1/conversations", params={"bot_id": me.bot}, headers=me.bearer)
    assert r.status_code == 200, r.text

    nats.start()
    await until(lambda: ready(c), "readiness after NATS is back")
    events = parse_sse((await c.post("/v3/chat", json=me.chat_body(stream=True), headers=me.bearer)).content)
    assert events[-1]["event"] == "done"
    assert (await c.get("/v1/users/me", headers=me.bearer)).status_code == 200
    assert metric((await c.get("/metrics")).text, "cozeplus_ratelimit_local_mode") == 0


async def test_a_token_revoked_during_the_outage_is_refused_everywhere(
    apps: tuple[Settings, Client, Client], nats: PrivateNats
) -> None:
    s, first, second = apps
    me = await chat_user(first, s)
    bearer, token_id = await new_token(me)
    assert (await second.get("/v1/users/me", headers=bearer)).status_code == 200  # cached there, 60 s

    nats.stop()
    r = await first.post(f"{PAT}/delete_personal_access_token_and_permission", json={"id": token_id})
    assert r.status_code == 200 and r.json()["code"] == 0, r.text
    assert (await first.get("/v1/users/me", headers=bearer)).status_code == 401  # at once, here
    listed = await first.get(f"{PAT}/list_personal_access_tokens", params={"size": 100})
    assert token_id not in {t["id"] for t in listed.json()["data"]["personal_access_tokens"]}

    nats.start()

    async def refused() -> bool:
        return (await second.get("/v1/users/me", headers=bearer)).status_code == 401

    await until(refused, "the other instance to refuse the revoked token")
    assert (await first.get("/v1/users/me", headers=me.bearer)).status_code == 200


async def test_a_frozen_server_times_out_once_then_calls_fail_fast(
    apps: tuple[Settings, Client, Client], nats: PrivateNats
) -> None:
    """SIGSTOP: the connection stays up but nothing answers, so only timeouts and the breaker help."""
    s, c, _ = apps
    me = await chat_user(c, s)
    assert nats.proc is not None
    nats.proc.send_signal(signal.SIGSTOP)
    try:
        for _ in range(3):
            r = await c.get("/v1/users/me", headers=me.bearer)
            assert r.status_code == 200, r.text  # the first after the call timeout, then at once
        r = await c.post("/v3/chat", json=me.chat_body(stream=True), headers=me.bearer)
        assert (r.status_code, r.json()["code"]) == (503, 5032), r.text
        metrics = (await c.get("/metrics")).text
        assert metric(metrics, 'cozeplus_dependency_failures_total{server="nats"}') >= 1
        assert metric(metrics, 'cozeplus_dependency_fast_failures_total{server="nats"}') >= 2
    finally:
        nats.proc.send_signal(signal.SIGCONT)

    async def chat_works() -> bool:
        r = await c.post("/v3/chat", json=me.chat_body(stream=True), headers=me.bearer)
        return r.headers["content-type"].startswith("text/event-stream")

    await until(chat_works, "chats after the server thaws")
    assert metric((await c.get("/metrics")).text, 'cozeplus_dependency_breaker_open{server="nats"}') == 0
