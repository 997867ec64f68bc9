"""The /objects route (local storage's presigned links) and storage in /readyz."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from litestar.testing import AsyncTestClient

from bootstrap.container import build_container
from bootstrap.http import build_asgi
from bootstrap.settings import Settings
from domain.common.storage import LinkMethod, ObjectNotFound, ObjectStorage
from tests.support.processes import free_port

TTL = timedelta(minutes=5)


@pytest.fixture
async def app_and_storage(
    sqlite_settings: Settings,
) -> AsyncIterator[tuple[AsyncTestClient, ObjectStorage]]:  # type: ignore[type-arg]
    settings = sqlite_settings.model_copy(update={"storage_max_upload_bytes": 1000})
    container = build_container(settings)
    async with AsyncTestClient(app=build_asgi(settings, container)) as client:  # type: ignore[arg-type]
        yield client, container.storage.object_storage()


def local_path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


async def test_readyz_lists_local_storage(sqlite_client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    body = (await sqlite_client.get("/readyz")).json()
    assert body["components"]["storage"]["adapter"] == "local"
    assert body["components"]["storage"]["ok"] is True


async def test_readyz_degraded_when_s3_is_down(sqlite_settings: Settings) -> None:
    nobody = f"127.0.0.1:{free_port()}"
    settings = sqlite_settings.model_copy(update={"storage_url": f"s3://ak:sk@{nobody}/files?secure=false"})
    async with AsyncTestClient(app=build_asgi(settings)) as client:  # type: ignore[arg-type]
        response = await client.get("/readyz")
        assert response.status_code == 503
        storage = response.json()["components"]["storage"]
        assert (storage["adapter"], storage["ok"]) == ("s3", False)
        assert "unreachable" in storage["detail"]
        assert response.json()["components"]["database"]["ok"] is True
        assert (await client.get("/healthz")).status_code == 200  # the rest keeps serving


async def test_download_headers_ranges_and_no_gzip(app_and_storage: tuple) -> None:  # type: ignore[type-arg]
    client, storage = app_and_storage
    data = b"0123456789" * 300
    await storage.put("docs/a.txt", data, content_type="text/plain")
    url = local_path(await storage.presign(LinkMethod.GET, "docs/a.txt", TTL))
    response = await client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.content == data
    assert "content-encoding" not in response.headers  # stored bytes go out as stored
    assert response.headers["content-length"] == str(len(data))
    assert response.headers["accept-ranges"] == "bytes"
    assert response.headers["etag"].startswith('"')
    assert "x-log-id" in response.headers
    tail = await client.get(url, headers={"Range": "bytes=2990-"})
    assert (tail.status_code, tail.content) == (206, data[2990:])
    assert tail.headers["content-range"] == f"bytes 2990-2999/{len(data)}"
    assert (await client.get(url, headers={"Range": "bytes=5000-5001"})).status_code == 416
    ignored = await client.get(url, headers={"Range": "bytes=-5"})  # suffix ranges: whole object
    assert (ignored.status_code, len(ignored.content)) == (200, len(data))


@pytest.mark.parametrize(
    "path",
    [
        "/objects/%2e%2e/%2e%2e/etc/passwd",
        "/objects/a/%2E%2E/b",
        "/objects/a%5Cb",
        "/objects/a%00b",
        "/objects//etc/passwd",
        "/objects/a/%252e%252e/b",
    ],
)
async def test_hostile_paths_refused(app_and_storage: tuple, path: str) -> None:  # type: ignore[type-arg]
    client, _ = app_and_storage
    for method in ("GET", "PUT"):
        response = await client.request(method, f"{path}?expires=9999999999&signature=x", content=b"x")
        assert response.status_code in (400, 403, 404), (method, path, response.status_code)
        assert response.json()["code"] > 0


async def test_missing_signature_and_missing_object(app_and_storage: tuple) -> None:  # type: ignore[type-arg]
    client, storage = app_and_storage
    await storage.put("x", b"secret")
    response = await client.get("/objects/x")
    assert response.status_code == 403
    assert b"secret" not in response.content
    url = local_path(await storage.presign(LinkMethod.GET, "gone", TTL))
    assert (await client.get(url)).status_code == 404


async def test_upload_limit(app_and_storage: tuple) -> None:  # type: ignore[type-arg]
    client, storage = app_and_storage
    url = local_path(await storage.presign(LinkMethod.PUT, "big", TTL))
    response = await client.put(url, content=b"x" * 1001, headers={"Content-Type": "text/plain"})
    assert response.status_code == 413
    with pytest.raises(ObjectNotFound):
        await storage.head("big")
    ok = await client.put(url, content=b"x" * 1000)
    assert ok.status_code == 200
    assert (await storage.head("big")).size == 1000


async def test_bad_content_type_refused(app_and_storage: tuple) -> None:  # type: ignore[type-arg]
    client, storage = app_and_storage
    url = local_path(await storage.presign(LinkMethod.PUT, "typed", TTL))
    response = await client.put(url, content=b"x", headers={"Content-Type": "not a type"})
    assert response.status_code == 400
