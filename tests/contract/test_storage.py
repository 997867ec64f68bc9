"""One contract for object storage, run against the local directory and S3 (SeaweedFS)."""

from __future__ import annotations

import asyncio
import hashlib
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from domain.common.storage import (
    InvalidLinkTtl,
    InvalidObjectKey,
    InvalidObjectRange,
    LinkMethod,
    ObjectNotFound,
    ObjectStorage,
    StorageUnavailable,
)
from infra.storage.s3 import S3ObjectStorage
from tests.support.storage import StorageHarness, local_harness, s3_config, s3_harness

MB = 1024 * 1024
TTL = timedelta(minutes=5)


@pytest.fixture(scope="session", params=["local", "s3"])
async def harness(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[StorageHarness]:
    if request.param == "local":
        async with local_harness(tmp_path_factory.mktemp("storage")) as h:
            yield h
    else:
        async with s3_harness() as h:
            yield h


@pytest.fixture
def storage(harness: StorageHarness) -> ObjectStorage:
    return harness.storage


@pytest.fixture
def ns() -> str:
    """A key prefix of this test's own, so tests sharing a bucket never see each other's objects."""
    return f"t-{uuid.uuid4().hex[:10]}/"


def payload(size: int) -> bytes:
    return os.urandom(size)


async def stream_of(data: bytes, chunk: int = 256 * 1024) -> AsyncIterator[bytes]:
    for start in range(0, len(data), chunk):
        yield data[start : start + chunk]


async def broken_stream(good: int, chunk: int = MB) -> AsyncIterator[bytes]:
    sent = 0
    while sent < good:
        yield b"x" * chunk
        sent += chunk
    raise ConnectionResetError("client went away")


# ---------------------------------------------------------------- put / get / head / delete


async def test_put_bytes_then_get_and_head(storage: ObjectStorage, ns: str) -> None:
    data = payload(3000)
    info = await storage.put(f"{ns}doc.bin", data, content_type="application/pdf")
    assert info.size == 3000
    assert info.etag == hashlib.md5(data).hexdigest()
    assert await storage.get(f"{ns}doc.bin") == data
    head = await storage.head(f"{ns}doc.bin")
    assert (head.key, head.size, head.etag, head.content_type) == (
        f"{ns}doc.bin",
        3000,
        info.etag,
        "application/pdf",
    )
    assert head.modified_at.tzinfo is not None


async def test_put_streams_async_and_sync(storage: ObjectStorage, ns: str) -> None:
    data = payload(700_000)
    await storage.put(f"{ns}async", stream_of(data))
    await storage.put(f"{ns}sync", iter([data[:1000], b"", data[1000:]]))
    assert await storage.get(f"{ns}async") == data
    assert await storage.get(f"{ns}sync") == data
    assert (await storage.head(f"{ns}async")).content_type == "application/octet-stream"


async def test_empty_object(storage: ObjectStorage, ns: str) -> None:
    info = await storage.put(f"{ns}empty", b"")
    assert info.size == 0
    assert await storage.get(f"{ns}empty") == b""
    with pytest.raises(InvalidObjectRange):
        await storage.get(f"{ns}empty", offset=0, length=1)


async def test_overwrite_replaces(storage: ObjectStorage, ns: str) -> None:
    await storage.put(f"{ns}k", b"first version")
    await storage.put(f"{ns}k", b"second", content_type="text/plain")
    assert await storage.get(f"{ns}k") == b"second"
    head = await storage.head(f"{ns}k")
    assert (head.size, head.content_type) == (6, "text/plain")


async def test_missing_objects(storage: ObjectStorage, ns: str) -> None:
    for call in (storage.get, storage.head, storage.open):
        with pytest.raises(ObjectNotFound):
            await call(f"{ns}nothing-here")
    await storage.delete(f"{ns}nothing-here")  # deleting what is not there is fine, as in S3


async def test_delete(storage: ObjectStorage, ns: str) -> None:
    await storage.put(f"{ns}a/b/c", b"1")
    await storage.put(f"{ns}a/keep", b"2")
    await storage.delete(f"{ns}a/b/c")
    with pytest.raises(ObjectNotFound):
        await storage.head(f"{ns}a/b/c")
    assert await storage.get(f"{ns}a/keep") == b"2"
    assert [o.key for o in (await storage.list(ns)).objects] == [f"{ns}a/keep"]


async def test_key_and_prefix_of_it_coexist(storage: ObjectStorage, ns: str) -> None:
    await storage.put(f"{ns}report", b"file")
    await storage.put(f"{ns}report/page-1", b"under it")
    assert await storage.get(f"{ns}report") == b"file"
    assert await storage.get(f"{ns}report/page-1") == b"under it"


async def test_unicode_and_punctuation_keys(storage: ObjectStorage, ns: str) -> None:
    key = f"{ns}知识库/a b+c&d=e?f#g 100%.txt"
    await storage.put(key, "中文".encode())
    assert await storage.get(key) == "中文".encode()
    assert [o.key for o in (await storage.list(ns)).objects] == [key]


# ---------------------------------------------------------------- ranges and streaming reads


async def test_ranged_reads(storage: ObjectStorage, ns: str) -> None:
    data = bytes(range(256)) * 40
    await storage.put(f"{ns}r", data)
    assert await storage.get(f"{ns}r", offset=100, length=50) == data[100:150]
    assert await storage.get(f"{ns}r", offset=10_000) == data[10_000:]
    assert await storage.get(f"{ns}r", offset=10_200, length=5000) == data[10_200:]  # cut at the end
    with pytest.raises(InvalidObjectRange):
        await storage.get(f"{ns}r", offset=len(data))
    with pytest.raises(InvalidObjectRange):
        await storage.get(f"{ns}r", offset=-1)
    with pytest.raises(InvalidObjectRange):
        await storage.get(f"{ns}r", length=0)


async def test_open_streams_a_range(storage: ObjectStorage, ns: str) -> None:
    data = payload(3 * MB + 17)
    await storage.put(f"{ns}s", data)
    reader = await storage.open(f"{ns}s", offset=MB - 5, length=2 * MB)
    assert (reader.info.size, reader.offset, reader.length) == (len(data), MB - 5, 2 * MB)
    assert b"".join([chunk async for chunk in reader]) == data[MB - 5 : 3 * MB - 5]


async def test_multipart_12mb(storage: ObjectStorage, ns: str) -> None:
    data = payload(12 * MB)
    info = await storage.put(f"{ns}big", stream_of(data, chunk=MB))
    assert info.size == 12 * MB
    assert (await storage.head(f"{ns}big")).size == 12 * MB
    assert await storage.get(f"{ns}big") == data
    # across the 5 MB part boundary of the S3 upload
    assert await storage.get(f"{ns}big", offset=5 * MB - 10, length=20) == data[5 * MB - 10 : 5 * MB + 10]
    whole = await storage.put(f"{ns}big-bytes", data)  # a bytes body that large goes up in parts too
    assert whole.size == 12 * MB


# ---------------------------------------------------------------- listing


async def test_list_by_prefix_in_byte_order(storage: ObjectStorage, ns: str) -> None:
    for key in ("a/2", "a/1", "a2", "b/1", "a/sub/3"):
        await storage.put(f"{ns}{key}", key.encode())
    assert [o.key for o in (await storage.list(f"{ns}a/")).objects] == [
        f"{ns}a/1",
        f"{ns}a/2",
        f"{ns}a/sub/3",
    ]
    assert [o.key for o in (await storage.list(f"{ns}a")).objects] == [
        f"{ns}a/1",
        f"{ns}a/2",
        f"{ns}a/sub/3",
        f"{ns}a2",
    ]
    listed = (await storage.list(f"{ns}b/")).objects
    assert [(o.key, o.size) for o in listed] == [(f"{ns}b/1", 3)]
    assert (await storage.list(f"{ns}zzz")).objects == []


async def test_list_pages(storage: ObjectStorage, ns: str) -> None:
    keys = [f"{ns}p/{i:02d}" for i in range(7)]
    for key in keys:
        await storage.put(key, b"x")
    seen: list[str] = []
    after: str | None = None
    for _ in range(10):
        page = await storage.list(f"{ns}p/", after=after, limit=3)
        seen += [o.key for o in page.objects]
        if page.next_after is None:
            break
        after = page.next_after
    assert seen == keys


# ---------------------------------------------------------------- presigned links


async def test_presigned_get(harness: StorageHarness, ns: str) -> None:
    data = payload(5000)
    await harness.storage.put(f"{ns}dl/file.bin", data, content_type="image/png")
    url = await harness.storage.presign(LinkMethod.GET, f"{ns}dl/file.bin", TTL)
    assert url.startswith("http")
    response = await harness.fetch("GET", url)
    assert response.status_code == 200
    assert response.content == data
    assert response.headers["content-type"].startswith("image/png")
    ranged = await harness.fetch("GET", url, headers={"Range": "bytes=10-19"})
    assert ranged.status_code == 206
    assert ranged.content == data[10:20]


async def test_presigned_put(harness: StorageHarness, ns: str) -> None:
    data = payload(40_000)
    url = await harness.storage.presign(LinkMethod.PUT, f"{ns}up/new file.txt", TTL)
    response = await harness.fetch("PUT", url, content=data, headers={"Content-Type": "text/plain"})
    assert response.status_code == 200, response.text
    assert response.headers["etag"].strip('"') == hashlib.md5(data).hexdigest()
    assert await harness.storage.get(f"{ns}up/new file.txt") == data
    assert (await harness.storage.head(f"{ns}up/new file.txt")).content_type == "text/plain"


async def test_expired_links_refused(harness: StorageHarness, ns: str) -> None:
    await harness.storage.put(f"{ns}old", b"secret")
    response = await harness.fetch("GET", harness.expired_link(LinkMethod.GET, f"{ns}old"))
    assert response.status_code == 403
    assert b"secret" not in response.content
    response = await harness.fetch("PUT", harness.expired_link(LinkMethod.PUT, f"{ns}old"), content=b"new")
    assert response.status_code == 403
    assert await harness.storage.get(f"{ns}old") == b"secret"


def forged(url: str) -> Iterator[str]:
    """The same link with its signature altered, and with the key swapped for another."""
    key_param = "signature=" if "signature=" in url else "X-Amz-Signature="
    head, _, tail = url.partition(key_param)
    signature, amp, rest = tail.partition("&")
    flipped = ("0" if signature[0] != "0" else "1") + signature[1:]
    yield f"{head}{key_param}{flipped}{amp}{rest}"
    yield f"{head}{key_param}{amp}{rest}"
    yield url.replace("/victim", "/other", 1)


async def test_forged_links_refused(harness: StorageHarness, ns: str) -> None:
    await harness.storage.put(f"{ns}victim", b"private")
    await harness.storage.put(f"{ns}other", b"also private")
    get_url = await harness.storage.presign(LinkMethod.GET, f"{ns}victim", TTL)
    for url in forged(get_url):
        response = await harness.fetch("GET", url)
        assert response.status_code in (400, 403), url  # S3 calls a missing signature a bad request
        assert b"private" not in response.content
    put_url = await harness.storage.presign(LinkMethod.PUT, f"{ns}victim", TTL)
    for url in forged(put_url):
        assert (await harness.fetch("PUT", url, content=b"overwritten")).status_code in (400, 403)
    # a download link is no upload link
    assert (await harness.fetch("PUT", get_url, content=b"overwritten")).status_code == 403
    assert await harness.storage.get(f"{ns}victim") == b"private"


async def test_link_lifetime_bounds(storage: ObjectStorage, ns: str) -> None:
    for ttl in (timedelta(0), timedelta(days=8)):
        with pytest.raises(InvalidLinkTtl):
            await storage.presign(LinkMethod.GET, f"{ns}x", ttl)


# ---------------------------------------------------------------- hostile keys

HOSTILE_KEYS = [
    "",
    "../escape",
    "a/../../escape",
    "a/..",
    "./a",
    "a/./b",
    "/etc/passwd",
    "//double",
    "a//b",
    "trailing/",
    "a\\..\\b",
    "..\\windows",
    "%2e%2e/escape",
    "a/%2E%2E/b",
    "a%2fb",
    "%2F..%2Fetc",
    "%252e%252e/twice",
    "nul\x00byte",
    "tab\tkey",
    "line\nbreak",
    "del\x7fchar",
    "x" * 1025,
    "a/" + "y" * 251,
    "é" * 513,  # 1026 bytes in UTF-8
]


@pytest.mark.parametrize("key", HOSTILE_KEYS, ids=lambda k: repr(k[:20]))
async def test_hostile_keys_refused(storage: ObjectStorage, key: str) -> None:
    with pytest.raises(InvalidObjectKey):
        await storage.put(key, b"x")
    for call in (storage.get, storage.head, storage.open, storage.delete):
        with pytest.raises(InvalidObjectKey):
            await call(key)
    with pytest.raises(InvalidObjectKey):
        await storage.presign(LinkMethod.GET, key, TTL)


async def test_hostile_prefixes_refused(storage: ObjectStorage) -> None:
    for prefix in ("../", "/abs", "a/../", "%2e%2e/", "a\\b", "..", "a/.."):
        with pytest.raises(InvalidObjectKey):
            await storage.list(prefix)


# ---------------------------------------------------------------- interrupted uploads


async def test_interrupted_upload_leaves_nothing(harness: StorageHarness, ns: str) -> None:
    storage = harness.storage
    with pytest.raises(ConnectionResetError):
        await storage.put(f"{ns}broken", broken_stream(7 * MB))  # past the first 5 MB part
    with pytest.raises(ObjectNotFound):
        await storage.head(f"{ns}broken")
    assert (await storage.list(ns)).objects == []
    if isinstance(storage, S3ObjectStorage):  # the multipart upload was aborted, not left behind
        from tests.support.storage import raw_client

        uploads = raw_client(storage.config)._list_multipart_uploads(storage.config.bucket, prefix=ns)
        assert list(uploads.uploads) == []
    else:
        tmp = Path(storage.root, "tmp")  # type: ignore[attr-defined]
        assert await asyncio.to_thread(os.listdir, tmp) == []


async def test_interrupted_overwrite_keeps_old_object(storage: ObjectStorage, ns: str) -> None:
    await storage.put(f"{ns}kept", b"old content")
    with pytest.raises(ConnectionResetError):
        await storage.put(f"{ns}kept", broken_stream(2 * MB))
    assert await storage.get(f"{ns}kept") == b"old content"


async def test_interrupted_upload_through_link(harness: StorageHarness, ns: str) -> None:
    """A client that drops a presigned upload midway leaves no object either."""
    url = await harness.storage.presign(LinkMethod.PUT, f"{ns}via-link", TTL)
    with pytest.raises(Exception):  # noqa: B017 - whatever the transport makes of it
        await harness.fetch(
            "PUT", url, content=broken_stream(6 * MB), headers={"Content-Length": str(20 * MB)}
        )
    with pytest.raises(ObjectNotFound):
        await harness.storage.head(f"{ns}via-link")


# ---------------------------------------------------------------- S3 credentials


async def test_s3_bad_credentials_rejected(ns: str) -> None:
    """S3 only: the local adapter has no credentials to get wrong."""
    wrong = S3ObjectStorage(s3_config(f"cz-test-{uuid.uuid4().hex[:12]}", secret="not-the-secret"))
    await wrong.start()  # does not raise: readiness reports it instead
    try:
        ok, detail = await wrong.check()
        assert not ok
        assert "credentials rejected" in detail
        with pytest.raises(StorageUnavailable):
            await wrong.put(f"{ns}x", b"x")
        with pytest.raises(StorageUnavailable):
            await wrong.get(f"{ns}x")
    finally:
        await wrong.stop()


async def test_check_reports_adapter(storage: ObjectStorage, harness: StorageHarness) -> None:
    ok, detail = await storage.check()
    assert ok, detail
    assert storage.adapter == harness.kind
    assert storage.name == "storage"
