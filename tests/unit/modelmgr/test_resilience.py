"""Retries, fallback and the concurrency limit, over in-memory chat models (fakes of the port)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from application.modelmgr.resilience import ResilientChatModel, RetryPolicy, Slots, with_retries
from domain.common.llm import (
    ChatChunk,
    ChatMessage,
    ChatModel,
    ChatRequest,
    ModelAuthFailed,
    ModelBusy,
    ModelError,
    ModelRateLimited,
    ModelUnavailable,
    Role,
    ToolArgumentsInvalid,
    collect,
)

REQUEST = ChatRequest([ChatMessage(Role.USER, "hi")])


class Scripted:
    """Fails with the given errors in turn (an error after `after` chunks if set), then answers."""

    def __init__(self, *errors: ModelError, answer: str = "ok", after: int = 0) -> None:
        self.errors = list(errors)
        self.answer = answer
        self.after = after
        self.calls = 0

    def stream(self, request: ChatRequest) -> AsyncIterator[ChatChunk]:
        return self._stream()

    async def _stream(self) -> AsyncIterator[ChatChunk]:
        self.calls += 1
        for _ in range(self.after):
            yield ChatChunk(text="partial ")
        if self.errors:
            raise self.errors.pop(0)
        yield ChatChunk(text=self.answer)


class Sleeps:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def resilient(
    primary: ChatModel, retries: int = 2, fallback: ChatModel | None = None, limit: int = 0
) -> tuple[ResilientChatModel, Sleeps]:
    sleeps = Sleeps()

    async def find_fallback() -> ChatModel | None:
        return fallback

    model = ResilientChatModel(
        primary, RetryPolicy(max_retries=retries, base_delay_s=0.1), Slots(limit, 0.05), find_fallback, sleeps
    )
    return model, sleeps


async def test_retryable_errors_are_retried_with_growing_backoff() -> None:
    primary = Scripted(ModelUnavailable(endpoint="e", reason="x"), ModelUnavailable(endpoint="e", reason="x"))
    model, sleeps = resilient(primary)
    assert (await collect(model, REQUEST)).text == "ok"
    assert primary.calls == 3
    assert len(sleeps.delays) == 2
    assert 0.05 <= sleeps.delays[0] <= 0.1 and 0.1 <= sleeps.delays[1] <= 0.2


async def test_retry_after_from_the_provider_is_honoured() -> None:
    model, sleeps = resilient(Scripted(ModelRateLimited(retry_after=1.5)))
    await collect(model, REQUEST)
    assert sleeps.delays == [1.5]


async def test_errors_that_cannot_pass_are_not_retried() -> None:
    primary = Scripted(ModelAuthFailed(status=401, endpoint="e"))
    model, sleeps = resilient(primary)
    with pytest.raises(ModelAuthFailed):
        await collect(model, REQUEST)
    assert primary.calls == 1 and sleeps.delays == []


async def test_retries_stop_at_the_limit() -> None:
    primary = Scripted(*[ModelUnavailable(endpoint="e", reason="x")] * 5)
    model, _ = resilient(primary, retries=1)
    with pytest.raises(ModelUnavailable):
        await collect(model, REQUEST)
    assert primary.calls == 2


async def test_a_stream_that_already_produced_text_is_not_retried() -> None:
    primary = Scripted(ModelUnavailable(endpoint="e", reason="x"), after=1)
    fallback = Scripted(answer="from fallback")
    model, _ = resilient(primary, fallback=fallback)
    with pytest.raises(ModelUnavailable):
        await collect(model, REQUEST)
    assert primary.calls == 1 and fallback.calls == 0


async def test_the_fallback_model_answers_when_the_primary_gives_up() -> None:
    primary = Scripted(*[ModelUnavailable(endpoint="e", reason="x")] * 3)
    fallback = Scripted(answer="from fallback")
    model, _ = resilient(primary, retries=2, fallback=fallback)
    assert (await collect(model, REQUEST)).text == "from fallback"
    assert primary.calls == 3


async def test_no_fallback_for_the_models_own_malformed_tool_calls() -> None:
    fallback = Scripted(answer="from fallback")
    model, _ = resilient(Scripted(ToolArgumentsInvalid(tool="t")), fallback=fallback)
    with pytest.raises(ToolArgumentsInvalid):
        await collect(model, REQUEST)
    assert fallback.calls == 0


async def test_the_concurrency_limit_holds_and_a_waiter_gives_up_as_busy() -> None:
    gate = asyncio.Event()

    class Blocking:
        def stream(self, request: ChatRequest) -> AsyncIterator[ChatChunk]:
            return self._stream()

        async def _stream(self) -> AsyncIterator[ChatChunk]:
            await gate.wait()
            yield ChatChunk(text="done")

    model, _ = resilient(Blocking(), limit=1)
    first = asyncio.create_task(collect(model, REQUEST))
    await asyncio.sleep(0.01)
    with pytest.raises(ModelBusy):
        await collect(model, REQUEST)  # the only slot stays taken past the 0.05 s wait
    gate.set()
    assert (await first).text == "done"
    assert (await collect(model, REQUEST)).text == "done"  # the slot was given back


async def test_one_shot_calls_retry_the_same_way() -> None:
    attempts: list[int] = []

    async def call() -> str:
        attempts.append(1)
        if len(attempts) < 2:
            raise ModelRateLimited(retry_after=0)
        return "vector"

    sleeps = Sleeps()
    assert await with_retries(call, RetryPolicy(max_retries=2), Slots(0, 1), sleeps) == "vector"
    assert len(attempts) == 2 and sleeps.delays == [0]
