"""The chain's shortcuts keep their meaning: gzip only where it pays, never for event streams, and the
locale read from raw headers still picks the message language."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from litestar import get
from litestar.response import ServerSentEvent
from litestar.testing import AsyncTestClient

from bootstrap.settings import Settings
from domain.system.errors import SettingNotFound
from tests.support.apps import client_with_routes

BIG = {"items": [f"item number {i}" for i in range(200)]}  # several kB of JSON


@get("/api/test/big", opt={"public": True}, sync_to_thread=False)
def big() -> dict[str, list[str]]:
    return BIG


@get("/api/test/events", opt={"public": True}, sync_to_thread=False)
def events() -> ServerSentEvent:
    return ServerSentEvent(iter(["x" * 2048, "y" * 2048]))


@get("/api/test/missing", opt={"public": True}, sync_to_thread=False)
def missing() -> None:
    raise SettingNotFound(key="site.title")


@pytest.fixture
async def client(sqlite_settings: Settings) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    async with client_with_routes(
        sqlite_settings, [big, events, missing], gzip_min_bytes=1024, access_log=False
    ) as c:
        yield c


async def test_small_answer_goes_out_uncompressed(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    r = await client.get("/healthz", headers={"accept-encoding": "gzip"})
    assert r.status_code == 200
    assert "content-encoding" not in r.headers
    assert r.headers["content-length"] == str(len(r.content))
    assert r.json() == {"status": "ok"}
    assert r.headers["x-log-id"]


async def test_large_answer_is_gzipped(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    r = await client.get("/api/test/big", headers={"accept-encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in r.headers["vary"].lower()
    assert r.json() == BIG


async def test_large_answer_without_gzip_accepted_is_plain(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    r = await client.get("/api/test/big", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in r.headers
    assert r.json() == BIG


async def test_event_stream_is_never_gzipped(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    r = await client.get("/api/test/events", headers={"accept-encoding": "gzip"})
    assert r.headers["content-type"].startswith("text/event-stream")
    assert "content-encoding" not in r.headers
    assert "x" * 2048 in r.text
    assert "y" * 2048 in r.text


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        ("zh-CN,zh;q=0.9", "设置项 site.title 不存在"),
        ("en-US", "setting site.title not found"),
        (None, "setting site.title not found"),
    ],
)
async def test_locale_from_accept_language(
    client: AsyncTestClient,  # type: ignore[type-arg]
    accept_language: str | None,
    expected: str,
) -> None:
    headers = {"accept-language": accept_language} if accept_language else {}
    r = await client.get("/api/test/missing", headers=headers)
    assert r.status_code == 404
    assert r.json()["msg"] == expected
