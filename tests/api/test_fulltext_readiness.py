"""Readiness of the full-text index: embedded by default; a dead Elasticsearch degrades, never crashes."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from bootstrap.http import build_asgi
from bootstrap.settings import Settings
from tests.support.databases import migrated_database
from tests.support.identity import create_user, sign_in
from tests.support.servers import server_url


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens here once the socket is closed


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[str]:
    with migrated_database("sqlite", tmp_path) as url:  # sync: it runs its own event loop
        yield url


def settings_for(tmp_path: Path, db_url: str, **fulltext: object) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=tmp_path / "data", database_url=db_url, access_log=False, **fulltext
    )


async def test_embedded_default_is_listed_and_ready(tmp_path: Path, db_url: str) -> None:
    app = build_asgi(settings_for(tmp_path, db_url))
    async with AsyncTestClient(app=app) as client:  # type: ignore[arg-type]
        body = (await client.get("/readyz")).json()
    assert body["components"]["fulltext"]["adapter"] == "sqlite-fts5"
    assert body["components"]["fulltext"]["ok"] is True
    assert (tmp_path / "data" / "fulltext" / "fulltext.db").exists()


async def test_elasticsearch_down_at_start_up_degrades_readiness_and_api_keeps_serving(
    tmp_path: Path, db_url: str
) -> None:
    settings = settings_for(
        tmp_path, db_url, fulltext_url=f"http://127.0.0.1:{closed_port()}", fulltext_content_type="plain-json"
    )
    admin = await create_user(settings, superuser=True)
    async with AsyncTestClient(app=build_asgi(settings)) as client:  # type: ignore[arg-type]
        ready = await client.get("/readyz")
        assert ready.status_code == 503
        component = ready.json()["components"]["fulltext"]
        assert component["adapter"] == "elasticsearch"
        assert component["ok"] is False
        assert "Connection" in component["detail"]
        assert ready.json()["components"]["database"]["ok"] is True
        assert (await client.get("/healthz")).status_code == 200
        await sign_in(client, admin["email"])
        saved = await client.put("/api/admin/settings/site.title", json={"value": "still serving"})
        assert saved.status_code == 200, saved.text


async def test_elasticsearch_api_server_is_ready(tmp_path: Path, db_url: str) -> None:
    url = server_url("COZEPLUS_TEST_ES_URL")
    settings = settings_for(tmp_path, db_url, fulltext_url=url, fulltext_content_type="plain-json")
    async with AsyncTestClient(app=build_asgi(settings)) as client:  # type: ignore[arg-type]
        component = (await client.get("/readyz")).json()["components"]["fulltext"]
    assert component["adapter"] == "elasticsearch"
    assert component["ok"] is True, component
    assert "plain-json" in component["detail"]
