"""The database killed under load and started again; S3, Milvus and Elasticsearch down (issue 11).

A private mariadbd per test (killed with SIGKILL, restarted on the same port and data), never the
shared one. Requests in flight when it dies end cleanly (200 before, 503 / 5031 after, never a
500), nothing is left hanging, and both instances serve again once it is back. With S3, Milvus and
Elasticsearch unreachable, /readyz is degraded, an upload answers 503 / 5035 and the rest works.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient

from bootstrap.http import build_asgi
from bootstrap.settings import Settings
from infra.persistence import migrate
from tests.support.chat_world import chat_user
from tests.support.databases import migrated_database, migrations_dir
from tests.support.mariadb_server import PrivateMariaDb
from tests.support.nats_server import free_port

Client = AsyncTestClient  # type: ignore[type-arg]
ME = "/v1/users/me"


@pytest.fixture
def mariadb(tmp_path: Path) -> Iterator[PrivateMariaDb]:
    server = PrivateMariaDb(tmp_path / "mariadb")
    server.start()
    migrate.upgrade(migrations_dir(), server.url)
    yield server
    server.stop()


def db_settings(tmp_path: Path, url: str, **extra: Any) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path / "data",
        database_url=url,
        access_log=False,
        token_auth_cache_ttl_s=0,  # every call authenticates against the database
        db_pool_size=4,
        **extra,
    )


async def hammer(client: Client, bearer: dict[str, str], seconds: float, workers: int = 8) -> Counter[Any]:
    """`workers` callers in a loop on the app's own event loop; counts (status, code) pairs."""
    seen: Counter[Any] = Counter()
    transport = httpx.ASGITransport(app=client.app)  # type: ignore[arg-type]

    async def one(inner: httpx.AsyncClient) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            r = await inner.get(ME, headers=bearer)
            seen[(r.status_code, r.json().get("code"))] += 1

    async with httpx.AsyncClient(transport=transport, base_url="http://test") as inner:
        await asyncio.gather(*(one(inner) for _ in range(workers)))
    return seen


def fault_in(client: Client, work: Any) -> Any:
    with client.portal() as portal:
        return portal.call(work)


async def until_status(c: Client, bearer: dict[str, str], status: int, within_s: float = 30.0) -> None:
    deadline = time.monotonic() + within_s
    while (r := await c.get(ME, headers=bearer)).status_code != status:
        assert time.monotonic() < deadline, f"still {r.status_code}: {r.text}"
        await asyncio.sleep(0.1)


async def test_database_killed_under_load_fails_cleanly_and_recovers(
    tmp_path: Path, mariadb: PrivateMariaDb
) -> None:
    s = db_settings(tmp_path, mariadb.url)
    async with AsyncTestClient(app=build_asgi(s)) as first, AsyncTestClient(app=build_asgi(s)) as second:  # type: ignore[arg-type]
        me = await chat_user(first, s)
        assert (await second.get(ME, headers=me.bearer)).status_code == 200

        async def load_and_kill() -> Counter[Any]:
            load = asyncio.create_task(hammer(first, me.bearer, seconds=2.0))
            await asyncio.sleep(0.7)
            await asyncio.to_thread(mariadb.kill)
            return await asyncio.wait_for(load, 30)  # nothing in flight may hang

        seen = fault_in(first, load_and_kill)  # on the app's loop, where its pool lives
        assert set(seen) <= {(200, 0), (503, 5031)}, seen
        assert seen[(200, 0)] and seen[(503, 5031)], seen

        for c in (first, second):
            r = await c.get(ME, headers=me.bearer)
            assert (r.status_code, r.json()["code"]) == (503, 5031), r.text
            assert int(r.headers["retry-after"]) >= 1
            assert (await c.get("/readyz")).json()["components"]["database"]["ok"] is False
        # A write is refused the same way and leaves nothing behind.
        r = await first.post("/v1/conversation/create", json={"bot_id": me.bot}, headers=me.bearer)
        assert (r.status_code, r.json()["code"]) == (503, 5031), r.text

        mariadb.start()  # same port, same data
        for c in (first, second):
            await until_status(c, me.bearer, 200)
            assert (await c.get("/readyz")).json()["components"]["database"]["ok"] is True
        r = await first.post("/v1/conversation/create", json={"bot_id": me.bot}, headers=me.bearer)
        assert r.json()["code"] == 0, r.text


def closed_port() -> int:
    return free_port()  # nothing listens on it once the probe socket is closed


@pytest.fixture
def sqlite_url(tmp_path: Path) -> Iterator[str]:
    with migrated_database("sqlite", tmp_path) as url:  # migrations run their own event loop
        yield url


async def test_storage_vectors_and_fulltext_down_degrade_only_what_needs_them(
    tmp_path: Path, sqlite_url: str
) -> None:
    s = db_settings(
        tmp_path,
        sqlite_url,
        storage_url=f"s3://key:secret-key@127.0.0.1:{closed_port()}/files?secure=false",
        vector_uri=f"http://127.0.0.1:{closed_port()}",
        fulltext_url=f"http://127.0.0.1:{closed_port()}",
    )
    async with AsyncTestClient(app=build_asgi(s)) as c:  # type: ignore[arg-type]
        me = await chat_user(c, s)
        readiness = (await c.get("/readyz")).json()
        assert readiness["status"] == "degraded"
        components = readiness["components"]
        assert {k for k, v in components.items() if not v["ok"]} == {"storage", "vectorstore", "fulltext"}

        for _ in range(2):  # the first finds the server gone, the second fails fast
            r = await c.post(
                "/v1/files/upload", files={"file": ("a.txt", b"hello", "text/plain")}, headers=me.bearer
            )
            assert (r.status_code, r.json()["code"]) == (503, 5035), r.text
            assert int(r.headers["retry-after"]) >= 1
        metrics = (await c.get("/metrics")).text
        assert 'cozeplus_dependency_breaker_open{server="s3"} 1.0' in metrics
        fast = next(
            ln
            for ln in metrics.splitlines()
            if ln.startswith('cozeplus_dependency_fast_failures_total{server="s3"}')
        )
        assert float(fast.rsplit(" ", 1)[1]) >= 1

        assert (await c.get(ME, headers=me.bearer)).status_code == 200
        events = await me.stream("hello")
        assert events[-1]["event"] == "done"
