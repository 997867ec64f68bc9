"""/readyz lists the run stream and KV ports with their adapters, and degrades when NATS is down."""

from __future__ import annotations

import contextlib
import socket
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from bootstrap.http import build_asgi
from bootstrap.settings import Settings
from infra.nats.connection import NatsConnection
from tests.support.databases import migrated_database
from tests.support.servers import server_url


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    # Migrations run their own event loop, so this fixture is synchronous.
    with migrated_database("sqlite", tmp_path) as url:
        return url


def settings_for(tmp_path: Path, db_url: str, **overrides: Any) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path / "data",
        database_url=db_url,
        access_log=False,
        **overrides,
    )


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens once the socket is closed


async def readyz(settings: Settings) -> tuple[int, dict[str, Any]]:
    async with AsyncTestClient(app=build_asgi(settings)) as client:  # type: ignore[arg-type]
        response = await client.get("/readyz")
        health = await client.get("/healthz")
        assert health.status_code == 200  # the API keeps serving what does not need NATS
        return response.status_code, response.json()


async def test_embedded_defaults_are_listed(tmp_path: Path, db_url: str) -> None:
    status, body = await readyz(settings_for(tmp_path, db_url))
    assert status == 200
    components = body["components"]
    assert components["runstream"]["adapter"] == "inprocess"
    assert components["kv"]["adapter"] == "inprocess"
    assert "nats" not in components


@pytest.mark.nats
async def test_nats_adapters_are_listed(tmp_path: Path, db_url: str) -> None:
    url = server_url("COZEPLUS_TEST_NATS_URL")
    # Unique names so parallel runs never share the stream or bucket.
    tag = tmp_path.name.replace("-", "_")[-20:]
    settings = settings_for(
        tmp_path,
        db_url,
        nats_url=url,
        runstream_stream=f"CPT_RDY_{tag}",
        runstream_subject_prefix=f"cpt.rdy.{tag}",
        kv_bucket=f"cpt_rdy_{tag}",
    )
    try:
        status, body = await readyz(settings)
    finally:
        connection = NatsConnection(url)
        await connection.start()
        for drop in (
            connection.jetstream().delete_stream(settings.runstream_stream),
            connection.jetstream().delete_key_value(settings.kv_bucket),
        ):
            with contextlib.suppress(Exception):  # not created if start-up failed
                await drop
        await connection.stop()
    assert status == 200, body
    components = body["components"]
    assert components["nats"]["ok"]
    assert components["runstream"]["adapter"] == "nats-jetstream"
    assert components["kv"]["adapter"] == "nats-kv"


async def test_nats_down_at_start_up_is_degraded_not_fatal(tmp_path: Path, db_url: str) -> None:
    settings = settings_for(tmp_path, db_url, nats_url=f"nats://127.0.0.1:{closed_port()}")
    status, body = await readyz(settings)
    assert status == 503
    assert body["status"] == "degraded"
    components = body["components"]
    assert components["database"]["ok"]
    for port in ("nats", "runstream", "kv"):
        assert components[port]["ok"] is False
        assert components[port]["detail"] == "not connected"
