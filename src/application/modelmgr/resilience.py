"""Retries with backoff, an optional fallback model and a per-model concurrency limit.

Only errors that may pass on their own are retried (rate limits, unavailability, timeouts), and a
stream only until its first chunk: once text reached the caller, trying again would repeat it.
The fallback model takes over when the primary failed before producing anything, for reasons of
the provider (not for the caller's bad parameters or the model's own malformed tool calls).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from domain.common.llm import (
    ChatChunk,
    ChatModel,
    ChatRequest,
    InvalidModelParameter,
    ModelBusy,
    ModelError,
    ModelUnsupported,
    ToolArgumentsInvalid,
)

T = TypeVar("T")
MAX_RETRY_AFTER_S = 30.0
_NO_FALLBACK = (ToolArgumentsInvalid, ModelUnsupported, InvalidModelParameter)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_retries: int = 2
    base_delay_s: float = 0.5
    max_delay_s: float = 8.0

    def delay(self, attempt: int, error: ModelError) -> float:
        if error.retry_after is not None:
            return min(float(error.retry_after), MAX_RETRY_AFTER_S)
        ceiling = min(self.max_delay_s, self.base_delay_s * (2.0**attempt))
        return ceiling * (0.5 + random.random() / 2)  # jitter: callers that failed together retry apart


class Slots:
    """At most `limit` calls in flight (per process); 0 means no limit."""

    def __init__(self, limit: int, wait_s: float) -> None:
        self._sem = asyncio.Semaphore(limit) if limit > 0 else None
        self._wait_s = wait_s
        self.limit = limit

    @contextlib.asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        if self._sem is None:
            yield
            return
        try:
            await asyncio.wait_for(self._sem.acquire(), self._wait_s)
        except TimeoutError:
            raise ModelBusy(limit=self.limit) from None
        try:
            yield
        finally:
            self._sem.release()


def fallback_allowed(error: ModelError) -> bool:
    return not isinstance(error, _NO_FALLBACK)


class ResilientChatModel:
    def __init__(
        self,
        primary: ChatModel,
        policy: RetryPolicy,
        slots: Slots,
        fallback: Callable[[], Awaitable[ChatModel | None]] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._primary, self._policy, self._slots = primary, policy, slots
        self._fallback, self._sleep = fallback, sleep

    def stream(self, request: ChatRequest) -> AsyncIterator[ChatChunk]:
        return self._stream(request)

    async def _stream(self, request: ChatRequest) -> AsyncIterator[ChatChunk]:
        attempt = 0
        while True:
            started = False
            try:
                async with self._slots.hold():
                    async for chunk in self._primary.stream(request):
                        started = True
                        yield chunk
                return
            except ModelError as error:
                if not started and error.retryable and attempt < self._policy.max_retries:
                    await self._sleep(self._policy.delay(attempt, error))
                    attempt += 1
                    continue
                fallback = None
                if not started and self._fallback is not None and fallback_allowed(error):
                    fallback = await self._fallback()
                if fallback is None:
                    raise
            break
        async for chunk in fallback.stream(request):
            yield chunk


async def with_retries(
    call: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    slots: Slots,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """One-shot calls (embeddings, rerank) under the same retry rules and concurrency limit."""
    attempt = 0
    while True:
        try:
            async with slots.hold():
                return await call()
        except ModelError as error:
            if not error.retryable or attempt >= policy.max_retries:
                raise
            await sleep(policy.delay(attempt, error))
            attempt += 1
