"""/readyz reports the vector store with its adapter; a Milvus that is down makes it degraded, not fatal."""

from __future__ import annotations

from pathlib import Path

from litestar.testing import AsyncTestClient

from bootstrap.http import build_asgi
from bootstrap.settings import Settings
from tests.support.identity import create_user, sign_in
from tests.support.milvus import milvus_lite_server, wait_until
from tests.support.processes import free_port


async def test_embedded_vector_store_is_ready(sqlite_client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    body = (await sqlite_client.get("/readyz")).json()
    vectors = body["components"]["vectorstore"]
    assert vectors["adapter"] == "flat"  # the default (docs/adr/0052)
    assert vectors["ok"] is True, vectors
    assert "collections" in vectors["detail"]


async def test_milvus_lite_stays_selectable(sqlite_settings: Settings, tmp_path: Path) -> None:
    settings = sqlite_settings.model_copy(update={"vector_uri": str(tmp_path / "milvus.db")})
    async with AsyncTestClient(app=build_asgi(settings)) as client:  # type: ignore[arg-type]
        vectors = (await client.get("/readyz")).json()["components"]["vectorstore"]
        assert vectors["adapter"] == "milvus-lite"
        assert vectors["ok"] is True, vectors
        assert "milvus_lite" in vectors["detail"]


async def test_unreachable_milvus_degrades_readyz_and_the_api_keeps_serving(
    sqlite_settings: Settings, tmp_path: Path
) -> None:
    port = free_port()
    settings = sqlite_settings.model_copy(update={"vector_uri": f"http://127.0.0.1:{port}"})
    async with AsyncTestClient(app=build_asgi(settings)) as client:  # type: ignore[arg-type]
        ready = await client.get("/readyz")
        assert ready.status_code == 503
        body = ready.json()
        assert body["status"] == "degraded"
        vectors = body["components"]["vectorstore"]
        assert vectors["adapter"] == "milvus-grpc"
        assert vectors["ok"] is False
        assert f"cannot reach Milvus at http://127.0.0.1:{port}" in vectors["detail"]
        assert body["components"]["database"]["ok"] is True

        # What does not need vectors keeps working: signing in, changing a setting.
        assert (await client.get("/healthz")).status_code == 200
        admin = await create_user(settings, superuser=True)
        await sign_in(client, admin["email"])
        saved = await client.put("/api/admin/settings/site.title", json={"value": "still serving"})
        assert saved.status_code == 200, saved.text

        # The server comes up later: readiness recovers without restarting the app.
        async def vectors_ready() -> bool:
            return bool((await client.get("/readyz")).json()["components"]["vectorstore"]["ok"])

        async with milvus_lite_server(port, tmp_path / "milvus"):
            assert await wait_until(vectors_ready)
