"""Presigned links the app serves itself (local storage): check the link, then stream the object."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator

from domain.common.ports import Clock
from domain.common.storage import (
    LinkMethod,
    LinkRefused,
    LinkSigner,
    ObjectInfo,
    ObjectReader,
    ObjectStorage,
    ObjectTooLarge,
    object_key,
)

MAX_EXPIRES_DIGITS = 12  # a Unix time in seconds; longer values are not ours


class ObjectLinks:
    """Admits a request only with a signature made for this method, key and expiry, before expiry."""

    def __init__(
        self, storage: ObjectStorage, signer: LinkSigner, clock: Clock, max_upload_bytes: int
    ) -> None:
        self._storage = storage
        self._signer = signer
        self._clock = clock
        self._max_upload_bytes = max_upload_bytes

    def _admit(self, method: LinkMethod, key: str, expires: str, signature: str) -> None:
        object_key(key)
        if not expires.isascii() or not expires.isdigit() or len(expires) > MAX_EXPIRES_DIGITS:
            raise LinkRefused(reason="malformed")
        deadline = int(expires)
        # The signature is checked first and in constant time; only a genuine link learns it expired.
        if not self._signer.verify(method, key, deadline, signature):
            raise LinkRefused(reason="signature does not match")
        if self._clock.now().timestamp() > deadline:
            raise LinkRefused(reason="expired")

    async def open(
        self, key: str, expires: str, signature: str, *, offset: int = 0, length: int | None = None
    ) -> ObjectReader:
        self._admit(LinkMethod.GET, key, expires, signature)
        return await self._storage.open(key, offset=offset, length=length)

    async def upload(
        self, key: str, expires: str, signature: str, body: AsyncIterable[bytes], content_type: str | None
    ) -> ObjectInfo:
        self._admit(LinkMethod.PUT, key, expires, signature)
        return await self._storage.put(key, self._bounded(body), content_type=content_type)

    async def _bounded(self, body: AsyncIterable[bytes]) -> AsyncIterator[bytes]:
        received = 0
        async for chunk in body:
            received += len(chunk)
            if received > self._max_upload_bytes:
                # Raised inside the stream, so the adapter drops the partial upload.
                raise ObjectTooLarge(limit=self._max_upload_bytes)
            yield chunk
