"""builtin-echo and builtin-hash: deterministic, offline, and exactly as documented in README."""

from __future__ import annotations

import math
import time

import pytest

from domain.common.llm import (
    ChatMessage,
    ChatRequest,
    ModelProviderError,
    Role,
    ToolArgumentsInvalid,
    ToolCall,
    collect,
)
from infra.embedding.hashing import HashingEmbeddings, tokens
from infra.llm.echo import EchoChatModel


def said(*texts: str) -> ChatRequest:
    return ChatRequest([ChatMessage(Role.SYSTEM, "you echo")] + [ChatMessage(Role.USER, t) for t in texts])


async def test_echo_streams_the_last_user_message_word_by_word() -> None:
    chunks = [c async for c in EchoChatModel().stream(said("first", "hello  big world"))]
    assert [c.text for c in chunks if c.text] == ["hello", " big", " world"]
    last = chunks[-1]
    assert last.finish_reason == "stop"
    assert last.usage is not None
    # input: words of every message (2 + 1 + 3); output: words streamed
    assert (last.usage.input_tokens, last.usage.output_tokens, last.usage.estimated) == (6, 3, False)


async def test_echo_is_deterministic() -> None:
    one = await collect(EchoChatModel(), said("same words here"))
    two = await collect(EchoChatModel(), said("same words here"))
    assert one == two


async def test_slow_streams_one_word_per_interval_and_is_not_echoed() -> None:
    model = EchoChatModel(slow_delay_s=0.05)
    started = time.perf_counter()
    result = await collect(model, said("a /slow b c"))
    elapsed = time.perf_counter() - started
    assert result.text == "a b c"
    assert elapsed >= 0.1  # two pauses between three words (a lower bound, never an upper one)


async def test_tool_directive_requests_the_tool_then_answers_with_its_result() -> None:
    result = await collect(EchoChatModel(), said('/tool get_weather {"city": "Paris", "days": 2}'))
    assert result.finish_reason == "tool_calls"
    assert [(c.name, dict(c.arguments)) for c in result.tool_calls] == [
        ("get_weather", {"city": "Paris", "days": 2})
    ]
    assert result.usage.output_tokens == 5  # get_weather {"city": "Paris", "days": 2}
    call = result.tool_calls[0]
    follow_up = ChatRequest(
        [
            ChatMessage(Role.USER, '/tool get_weather {"city": "Paris"}'),
            ChatMessage(Role.ASSISTANT, "", tool_calls=(call,)),
            ChatMessage(Role.TOOL, "sunny and 21 C", tool_call_id=call.id),
        ]
    )
    answer = await collect(EchoChatModel(), follow_up)
    assert answer.text == "sunny and 21 C"
    assert not answer.tool_calls


async def test_tool_directive_without_arguments_sends_an_empty_object() -> None:
    result = await collect(EchoChatModel(), said("/tool ping"))
    assert result.tool_calls == (ToolCall(result.tool_calls[0].id, "ping", {}),)


@pytest.mark.parametrize("args", ['{"city": "Par', "[1, 2]", "not json"])
async def test_tool_directive_with_bad_arguments_is_refused(args: str) -> None:
    with pytest.raises(ToolArgumentsInvalid):
        await collect(EchoChatModel(), said(f"/tool get_weather {args}"))


async def test_fail_raises_a_provider_error_that_is_not_retried() -> None:
    with pytest.raises(ModelProviderError) as caught:
        await collect(EchoChatModel(), said("please /fail now"))
    assert not caught.value.retryable


async def test_empty_conversation_yields_only_usage() -> None:
    result = await collect(EchoChatModel(), ChatRequest([]))
    assert result.text == ""
    assert result.usage.output_tokens == 0


async def test_hash_embeddings_are_unit_length_deterministic_and_lexical() -> None:
    model = HashingEmbeddings(64)
    a, b, c = await model.embed_documents(["red apple pie", "red apple tart", "quantum physics lecture"])
    assert len(a) == 64
    assert math.isclose(math.fsum(x * x for x in a), 1.0)
    assert await model.embed_query("red apple pie") == a

    def cos(x: list[float], y: list[float]) -> float:
        return math.fsum(p * q for p, q in zip(x, y, strict=True))

    assert cos(a, b) > cos(a, c)


def test_hash_tokens_cover_chinese_without_spaces() -> None:
    found = tokens("知识库 RAG")
    assert {"知", "识", "库", "知识", "识库", "rag"} <= set(found)


async def test_hash_of_empty_text_is_the_zero_vector() -> None:
    assert await HashingEmbeddings(16).embed_query("") == [0.0] * 16


def test_hash_dimension_is_bounded() -> None:
    with pytest.raises(ValueError, match="dimension"):
        HashingEmbeddings(4)
