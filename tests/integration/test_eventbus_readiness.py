"""/readyz's eventbus entry says whether the consumer loops run: a loop that died degrades it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.databases import migrated_database
from tests.support.eventbus import BusHarness, ThingHappened
from tests.support.nats_server import PrivateNats


@pytest.fixture
def sqlite_url(tmp_path: Path) -> Iterator[str]:
    with migrated_database("sqlite", tmp_path) as url:
        yield url


@pytest.mark.parametrize("adapter", ["inprocess", "nats"])
async def test_readiness_counts_running_consumers(adapter: str, sqlite_url: str, tmp_path: Path) -> None:
    server = PrivateNats(tmp_path / "nats") if adapter == "nats" else None
    if server is not None:
        server.start()
    h = BusHarness(adapter, sqlite_url, server.url if server else None)
    h.consume(ThingHappened.topic, "first", h.recorder("first"))
    h.consume(ThingHappened.topic, "second", h.recorder("second"))
    try:
        bus = await h.start(relay=False)
        ok, detail = await bus.check()
        assert ok, detail
        assert "2 consumers running" in detail

        tasks = bus._tasks  # type: ignore[attr-defined]  # a loop dying is what the check must see
        tasks[0].cancel()
        for _ in range(100):
            if tasks[0].done():
                break
            await asyncio.sleep(0.01)
        ok, detail = await bus.check()
        assert not ok
        assert "1 of 2 consumers stopped" in detail
    finally:
        await h.stop()
        if server is not None:
            server.stop()
