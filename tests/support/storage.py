"""Object storage under test: the local adapter behind a running app, or S3 on the test SeaweedFS."""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import uvicorn
from minio import Minio

from bootstrap.container import build_container
from bootstrap.http import build_asgi
from bootstrap.paths import migrations_dir
from bootstrap.settings import Settings
from domain.common.storage import LinkMethod, ObjectStorage
from infra.persistence import migrate
from infra.storage.s3 import MIN_PART_SIZE, S3Config, S3ObjectStorage
from infra.storage.signing import HmacLinkSigner
from tests.support.servers import server_url

S3_ENDPOINT_ENV = "COZEPLUS_TEST_S3_ENDPOINT"


@dataclass
class StorageHarness:
    """The adapter plus an HTTP client to use its links as an outside client would."""

    kind: str
    storage: ObjectStorage
    fetch_client: httpx.AsyncClient
    expired_link: Callable[[LinkMethod, str], str]  # a link whose expiry has passed

    async def fetch(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return await self.fetch_client.request(method, url, **kwargs)


def s3_config(bucket: str, *, secret: str | None = None, endpoint: str | None = None) -> S3Config:
    return S3Config(
        endpoint=endpoint or server_url(S3_ENDPOINT_ENV),
        access_key=os.environ["COZEPLUS_TEST_S3_ACCESS_KEY"],
        secret_key=secret or os.environ["COZEPLUS_TEST_S3_SECRET_KEY"],
        bucket=bucket,
        secure=False,
        part_size=MIN_PART_SIZE,  # 12 MB objects then go up in three parts
    )


def raw_client(config: S3Config) -> Minio:
    return Minio(config.endpoint, config.access_key, config.secret_key, secure=False, region=config.region)


def drop_bucket(config: S3Config) -> None:
    client = raw_client(config)
    if not client.bucket_exists(config.bucket):
        return
    for item in client.list_objects(config.bucket, recursive=True):
        if item.object_name:
            client.remove_object(config.bucket, item.object_name)
    client.remove_bucket(config.bucket)


@asynccontextmanager
async def local_harness(tmp: Path) -> AsyncIterator[StorageHarness]:
    """A whole app (SQLite, local storage) served by uvicorn on a free port, so its /objects route
    serves the presigned links to a real HTTP client, streaming included."""
    url = f"sqlite+aiosqlite:///{tmp / 'cozeplus.db'}"
    await asyncio.to_thread(migrate.upgrade, migrations_dir(), url)  # it runs its own event loop
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    public = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp / "data",
        database_url=url,
        access_log=False,
        storage_url="local",
        storage_public_url=public,
    )
    container = build_container(settings)
    server = uvicorn.Server(uvicorn.Config(build_asgi(settings, container), log_config=None, lifespan="on"))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if serving.done():
            serving.result()  # start-up failed: show why
        await asyncio.sleep(0.02)
    signer: HmacLinkSigner = container.storage.signer()

    def expired_link(method: LinkMethod, key: str) -> str:
        expires = int((datetime.now(UTC) - timedelta(seconds=5)).timestamp())
        signature = signer.sign(method, key, expires)
        return f"{public}/objects/{quote(key, safe='/')}?expires={expires}&signature={signature}"

    try:
        async with httpx.AsyncClient(timeout=30) as fetcher:
            yield StorageHarness(
                kind="local",
                storage=container.storage.object_storage(),
                fetch_client=fetcher,
                expired_link=expired_link,
            )
    finally:
        server.should_exit = True
        await serving
        sock.close()


@asynccontextmanager
async def s3_harness() -> AsyncIterator[StorageHarness]:
    config = s3_config(f"cz-test-{uuid.uuid4().hex[:12]}")
    storage = S3ObjectStorage(config)
    await storage.start()
    raw = raw_client(config)

    def expired_link(method: LinkMethod, key: str) -> str:
        # Signed an hour ago for one minute: SeaweedFS itself must refuse it.
        signed_at = datetime.now(UTC) - timedelta(hours=1)
        ttl = timedelta(minutes=1)
        if method is LinkMethod.GET:
            return raw.presigned_get_object(config.bucket, key, ttl, request_date=signed_at)
        return raw.get_presigned_url("PUT", config.bucket, key, ttl, request_date=signed_at)

    try:
        async with httpx.AsyncClient(timeout=30) as fetcher:
            yield StorageHarness(kind="s3", storage=storage, fetch_client=fetcher, expired_link=expired_link)
    finally:
        await storage.stop()
        drop_bucket(config)
