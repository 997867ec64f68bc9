"""The LLM runtime port, one suite over every chat adapter: OpenAI, an OpenAI-compatible vendor,
DeepSeek, Ollama and Anthropic -- each over real HTTP against a scripted local server -- plus the
embedding adapters (OpenAI, Ollama, builtin-hash).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from domain.common.llm import (
    ChatMessage,
    ChatModel,
    ChatRequest,
    ModelAuthFailed,
    ModelBadResponse,
    ModelRateLimited,
    ModelTimeout,
    ModelUnavailable,
    Role,
    ToolArgumentsInvalid,
    ToolCall,
    ToolSpec,
    collect,
)
from domain.modelmgr.entities import ModelInstance
from domain.modelmgr.values import Capabilities, Connection, ModelKind
from infra.llm.factory import LangchainModelFactory
from tests.support.fake_anthropic import FakeAnthropic
from tests.support.fake_llm import (
    Delay,
    Malformed,
    Reply,
    ScriptedServer,
    Status,
    ToolCallReply,
    free_port,
    serving,
)
from tests.support.fake_ollama import FakeOllama
from tests.support.fake_openai import FakeOpenAI

KEY = "sk-test-9f8e7d6c5b4a39281706"
WEATHER = ToolSpec(
    "get_weather", "Weather of a city", {"type": "object", "properties": {"city": {"type": "string"}}}
)


@dataclass
class Adapter:
    provider: str
    server: ScriptedServer
    api_key: str = KEY
    tools_in_stream_fragments: bool = True  # Ollama sends whole tool calls as JSON objects

    def instance(self, *, base_url: str | None = None, timeout_s: float = 5.0) -> ModelInstance:
        connection = Connection(
            base_url=base_url or self.server.url,
            api_key=self.api_key,
            model="fake-model",
            timeout_s=timeout_s,
        )
        caps = Capabilities(function_calling=True)
        return ModelInstance(1, ModelKind.LLM, self.provider, "contract", connection, caps).check()

    def chat(self, **kwargs: float | str) -> ChatModel:
        return LangchainModelFactory().chat(self.instance(**kwargs))  # type: ignore[arg-type]


SERVERS = {"openai": (FakeOpenAI, "/v1"), "ollama": (FakeOllama, ""), "anthropic": (FakeAnthropic, "")}
ADAPTERS = {
    "openai": ("openai", "openai", KEY),
    "openai_compatible": ("openai_compatible", "openai", ""),  # a vLLM-style server without a key
    "qwen": ("qwen", "openai", KEY),
    "deepseek": ("deepseek", "openai", KEY),
    "ollama": ("ollama", "ollama", ""),
    "anthropic": ("anthropic", "anthropic", KEY),
}


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, ScriptedServer]]:
    running: dict[str, ScriptedServer] = {}
    contexts = []
    for name, (cls, prefix) in SERVERS.items():
        ctx = serving(cls(), prefix)
        running[name] = ctx.__enter__()
        contexts.append(ctx)
    yield running
    for ctx in contexts:
        ctx.__exit__(None, None, None)


@pytest.fixture(params=list(ADAPTERS))
def adapter(request: pytest.FixtureRequest, servers: dict[str, ScriptedServer]) -> Adapter:
    provider, server, key = ADAPTERS[request.param]
    servers[server].clear()
    return Adapter(provider, servers[server], key, tools_in_stream_fragments=server != "ollama")


def ask(text: str, **params: float | int) -> ChatRequest:
    return ChatRequest(
        [ChatMessage(Role.SYSTEM, "be brief"), ChatMessage(Role.USER, text)], parameters=params
    )


async def test_streams_text_in_pieces_with_the_providers_usage(adapter: Adapter) -> None:
    adapter.server.enqueue(Reply("the quick brown fox"))
    chunks = [c async for c in adapter.chat().stream(ask("hello there"))]
    assert [c.text for c in chunks if c.text] == ["the", " quick", " brown", " fox"]
    last = chunks[-1]
    assert last.finish_reason == "stop"
    assert last.usage is not None and not last.usage.estimated
    assert last.usage.output_tokens == 4
    assert last.usage.input_tokens == 4  # the scripted servers count words: "be brief" + "hello there"


async def test_usage_is_estimated_when_the_provider_reports_none(servers: dict[str, ScriptedServer]) -> None:
    server = servers["openai"]
    server.enqueue(Reply("one two three", usage=False))
    result = await collect(Adapter("openai", server).chat(), ask("count these words please"))
    assert result.text == "one two three"
    assert result.usage.estimated
    assert result.usage.output_tokens >= 3
    assert result.usage.input_tokens > 4


async def test_tool_calls_arrive_whole_with_parsed_arguments(adapter: Adapter) -> None:
    adapter.server.enqueue(ToolCallReply("get_weather", '{"city": "Paris", "days": 2}', call_id="call_7"))
    request = ChatRequest([ChatMessage(Role.USER, "weather in Paris?")], tools=[WEATHER])
    result = await collect(adapter.chat(), request)
    assert len(result.tool_calls) == 1
    call = result.tool_calls[0]
    assert (call.name, dict(call.arguments)) == ("get_weather", {"city": "Paris", "days": 2})
    assert call.id
    assert result.finish_reason == "tool_calls"
    sent = adapter.server.requests[-1].body
    assert "get_weather" in str(sent.get("tools"))


async def test_a_tool_result_goes_back_to_the_provider(adapter: Adapter) -> None:
    call = ToolCall("call_1", "get_weather", {"city": "Paris"})
    request = ChatRequest(
        [
            ChatMessage(Role.USER, "weather in Paris?"),
            ChatMessage(Role.ASSISTANT, "", tool_calls=(call,)),
            ChatMessage(Role.TOOL, "sunny", tool_call_id="call_1", name="get_weather"),
        ],
        tools=[WEATHER],
    )
    adapter.server.enqueue(Reply("It is sunny"))
    result = await collect(adapter.chat(), request)
    assert result.text == "It is sunny"
    assert "sunny" in str(adapter.server.requests[-1].body["messages"])


async def test_tool_call_arguments_that_are_not_json_are_refused(adapter: Adapter) -> None:
    if not adapter.tools_in_stream_fragments:
        pytest.skip("Ollama sends tool arguments as a JSON object, never as text")
    adapter.server.enqueue(ToolCallReply("get_weather", '{"city": "Par'))
    with pytest.raises(ToolArgumentsInvalid) as caught:
        await collect(adapter.chat(), ChatRequest([ChatMessage(Role.USER, "x")], tools=[WEATHER]))
    assert not caught.value.retryable
    assert caught.value.params["tool"] == "get_weather"


async def test_sampling_parameters_reach_the_provider(adapter: Adapter) -> None:
    await collect(adapter.chat(), ask("hi", temperature=0.3, max_tokens=7))
    body = adapter.server.requests[-1].body
    sent = body.get("options", body)  # Ollama nests them under options
    assert sent["temperature"] == pytest.approx(0.3)
    assert 7 in (sent.get("max_tokens"), sent.get("max_completion_tokens"), sent.get("num_predict"))


@pytest.mark.parametrize(
    ("status", "error", "retryable"),
    [(401, ModelAuthFailed, False), (429, ModelRateLimited, True), (500, ModelUnavailable, True)],
)
async def test_provider_errors_become_model_errors_without_the_key(
    adapter: Adapter, status: int, error: type[Exception], retryable: bool
) -> None:
    # Providers quote the refused key back; the error the platform shows must not.
    message = f"Incorrect API key provided: {KEY}"
    adapter.server.enqueue(Status(status, {"error": {"message": message, "type": "x"}}))
    with pytest.raises(error) as caught:
        await collect(adapter.chat(), ask("hi"))
    assert caught.value.retryable is retryable  # type: ignore[attr-defined]
    assert KEY not in str(caught.value.params)  # type: ignore[attr-defined]
    assert KEY[:12] not in repr(caught.value.params)  # type: ignore[attr-defined]


async def test_a_malformed_streaming_chunk_is_a_bad_response(adapter: Adapter) -> None:
    adapter.server.enqueue(Malformed())
    with pytest.raises(ModelBadResponse) as caught:
        await collect(adapter.chat(), ask("hi"))
    assert not caught.value.retryable


async def test_an_unreachable_base_url_is_unavailable_and_retryable(adapter: Adapter) -> None:
    url = f"http://127.0.0.1:{free_port()}" + ("/v1" if adapter.server.url.endswith("/v1") else "")
    with pytest.raises(ModelUnavailable) as caught:
        await collect(adapter.chat(base_url=url), ask("hi"))
    assert caught.value.retryable
    assert caught.value.params["reason"] == "cannot connect"


async def test_a_slow_provider_times_out(adapter: Adapter) -> None:
    adapter.server.enqueue(Delay(1.5))
    with pytest.raises(ModelTimeout) as caught:
        await collect(adapter.chat(timeout_s=0.3), ask("hi"))
    assert caught.value.retryable


@pytest.mark.parametrize("provider", ["openai", "ollama", "builtin"])
async def test_embeddings(provider: str, servers: dict[str, ScriptedServer]) -> None:
    server = servers["ollama" if provider == "ollama" else "openai"]
    builtin = provider == "builtin"
    connection = Connection(
        base_url="" if builtin else server.url,
        api_key=KEY if provider == "openai" else "",
        model="builtin-hash" if builtin else "fake-embed",
    )
    caps = Capabilities(embedding_dimension=8 if provider != "ollama" else 0)
    instance = ModelInstance(2, ModelKind.TEXT_EMBEDDING, provider, "emb", connection, caps).check()
    model = LangchainModelFactory().embedding(instance)
    vectors = await model.embed_documents(["first text", "second text"])
    assert len(vectors) == 2
    assert len(vectors[0]) == 8
    assert vectors[0] != vectors[1]
    assert await model.embed_query("first text") == vectors[0]
    assert await model.embed_documents([]) == []


async def test_embedding_errors_are_model_errors(servers: dict[str, ScriptedServer]) -> None:
    server = servers["openai"]
    server.enqueue(Status(401, {"error": {"message": f"bad key {KEY}"}}))
    connection = Connection(base_url=server.url, api_key=KEY, model="fake-embed")
    instance = ModelInstance(2, ModelKind.TEXT_EMBEDDING, "openai", "emb", connection).check()
    with pytest.raises(ModelAuthFailed):
        await LangchainModelFactory().embedding(instance).embed_query("x")


async def test_rerank_over_the_shared_rerank_api(servers: dict[str, ScriptedServer]) -> None:
    server = servers["openai"]
    connection = Connection(base_url=server.url, model="fake-rerank")
    instance = ModelInstance(3, ModelKind.RERANK, "openai_compatible", "rr", connection).check()
    results = (
        await LangchainModelFactory().rerank(instance).rerank("red apple", ["blue sky", "red apple pie"], 2)
    )
    assert [r.index for r in results] == [1, 0]
    server.enqueue(Status(503))
    with pytest.raises(ModelUnavailable):
        await LangchainModelFactory().rerank(instance).rerank("q", ["d"])


# A 1x1 JPEG is enough: the providers receive the bytes as sent, nobody here decodes them.
PIXEL = base64.b64encode(bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")).decode()


async def test_an_image_reaches_the_provider_in_its_own_shape(adapter: Adapter) -> None:
    adapter.server.enqueue(Reply("a red pixel"))
    image = ChatMessage(Role.USER, "what is this?", images=(f"data:image/jpeg;base64,{PIXEL}",))
    result = await collect(adapter.chat(), ChatRequest([image]))
    assert result.text == "a red pixel"
    (sent,) = adapter.server.requests[-1].body["messages"]
    if isinstance(adapter.server, FakeOllama):
        assert (sent["content"].strip(), sent["images"]) == ("what is this?", [PIXEL])
    elif isinstance(adapter.server, FakeAnthropic):
        assert sent["content"][1] == {
            "type": "image",
            "source": {"type": "base64", "media_type": "image/jpeg", "data": PIXEL},
        }
    else:
        assert sent["content"] == [
            {"type": "text", "text": "what is this?"},
            {"type": "image_url", "image_url": {"url": f"data:image/jpeg;base64,{PIXEL}"}},
        ]
