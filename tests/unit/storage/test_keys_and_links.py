"""Pure rules of object storage: key validation, link signatures and the link service."""

from __future__ import annotations

import os
import stat
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from application.common.objects import ObjectLinks
from domain.common.storage import (
    InvalidContentType,
    InvalidObjectKey,
    LinkMethod,
    LinkRefused,
    ObjectTooLarge,
    content_type,
    key_prefix,
    object_key,
)
from infra.security.secrets import load_or_create_secret
from infra.storage.s3 import S3Config
from infra.storage.signing import HmacLinkSigner

GOOD_KEYS = [
    "a",
    "uploads/2026/11/report.pdf",
    "知识库/文档 1.txt",
    "100% sure.txt",  # a lone percent sign is no escape
    "..hidden/x..y/...",
    "a" * 250,
    "/".join(["s" * 200] * 5),  # 1004 bytes
]


@pytest.mark.parametrize("key", GOOD_KEYS)
def test_good_keys_pass_unchanged(key: str) -> None:
    assert object_key(key) == key


@pytest.mark.parametrize(
    "key",
    ["", "..", "../x", "a/../b", "/a", "a//b", "a/", "a\\b", "%2e%2e/x", "a%2Fb", "a\x00", "a\x1f", "a\x85"],
)
def test_bad_keys_refused(key: str) -> None:
    with pytest.raises(InvalidObjectKey):
        object_key(key)


def test_error_echo_is_bounded_and_printable() -> None:
    with pytest.raises(InvalidObjectKey) as caught:
        object_key("\x00" + "z" * 5000)
    assert len(caught.value.params["key"]) < 100
    assert "\x00" not in caught.value.params["key"]


def test_prefixes() -> None:
    for prefix in ("", "a", "a/", "a/b", "uploads/20"):
        assert key_prefix(prefix) == prefix
    for prefix in ("/", "../", "a/..", "a//", "%2e"):
        with pytest.raises(InvalidObjectKey):
            key_prefix(prefix)


def test_content_types() -> None:
    assert content_type(None) == "application/octet-stream"
    assert content_type("text/plain; charset=utf-8") == "text/plain; charset=utf-8"
    for bad in ("text", "text/plain\r\nx-evil: 1", "a/b" + "c" * 300):
        with pytest.raises(InvalidContentType):
            content_type(bad)


def test_signatures_bind_method_key_expiry_and_secret() -> None:
    signer = HmacLinkSigner(b"k" * 32)
    signature = signer.sign(LinkMethod.GET, "a/b", 1000)
    assert signer.verify(LinkMethod.GET, "a/b", 1000, signature)
    assert not signer.verify(LinkMethod.PUT, "a/b", 1000, signature)
    assert not signer.verify(LinkMethod.GET, "a/c", 1000, signature)
    assert not signer.verify(LinkMethod.GET, "a/b", 1001, signature)
    assert not signer.verify(LinkMethod.GET, "a/b", 1000, signature[:-1])
    assert not signer.verify(LinkMethod.GET, "a/b", 1000, "\udcff" + signature)
    assert not HmacLinkSigner(b"j" * 32).verify(LinkMethod.GET, "a/b", 1000, signature)
    assert "k" * 32 not in repr(signer)


def test_secret_is_created_once_and_private(tmp_path: Path) -> None:
    path = tmp_path / "secrets" / "link.key"
    first = load_or_create_secret(path)
    assert load_or_create_secret(path) == first
    assert len(first) >= 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert os.listdir(path.parent) == ["link.key"]  # no temporary files left


class StepClock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


class RecordingStorage:
    def __init__(self) -> None:
        self.stored: dict[str, bytes] = {}

    async def put(self, key: str, body: AsyncIterator[bytes], *, content_type: str | None = None) -> object:
        self.stored[key] = b"".join([chunk async for chunk in body])
        return object()

    async def open(self, key: str, *, offset: int = 0, length: int | None = None) -> str:
        return f"reader:{key}"


async def _body(*chunks: bytes) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


async def test_link_service_checks_signature_then_expiry() -> None:
    clock = StepClock(datetime(2026, 1, 1, tzinfo=UTC))
    signer = HmacLinkSigner(b"s" * 32)
    storage = RecordingStorage()
    links = ObjectLinks(storage, signer, clock, max_upload_bytes=10)  # type: ignore[arg-type]
    expires = int((clock.now() + timedelta(seconds=60)).timestamp())
    signature = signer.sign(LinkMethod.GET, "k", expires)
    assert await links.open("k", str(expires), signature) == "reader:k"
    clock.current += timedelta(seconds=61)
    with pytest.raises(LinkRefused) as caught:
        await links.open("k", str(expires), signature)
    assert caught.value.params["reason"] == "expired"
    with pytest.raises(LinkRefused) as caught:
        await links.open("k", str(expires), "forged")
    assert caught.value.params["reason"] == "signature does not match"
    full_width_digits = "\uff11\uff12"
    for malformed in ("", "-1", "1e9", full_width_digits, "9" * 13):
        with pytest.raises(LinkRefused):
            await links.open("k", malformed, signature)
    with pytest.raises(InvalidObjectKey):
        await links.open("../k", str(expires), signature)


async def test_link_uploads_are_bounded() -> None:
    clock = StepClock(datetime(2026, 1, 1, tzinfo=UTC))
    signer = HmacLinkSigner(b"s" * 32)
    storage = RecordingStorage()
    links = ObjectLinks(storage, signer, clock, max_upload_bytes=10)  # type: ignore[arg-type]
    expires = str(int(clock.now().timestamp()) + 60)
    signature = signer.sign(LinkMethod.PUT, "k", int(expires))
    await links.upload("k", expires, signature, _body(b"12345", b"67890"), None)
    assert storage.stored["k"] == b"1234567890"
    with pytest.raises(ObjectTooLarge):
        await links.upload("k", expires, signature, _body(b"12345", b"678901"), None)
    with pytest.raises(LinkRefused):  # a download link is no upload link
        await links.upload("k", expires, signer.sign(LinkMethod.GET, "k", int(expires)), _body(b"x"), None)


def test_s3_url_parsing() -> None:
    config = S3Config.from_url("s3://AK:s%2Fec%2Bret@minio.local:9000/files?secure=false&region=eu-west-1")
    assert (config.endpoint, config.access_key, config.secret_key, config.bucket) == (
        "minio.local:9000",
        "AK",
        "s/ec+ret",
        "files",
    )
    assert (config.secure, config.region, config.part_size) == (False, "eu-west-1", 8 * 1024 * 1024)
    assert "s/ec+ret" not in repr(config)
    override = S3Config.from_url("s3://minio.local/files?part_size_mb=16", access_key="A", secret_key="S")
    assert (override.access_key, override.secret_key, override.secure) == ("A", "S", True)
    assert override.part_size == 16 * 1024 * 1024
    for bad in (
        "http://a:b@host/bucket",
        "s3://a:b@host/",
        "s3://a:b@host/b/c",
        "s3://host/bucket",
        "s3://a:b@host/b?part_size_mb=1",
        "s3://a:b@host/b?colour=red",
    ):
        with pytest.raises(ValueError):
            S3Config.from_url(bad)
