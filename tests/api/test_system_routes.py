"""The system surface: probes answer HEAD like GET, /metrics names one charset."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from litestar.testing import AsyncTestClient

from bootstrap.settings import Settings
from tests.support.apps import client_with_routes


@pytest.fixture
async def client(sqlite_settings: Settings) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    async with client_with_routes(sqlite_settings, []) as c:
        yield c


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
async def test_head_probe_answers_like_get_without_content(client: AsyncTestClient, path: str) -> None:  # type: ignore[type-arg]
    got = await client.get(path)
    head = await client.head(path, headers={"accept-encoding": "gzip"})
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"] == "application/json"
    # The length of the content GET would send (readiness details vary a little between two calls).
    assert int(head.headers["content-length"]) > 0
    if path == "/healthz":
        assert head.headers["content-length"] == str(len(got.content))
    assert "content-encoding" not in head.headers


async def test_head_readyz_keeps_the_degraded_status(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    class Broken:
        name = "vectorstore"
        adapter = "milvus"

        async def check(self) -> tuple[bool, str]:
            return False, "connection refused"

    client.cozeplus_app.litestar.state.health_checks.append(Broken())  # type: ignore[attr-defined]
    head = await client.head("/readyz")
    assert head.status_code == 503
    assert head.content == b""
    assert int(head.headers["content-length"]) > 0  # the details vary a little between calls


async def test_metrics_content_type_names_one_charset(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    r = await client.get("/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert "# TYPE cozeplus_http_requests_total counter" in r.text
