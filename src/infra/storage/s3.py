"""Object storage on MinIO or any S3 server, through the MinIO SDK.

The SDK blocks, so every call runs on a small thread pool of our own (the event loop never waits
on the network). Streamed bodies reach the SDK through `BlockingReader`; the SDK splits them into
parts of `part_size` and aborts the multipart upload if the stream fails, so a broken upload
never becomes a visible object.
"""

from __future__ import annotations

import asyncio
import io
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import parse_qs, unquote, urlsplit

import structlog
import urllib3
from minio import Minio
from minio.error import InvalidResponseError, MinioException, S3Error, ServerError
from urllib3.response import BaseHTTPResponse

from domain.common.storage import (
    Body,
    InvalidObjectRange,
    LinkMethod,
    ObjectInfo,
    ObjectNotFound,
    ObjectPage,
    StorageUnavailable,
    byte_range,
    key_prefix,
    link_ttl,
    object_key,
)
from domain.common.storage import content_type as mime_type
from infra.common.breaker import Breaker, never
from infra.storage.body import CHUNK, BlockingReader, chunks
from infra.storage.reader import ObjectSpan

log = structlog.get_logger("cozeplus.storage")

T = TypeVar("T")
MIN_PART_SIZE = 5 * 1024 * 1024  # S3's smallest part (except the last)
CREDENTIAL_CODES = frozenset({"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"})
CALL_TIMEOUT_S = 5.0  # metadata calls (head, delete, list, bucket); transfers follow the SDK's timeouts


@dataclass(frozen=True, slots=True)
class S3Config:
    endpoint: str  # host:port
    access_key: str
    secret_key: str
    bucket: str
    secure: bool = True
    region: str = "us-east-1"
    part_size: int = 8 * 1024 * 1024

    def __repr__(self) -> str:  # never print the secret
        return f"S3Config(endpoint={self.endpoint!r}, bucket={self.bucket!r}, secure={self.secure})"

    @classmethod
    def from_url(cls, url: str, *, access_key: str | None = None, secret_key: str | None = None) -> S3Config:
        """`s3://ACCESS:SECRET@host:port/bucket?secure=false&region=us-east-1&part_size_mb=8`.

        Keys in the URL are percent-decoded; `access_key`/`secret_key` (separate settings) win.
        """
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.hostname:
            raise ValueError("storage URL must look like s3://ACCESS:SECRET@host:port/bucket")
        bucket = parts.path.strip("/")
        if not bucket or "/" in bucket:
            raise ValueError("storage URL must name exactly one bucket: s3://.../bucket")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        unknown = set(query) - {"secure", "region", "part_size_mb"}
        if unknown:
            raise ValueError(f"unknown storage URL option(s): {', '.join(sorted(unknown))}")
        access = access_key or unquote(parts.username or "")
        secret = secret_key or unquote(parts.password or "")
        if not access or not secret:
            raise ValueError("S3 storage needs an access key and a secret key")
        part_size = int(query.get("part_size_mb", "8")) * 1024 * 1024
        if part_size < MIN_PART_SIZE:
            raise ValueError("part_size_mb must be at least 5")
        host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
        return cls(
            endpoint=f"{host}:{parts.port}" if parts.port else host,
            access_key=access,
            secret_key=secret,
            bucket=bucket,
            secure=query.get("secure", "true").lower() not in ("false", "0", "no"),
            region=query.get("region", "us-east-1"),
            part_size=part_size,
        )


class S3Reader(ObjectSpan):
    def __init__(self, storage: S3ObjectStorage, response: BaseHTTPResponse, info: ObjectInfo, offset: int):
        super().__init__(info, offset, int(response.headers.get("content-length", "0")))
        self._storage = storage
        self._response = response
        self._closed = False

    async def __aiter__(self) -> Any:
        try:
            while True:
                data = await self._storage._run(self._response.read, CHUNK)
                if not data:
                    break
                yield data
        finally:
            await self.aclose()

    async def aclose(self) -> None:
        if not self._closed:
            self._closed = True
            self._response.close()
            self._response.release_conn()


class S3ObjectStorage:
    name = "storage"
    adapter = "s3"

    def __init__(
        self, config: S3Config, *, max_threads: int = 8, call_timeout_s: float = CALL_TIMEOUT_S
    ) -> None:
        self.config = config
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=1.0, read=60.0),
            maxsize=max_threads,
            retries=urllib3.Retry(total=2, backoff_factor=0.1, status_forcelist=[500, 502, 503, 504]),
        )
        # After a failure, calls fail at once (503) until a probe gets through (docs/adr/0034).
        self.breaker = Breaker("s3", timeout_s=call_timeout_s)
        self._client = Minio(
            config.endpoint,
            access_key=config.access_key,
            secret_key=config.secret_key,
            secure=config.secure,
            region=config.region,
            http_client=http,
        )
        self._pool = ThreadPoolExecutor(max_workers=max_threads, thread_name_prefix="s3")
        self._bucket_ready = False
        self._bucket_lock = threading.Lock()

    async def _run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, lambda: fn(*args, **kwargs))

    async def _call(
        self,
        key: str,
        fn: Callable[..., T],
        *args: Any,
        transfer: bool = False,
        source: BlockingReader | None = None,
        **kwargs: Any,
    ) -> T:
        """Run an SDK call in the pool through the breaker and turn its failures into domain errors."""

        async def attempt() -> T:
            try:
                return await self._run(self._with_bucket, fn, *args, **kwargs)
            except Exception as exc:
                if source is not None and source.failure is not None:
                    raise _CallerFailed() from None  # the caller's stream broke, not the server
                if isinstance(exc, MinioException | urllib3.exceptions.HTTPError | OSError):
                    raise _translate(exc, key) from exc
                raise

        try:
            return await self.breaker.call(
                attempt, StorageUnavailable, bounded=not transfer, is_failure=never
            )
        except _CallerFailed:
            assert source is not None and source.failure is not None
            raise source.failure from None

    def _with_bucket(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        self._ensure_bucket()
        return fn(*args, **kwargs)

    def _ensure_bucket(self) -> None:
        # Created on first use rather than at start-up, so a server that comes up later is picked up.
        if self._bucket_ready:
            return
        with self._bucket_lock:
            if not self._bucket_ready:
                if not self._client.bucket_exists(self.config.bucket):
                    try:
                        self._client.make_bucket(self.config.bucket, location=self.config.region)
                    except S3Error as exc:
                        if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                            raise
                self._bucket_ready = True

    async def start(self) -> None:
        try:
            await self._run(self._ensure_bucket)
        except Exception as exc:  # down at start-up: /readyz says so and calls retry later
            log.warning("storage_unavailable_at_start", adapter=self.adapter, error=_reason(exc))

    async def stop(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    async def check(self) -> tuple[bool, str]:
        started = asyncio.get_running_loop().time()
        try:
            await self._run(self._ensure_bucket)
            await self._run(self._client.bucket_exists, self.config.bucket)
        except Exception as exc:  # readiness reports, never raises
            return False, _reason(exc)
        return (
            True,
            f"bucket {self.config.bucket}, {(asyncio.get_running_loop().time() - started) * 1000:.1f} ms",
        )

    async def put(self, key: str, body: Body, *, content_type: str | None = None) -> ObjectInfo:
        object_key(key)
        mime = mime_type(content_type)
        if isinstance(body, bytes | bytearray | memoryview):
            data = bytes(body)
            await self._call(
                key,
                self._client.put_object,
                self.config.bucket,
                key,
                io.BytesIO(data),
                len(data),
                content_type=mime,
                part_size=self.config.part_size,
                transfer=True,
            )
            return await self.head(key)
        reader = BlockingReader(chunks(body), asyncio.get_running_loop())
        try:
            await self._call(
                key,
                self._client.put_object,
                self.config.bucket,
                key,
                reader,
                -1,
                content_type=mime,
                part_size=self.config.part_size,
                transfer=True,
                source=reader,
            )
        except BaseException:
            reader.abort()  # also on cancellation: the thread stops reading and the SDK aborts
            if reader.failure is not None:
                raise reader.failure from None  # the caller's stream broke, not the server
            raise
        return await self.head(key)

    async def get(self, key: str, *, offset: int = 0, length: int | None = None) -> bytes:
        object_key(key)
        byte_range(offset, length)

        def fetch() -> bytes:
            response = self._client.get_object(self.config.bucket, key, offset=offset, length=length or 0)
            try:
                return response.read()
            finally:
                response.close()
                response.release_conn()

        return await self._call(key, fetch, transfer=True)

    async def open(self, key: str, *, offset: int = 0, length: int | None = None) -> S3Reader:
        object_key(key)
        byte_range(offset, length)
        response = await self._call(
            key, self._client.get_object, self.config.bucket, key, offset=offset, length=length or 0
        )
        headers = response.headers
        total = int(headers.get("content-length", "0"))
        if "content-range" in headers:  # bytes a-b/total
            total = int(headers["content-range"].rpartition("/")[2])
        modified = datetime.strptime(headers["last-modified"], "%a, %d %b %Y %H:%M:%S %Z").replace(tzinfo=UTC)
        info = ObjectInfo(
            key=key,
            size=total,
            etag=headers.get("etag", "").strip('"'),
            content_type=headers.get("content-type", "application/octet-stream"),
            modified_at=modified,
        )
        return S3Reader(self, response, info, offset)

    async def head(self, key: str) -> ObjectInfo:
        object_key(key)
        stat = await self._call(key, self._client.stat_object, self.config.bucket, key)
        return ObjectInfo(
            key=key,
            size=int(stat.size or 0),
            etag=(stat.etag or "").strip('"'),
            content_type=stat.content_type or "application/octet-stream",
            modified_at=stat.last_modified or datetime.now(UTC),
        )

    async def delete(self, key: str) -> None:
        object_key(key)
        await self._call(key, self._client.remove_object, self.config.bucket, key)

    async def list(self, prefix: str = "", *, after: str | None = None, limit: int = 1000) -> ObjectPage:
        key_prefix(prefix)
        if after is not None:
            object_key(after)
        limit = max(1, min(limit, 1000))

        def page() -> list[ObjectInfo]:
            found: list[ObjectInfo] = []
            listing = self._client.list_objects(
                self.config.bucket, prefix=prefix or None, recursive=True, start_after=after
            )
            for item in listing:
                if item.is_dir or item.object_name is None:
                    continue
                found.append(
                    ObjectInfo(
                        key=item.object_name,
                        size=int(item.size or 0),
                        etag=(item.etag or "").strip('"'),
                        content_type="",  # listings do not carry it; `head` does
                        modified_at=item.last_modified or datetime.now(UTC),
                    )
                )
                if len(found) > limit:
                    break
            return found

        found = await self._call(prefix, page)
        more = len(found) > limit
        found = found[:limit]
        return ObjectPage(objects=found, next_after=found[-1].key if more else None)

    async def presign(self, method: LinkMethod, key: str, ttl: timedelta) -> str:
        object_key(key)
        link_ttl(ttl)
        # Signing is local arithmetic (the region is configured), so no network call happens here.
        if method is LinkMethod.GET:
            return self._client.presigned_get_object(self.config.bucket, key, expires=ttl)
        return self._client.presigned_put_object(self.config.bucket, key, expires=ttl)


class _CallerFailed(Exception):
    """Carries a failure of the caller's own body past the breaker, which must not count it."""


def _reason(exc: BaseException) -> str:
    if isinstance(exc, S3Error):
        if exc.code in CREDENTIAL_CODES:
            return f"credentials rejected ({exc.code})"
        return str(exc.code)
    if isinstance(exc, ServerError | InvalidResponseError):
        return f"server error ({type(exc).__name__})"
    if isinstance(exc, urllib3.exceptions.MaxRetryError) and exc.reason is not None:
        return f"unreachable ({type(exc.reason).__name__})"
    return f"unreachable ({type(exc).__name__})"


def _translate(exc: BaseException, key: str) -> Exception:
    if isinstance(exc, S3Error):
        if exc.code == "NoSuchKey":
            return ObjectNotFound(key=key)
        if exc.code == "InvalidRange":
            return InvalidObjectRange(key=key)
    return StorageUnavailable(reason=_reason(exc))
