"""POST /v1/files/upload, GET /v1/files/retrieve and the SPA's POST /api/bot/upload_file.

The round trip and the "nothing half-written" checks run on SQLite and MariaDB, with local storage
and with the S3 server (when COZEPLUS_TEST_S3_* is set); the bad-input table runs on SQLite with
local storage, as the codes do not depend on the adapters.
"""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from dependency_injector import providers
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bootstrap.container import Container, build_container
from bootstrap.http import build_asgi
from bootstrap.settings import Settings
from domain.common.storage import ObjectStorage, StorageUnavailable
from tests.support import files
from tests.support.identity import create_user, sign_in
from tests.support.servers import server_url
from tests.support.storage import S3_ENDPOINT_ENV, drop_bucket, s3_config

LIMIT = 256 * 1024


@dataclass
class Files:
    client: AsyncTestClient  # type: ignore[type-arg]
    container: Container
    settings: Settings
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token}"}

    async def upload(self, parts: Any, **kwargs: Any) -> httpx.Response:
        return await self.client.post("/v1/files/upload", files=parts, headers=self.auth, **kwargs)

    async def retrieve(self, file_id: str, token: str | None = None) -> httpx.Response:
        headers = {"authorization": f"Bearer {token or self.token}"}
        return await self.client.get("/v1/files/retrieve", params={"file_id": file_id}, headers=headers)

    async def rows(self) -> int:
        engine = create_async_engine(self.settings.resolved_database_url)
        try:
            async with engine.connect() as conn:
                return int((await conn.execute(text("SELECT COUNT(*) FROM uploaded_file"))).scalar_one())
        finally:
            await engine.dispose()

    async def objects(self) -> list[str]:
        storage: ObjectStorage = self.container.storage.object_storage()
        return [o.key for o in (await storage.list("uploads/")).objects]

    async def fetch(self, url: str) -> bytes:
        if url.startswith(self.settings.resolved_storage_public_url):  # local storage: the app serves it
            parts = urlsplit(url)
            response = await self.client.get(f"{parts.path}?{parts.query}")
        else:
            async with httpx.AsyncClient() as outside:
                response = await outside.get(url)
        assert response.status_code == 200, response.text
        return response.content


async def new_token(client: AsyncTestClient, scopes: list[str] | None = None) -> str:  # type: ignore[type-arg]
    body: dict[str, Any] = {"name": "files", "duration_day": "1"}
    if scopes is not None:
        body["scopes"] = scopes
    made = await client.post("/api/permission_api/pat/create_personal_access_token_and_permission", json=body)
    assert made.status_code == 200, made.text
    return str(made.json()["data"]["token"])


async def open_files(settings: Settings, container: Container | None = None) -> AsyncIterator[Files]:
    container = container or build_container(settings)
    user = await create_user(settings)
    async with AsyncTestClient(app=build_asgi(settings, container)) as client:  # type: ignore[arg-type]
        await sign_in(client, user["email"])
        yield Files(client, container, settings, await new_token(client))


@pytest.fixture(params=["local", "s3"])
def storage_settings(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Settings]:
    """The app's settings with a small upload limit, on local storage or on the S3 test server."""
    update: dict[str, Any] = {"upload_max_bytes": LIMIT}
    if request.param == "local":
        yield settings.model_copy(update=update)
        return
    endpoint = server_url(S3_ENDPOINT_ENV)
    bucket = f"cz-up-{uuid.uuid4().hex[:12]}"
    key, secret = os.environ["COZEPLUS_TEST_S3_ACCESS_KEY"], os.environ["COZEPLUS_TEST_S3_SECRET_KEY"]
    update["storage_url"] = f"s3://{key}:{secret}@{endpoint}/{bucket}?secure=false"
    try:
        yield settings.model_copy(update=update)
    finally:
        drop_bucket(s3_config(bucket))


@pytest.fixture
async def world(storage_settings: Settings) -> AsyncIterator[Files]:
    async for made in open_files(storage_settings):
        yield made


@pytest.fixture
async def local(sqlite_settings: Settings) -> AsyncIterator[Files]:
    async for made in open_files(sqlite_settings.model_copy(update={"upload_max_bytes": LIMIT})):
        yield made


def code(response: httpx.Response) -> int:
    return int(response.json()["code"])


# ---------------------------------------------------------------- round trips (every database and storage)


async def test_upload_retrieve_and_fetch(world: Files) -> None:
    data = files.png()
    response = await world.upload({"file": ("../photo.png", data, "application/x-msdownload")})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["code"], body["msg"]) == (0, "")
    uploaded = body["data"]
    assert set(uploaded) == {"id", "bytes", "created_at", "file_name"}
    assert isinstance(uploaded["id"], str) and uploaded["id"].isdigit()
    assert (uploaded["bytes"], uploaded["file_name"]) == (len(data), "photo.png")
    assert isinstance(uploaded["created_at"], int)

    again = await world.retrieve(uploaded["id"])
    assert again.status_code == 200
    assert again.json()["data"] == uploaded
    assert await world.rows() == 1
    assert len(await world.objects()) == 1

    spa = await world.client.post("/api/bot/upload_file", files={"file": ("scan.pdf", files.pdf())})
    assert spa.status_code == 200, spa.text
    link = spa.json()["data"]
    assert (link["file_name"], link["content_type"], link["bytes"]) == (
        "scan.pdf",
        "application/pdf",
        len(files.pdf()),
    )
    assert await world.fetch(link["upload_url"]) == files.pdf()
    # upload_uri is the file id: the token API finds the same file for the same user.
    assert (await world.retrieve(link["upload_uri"])).json()["data"]["file_name"] == "scan.pdf"


async def test_spa_json_upload_in_coze_studio_shape(world: Files) -> None:
    data = files.jpeg()
    response = await world.client.post(
        "/api/bot/upload_file",
        json={"file_head": {"file_type": "jpg", "biz_type": 1}, "data": base64.b64encode(data).decode()},
    )
    assert response.status_code == 200, response.text
    link = response.json()["data"]
    assert (link["file_name"], link["content_type"]) == ("upload.jpg", "image/jpeg")
    assert await world.fetch(link["upload_url"]) == data


async def test_refused_and_failed_uploads_leave_nothing(world: Files) -> None:
    refused = [
        {"file": ("empty.txt", b"")},
        [("file", ("a.txt", files.text())), ("file", ("b.txt", files.text()))],
        {"file": ("big.txt", files.text(LIMIT + 10_000))},
        {"file": ("setup.exe", files.windows_exe())},
        {"file": ("photo.png", files.text(20_000))},
        {"file": ("notes.txt", files.text(30_000) + b"\x00binary tail")},
    ]
    for parts in refused:
        response = await world.upload(parts)
        assert response.status_code >= 400, response.text
    assert await world.rows() == 0
    assert await world.objects() == []


async def test_storage_failing_midway_leaves_nothing(storage_settings: Settings) -> None:
    container = build_container(storage_settings)
    real: ObjectStorage = container.storage.object_storage()

    class Breaking:
        """The real adapter, whose write dies after 40 kB (a disk filling up, S3 going away)."""

        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        async def put(self, key: str, body: Any, *, content_type: str | None = None) -> Any:
            async def cut() -> AsyncIterator[bytes]:
                sent = 0
                async for chunk in body:
                    yield chunk
                    sent += len(chunk)
                    if sent > 40_000:
                        raise StorageUnavailable(reason="backend failed midway")

            return await real.put(key, cut(), content_type=content_type)

    container.upload.storage.override(providers.Object(Breaking()))
    async for world in open_files(storage_settings, container):
        response = await world.upload({"file": ("notes.txt", files.text(200_000))})
        assert (response.status_code, code(response)) == (503, 5035), response.text
        assert await world.rows() == 0
        assert [o.key for o in (await real.list("uploads/")).objects] == []


# ---------------------------------------------------------------- bad input, code by code (SQLite, local)


def multipart(
    parts: list[tuple[str, str | None, bytes]], boundary: str = "XyZ"
) -> tuple[bytes, dict[str, str]]:
    """A hand-made multipart body: (field name, file name or None for a plain field, content)."""
    out = b""
    for name, filename, content in parts:
        disposition = f'form-data; name="{name}"' + (
            f'; filename="{filename}"' if filename is not None else ""
        )
        out += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + content + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return out, {"content-type": f"multipart/form-data; boundary={boundary}"}


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ([("purpose", None, b"chat")], 4300),  # no part named file
        ([("file", "empty.txt", b"")], 4300),
        ([("upload", "a.txt", b"hi"), ("file", "b.txt", b"hi")], 4301),
        ([("file", "a.txt", b"hi"), ("file", "b.txt", b"hi")], 4301),
        ([("file", "a.txt", b"hi"), ("other", "b.png", files.png())], 4301),
        ([("file", "big.bin", b"x" * (LIMIT + 1))], 4302),
        ([("file", "setup.exe", files.windows_exe())], 4303),
        ([("file", "tool", files.elf())], 4303),
        ([("file", "a.zip", files.zip_archive())], 4303),
        ([("file", "blob", files.random_binary())], 4303),
        ([("file", "photo.jpg", files.png())], 4304),
        ([("file", "photo.png", b"\x89PNG\r\n\x1a\nnot an image header at all")], 4304),
        ([("file", "report.pdf", files.text())], 4304),
        ([("file", "../", files.text())], 4304),
        ([("file", "\u202e", files.text())], 4304),
        ([("file", None, files.text())], 4304),  # a file part without a name
        ([("purpose", None, b"chat"), ("file", "ok.txt", files.text())], 0),  # fields besides are fine
    ],
)
async def test_upload_codes(local: Files, parts: list[tuple[str, str | None, bytes]], expected: int) -> None:
    body, headers = multipart(parts)
    response = await local.client.post("/v1/files/upload", content=body, headers={**headers, **local.auth})
    assert code(response) == expected, response.text
    assert "detail" in response.json() or expected == 0
    assert await local.rows() == (1 if expected == 0 else 0)


@pytest.mark.parametrize(
    ("body", "headers", "expected"),
    [
        (b'{"file": "x"}', {"content-type": "application/json"}, 4300),  # not multipart at all
        (b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhi', None, 4000),
        (b"garbage", None, 4000),  # the boundary never comes
        (b"", {"content-type": "multipart/form-data"}, 4000),  # no boundary given
    ],
)
async def test_malformed_bodies(
    local: Files, body: bytes, headers: dict[str, str] | None, expected: int
) -> None:
    sent = headers or {"content-type": "multipart/form-data; boundary=XyZ"}
    response = await local.client.post("/v1/files/upload", content=body, headers={**sent, **local.auth})
    assert code(response) == expected, response.text
    assert await local.rows() == 0


async def test_retrieve_codes(local: Files, sqlite_settings: Settings) -> None:
    mine = (await local.upload({"file": ("a.txt", files.text())})).json()["data"]["id"]
    assert code(await local.retrieve(str(int(mine) + 1))) == 4200
    assert code(await local.retrieve("not-a-number")) == 4000
    assert code(await local.retrieve("99999999999999999999")) == 4000
    other = await create_user(sqlite_settings)
    await sign_in(local.client, other["email"])
    stranger = await new_token(local.client)
    response = await local.retrieve(mine, token=stranger)
    assert (response.status_code, code(response)) == (404, 4200)
    assert (await local.retrieve(mine)).status_code == 200  # the owner's token still finds it


async def test_scopes_and_authentication(local: Files) -> None:
    chat_only = await new_token(local.client, ["chat"])
    files_only = await new_token(local.client, ["file:upload"])
    parts = {"file": ("a.txt", files.text())}
    denied = await local.client.post(
        "/v1/files/upload", files=parts, headers={"authorization": f"Bearer {chat_only}"}
    )
    assert code(denied) == 4101
    allowed = await local.client.post(
        "/v1/files/upload", files=parts, headers={"authorization": f"Bearer {files_only}"}
    )
    assert code(allowed) == 0
    file_id = allowed.json()["data"]["id"]
    assert code(await local.retrieve(file_id, token=chat_only)) == 4101
    assert code(await local.retrieve(file_id, token=files_only)) == 0
    local.client.cookies.clear()
    assert code(await local.client.post("/v1/files/upload", files=parts)) == 4100
    assert code(await local.client.get("/v1/files/retrieve", params={"file_id": file_id})) == 4100


async def test_spa_upload_bad_bodies(local: Files) -> None:
    post = local.client.post
    assert code(await post("/api/bot/upload_file", json={"data": "***"})) == 4000
    assert code(await post("/api/bot/upload_file", json={"data": ""})) == 4300
    assert code(await post("/api/bot/upload_file", json={"data": "aGk=", "extra": 1})) == 4000
    exe = base64.b64encode(files.windows_exe()).decode()
    assert (
        code(await post("/api/bot/upload_file", json={"file_head": {"file_type": "exe"}, "data": exe}))
        == 4303
    )
    png_as_pdf = base64.b64encode(files.png()).decode()
    assert (
        code(await post("/api/bot/upload_file", json={"file_head": {"file_type": "pdf"}, "data": png_as_pdf}))
        == 4304
    )
    data_url = "data:image/png;base64," + base64.b64encode(files.png()).decode()
    assert (
        code(await post("/api/bot/upload_file", json={"file_head": {"file_type": "png"}, "data": data_url}))
        == 0
    )
    assert await local.rows() == 1


# ---------------------------------------------------------------- limits: streamed, refused early


async def test_upload_routes_follow_the_upload_limit_not_max_body_bytes(sqlite_settings: Settings) -> None:
    settings = sqlite_settings.model_copy(update={"upload_max_bytes": LIMIT, "max_body_bytes": 64 * 1024})
    async for world in open_files(settings):
        data = files.text(200 * 1024)  # over max_body_bytes, under the upload limit
        response = await world.upload({"file": ("big.txt", data)})
        assert (code(response), response.json()["data"]["bytes"]) == (0, len(data))
        # JSON is read whole, so the app's body limit bounds it: base64 of 60 kB is over 64 KiB
        big = base64.b64encode(files.text(60 * 1024)).decode()
        refused = await world.client.post("/api/bot/upload_file", json={"data": big})
        assert (refused.status_code, code(refused)) == (413, 4302)
        # other routes keep the app's limit
        other = await world.client.post(
            "/api/bot/get_type_list", content=b" " * (70 * 1024), headers={"content-type": "application/json"}
        )
        assert code(other) == 4130


def test_upload_limit_cannot_exceed_the_storage_limit() -> None:
    with pytest.raises(ValueError, match="upload_max_bytes"):
        Settings(_env_file=None, upload_max_bytes=2 * 1024**2, storage_max_upload_bytes=1024**2)  # type: ignore[call-arg]


class RawUpload:
    """Drives the ASGI app directly, counting the body chunks it asks for."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks
        self.taken = 0
        self.messages: list[dict[str, Any]] = []

    async def receive(self) -> dict[str, Any]:
        if self.taken == len(self.chunks):
            return {"type": "http.request", "body": b"", "more_body": False}
        self.taken += 1
        return {"type": "http.request", "body": self.chunks[self.taken - 1], "more_body": True}

    async def send(self, message: dict[str, Any]) -> None:
        self.messages.append(message)

    async def post(self, app: Any, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        path = "/v1/files/upload"
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        await app(scope, self.receive, self.send)
        start = next(m for m in self.messages if m["type"] == "http.response.start")
        body = b"".join(m.get("body", b"") for m in self.messages if m["type"] == "http.response.body")
        import json

        return int(start["status"]), json.loads(body)


async def test_oversized_bodies_are_refused_without_reading_them(local: Files) -> None:
    app = local.client.app
    chunk = 64 * 1024
    head, headers = multipart([("file", "big.txt", b"")])
    opening = head[: head.index(b"\r\n\r\n") + 4]
    body = [opening] + [b"a" * chunk] * 100  # 6.4 MB against a 256 KiB limit
    auth = {**headers, **local.auth}

    declared = RawUpload(body)
    status, answer = await declared.post(app, {**auth, "content-length": str(sum(map(len, body)))})
    assert (status, answer["code"]) == (413, 4302)
    assert declared.taken == 0  # refused on the declared length, before a byte was read

    chunked = RawUpload(body)
    status, answer = await chunked.post(app, {**auth, "transfer-encoding": "chunked"})
    assert (status, answer["code"]) == (413, 4302)
    assert chunked.taken <= LIMIT // chunk + 3  # cut off just past the limit, not read to the end
    assert await local.rows() == 0
    assert await local.objects() == []
