"""/readyz reports the vector store with its adapter; a Milvus that is down makes it degraded, not fatal."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from pathlib import Path

from litestar.testing import AsyncTestClient

from bootstrap.container import build_container
from bootstrap.http import build_asgi
from bootstrap.settings import Settings
from tests.support.identity import create_user, sign_in

RECOVERY_WAIT_S = 60.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_embedded_vector_store_is_ready(sqlite_client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    body = (await sqlite_client.get("/readyz")).json()
    vectors = body["components"]["vectorstore"]
    assert vectors["adapter"] == "milvus-lite"
    assert vectors["ok"] is True, vectors
    assert "milvus_lite" in vectors["detail"]


async def test_unreachable_milvus_degrades_readyz_and_the_api_keeps_serving(
    sqlite_settings: Settings, tmp_path: Path
) -> None:
    port = _free_port()
    settings = sqlite_settings.model_copy(update={"vector_uri": f"http://127.0.0.1:{port}"})
    container = build_container(settings)
    async with AsyncTestClient(app=build_asgi(settings, container)) as client:  # type: ignore[arg-type]
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
        admin = await create_user(container, superuser=True)
        await sign_in(client, admin["email"])
        saved = await client.put("/api/admin/settings/site.title", json={"value": "still serving"})
        assert saved.status_code == 200, saved.text

        # The server comes up later: readiness recovers without restarting the app.
        binary = Path(sys.executable).parent / "milvus-lite"
        server = await asyncio.create_subprocess_exec(
            str(binary),
            "server",
            "--data-dir",
            str(tmp_path / "milvus"),
            "--host",
            "127.0.0.1",
            f"--port={port}",
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            components: dict[str, dict[str, object]] = {}
            for _ in range(int(RECOVERY_WAIT_S / 0.5)):
                components = (await client.get("/readyz")).json()["components"]
                if components["vectorstore"]["ok"]:
                    break
                await asyncio.sleep(0.5)
            assert components["vectorstore"]["ok"] is True, components["vectorstore"]
        finally:
            server.terminate()
            try:
                await asyncio.wait_for(server.wait(), 10)
            except TimeoutError:
                server.kill()
                await server.wait()
