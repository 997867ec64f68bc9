"""Turning whatever `put` was given (bytes, a sync or an async iterable) into chunks of bytes."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterable, AsyncIterator, Iterable
from concurrent.futures import TimeoutError as FutureTimeout

from domain.common.storage import Body

CHUNK = 1024 * 1024


def _as_bytes(chunk: object) -> bytes:
    if isinstance(chunk, bytes):
        return chunk
    if isinstance(chunk, bytearray | memoryview):
        return bytes(chunk)
    raise TypeError(f"object body chunks must be bytes, got {type(chunk).__name__}")


async def chunks(body: Body) -> AsyncIterator[bytes]:
    """The body's bytes as they come; empty chunks are dropped."""
    if isinstance(body, bytes | bytearray | memoryview):
        if body:
            yield bytes(body)
        return
    if isinstance(body, str):
        raise TypeError("object bodies are bytes; encode text first")
    if isinstance(body, AsyncIterable):
        async for chunk in body:
            if data := _as_bytes(chunk):
                yield data
        return
    if isinstance(body, Iterable):
        for chunk in body:
            if data := _as_bytes(chunk):
                yield data
        return
    raise TypeError(f"unsupported object body {type(body).__name__}")


async def blocks(source: AsyncIterator[bytes], size: int = CHUNK) -> AsyncIterator[bytes]:
    """Regroup chunks into blocks of `size` bytes (the last may be shorter): fewer thread hops."""
    buffer = bytearray()
    async for chunk in source:
        buffer += chunk
        while len(buffer) >= size:
            yield bytes(buffer[:size])
            del buffer[:size]
    if buffer:
        yield bytes(buffer)


class BlockingReader(io.RawIOBase):
    """A file-like `read()` for a blocking SDK running in a worker thread, fed by an async
    iterator that keeps running on the event loop. Errors raised by the iterator surface in
    the thread, so the SDK aborts its multipart upload and nothing becomes visible."""

    def __init__(
        self, source: AsyncIterator[bytes], loop: asyncio.AbstractEventLoop, *, wait_s: float = 300.0
    ) -> None:
        super().__init__()
        self._source = source
        self._loop = loop
        self._wait_s = wait_s
        self._buffer = bytearray()
        self._eof = False
        self._aborted = False
        self.failure: BaseException | None = None  # what the source raised, for the caller

    def readable(self) -> bool:
        return True

    def abort(self) -> None:
        """The caller went away: make the next read fail so the upload is abandoned."""
        self._aborted = True

    def read(self, size: int | None = -1) -> bytes:
        want = -1 if size is None else size
        while not self._eof and (want < 0 or len(self._buffer) < want):
            if self._aborted:
                raise ConnectionAbortedError("upload abandoned by the caller")
            future = asyncio.run_coroutine_threadsafe(_next(self._source), self._loop)
            try:
                chunk = future.result(timeout=self._wait_s)
            except FutureTimeout:
                future.cancel()
                raise TimeoutError("upload stream stalled") from None
            except BaseException as exc:
                self.failure = exc
                raise
            if chunk is None:
                self._eof = True
            else:
                self._buffer += chunk
        take = len(self._buffer) if want < 0 else min(want, len(self._buffer))
        out = bytes(self._buffer[:take])
        del self._buffer[:take]
        return out


async def _next(source: AsyncIterator[bytes]) -> bytes | None:
    try:
        return await anext(source)
    except StopAsyncIteration:
        return None
