"""The LLM runtime as other contexts use it (ModelRuntime), wired by the real container, on SQLite and
MariaDB, against scripted servers: defaults, first-start seeding, fallback, limits, key rotation."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from pydantic import SecretStr

from application.modelmgr.dto import ModelChanges, ModelSpec
from bootstrap.container import Container, build_container
from bootstrap.runtime import Runtime
from bootstrap.settings import Settings
from domain.common.llm import (
    ChatMessage,
    ChatRequest,
    InvalidModelParameter,
    ModelBusy,
    ModelUnsupported,
    Role,
    ToolSpec,
    collect,
)
from domain.modelmgr.errors import ModelDisabled, ModelNotFound, SecretUnreadable
from domain.modelmgr.values import Capabilities, ModelKind, ModelStatus
from tests.support.fake_llm import Delay, Reply, ScriptedServer, free_port, serving
from tests.support.fake_openai import FakeOpenAI

HELLO = ChatRequest([ChatMessage(Role.USER, "hello runtime")])


@pytest.fixture(scope="module")
def openai_server() -> Iterator[ScriptedServer]:
    with serving(FakeOpenAI(), "/v1") as server:
        yield server


@asynccontextmanager
async def started(settings: Settings, **overrides: Any) -> AsyncIterator[Container]:
    container = build_container(settings.model_copy(update={"model_retry_base_s": 0.01, **overrides}))
    runtime = Runtime(container, role="test", resources=[container.models.seeding()])
    await runtime.start()
    try:
        yield container
    finally:
        await runtime.stop()


def spec(name: str, url: str, **extra: Any) -> ModelSpec:
    return ModelSpec(
        kind=ModelKind.LLM, provider="openai", name=name, model="fake", base_url=url, api_key="sk-k", **extra
    )


async def test_the_default_chat_model_is_builtin_echo_and_embeddings_are_hashed(settings: Settings) -> None:
    async with started(settings) as c:
        runtime = c.models.runtime()
        result = await collect(await runtime.chat_model(), HELLO)
        assert result.text == "hello runtime"
        assert result.usage.output_tokens == 2
        vectors = await (await runtime.embedding_model()).embed_documents(["a b", "c d"])
        assert len(vectors) == 2 and len(vectors[0]) == 256


async def test_first_start_with_openai_env_registers_it_as_the_default(
    settings: Settings, openai_server: ScriptedServer
) -> None:
    env = {
        "openai_api_key": SecretStr("sk-from-env"),
        "openai_base_url": openai_server.url,
        "openai_model": "gpt-x",
    }
    async with started(settings, **env) as c:
        openai_server.enqueue(Reply("from the env model"))
        result = await collect(await c.models.runtime().chat_model(), HELLO)
        assert result.text == "from the env model"
        assert not result.usage.estimated
        assert openai_server.requests[-1].headers["authorization"] == "Bearer sk-from-env"
        names = {m.name: m for m in await c.models.admin_service().list_models(None)}
        assert set(names) == {"builtin-echo", "builtin-hash", "gpt-x"}
        assert names["gpt-x"].is_default and not names["builtin-echo"].is_default
        assert names["gpt-x"].provider == "openai_compatible"
    async with started(settings, openai_model="another") as c:  # seeding happens once per database
        assert len(await c.models.admin_service().list_models(None)) == 3


async def test_seeding_from_two_processes_at_once_registers_each_model_once(settings: Settings) -> None:
    first, second = build_container(settings), build_container(settings)
    runtimes = [Runtime(c, role="test") for c in (first, second)]
    for r in runtimes:
        await r.start()
    try:
        await asyncio.gather(first.models.seeding().start(), second.models.seeding().start())
        assert len(await first.models.admin_service().list_models(None)) == 2
    finally:
        for r in runtimes:
            await r.stop()


async def test_a_failing_model_falls_back_after_its_retries(
    settings: Settings, openai_server: ScriptedServer
) -> None:
    async with started(settings) as c:
        admin, runtime = c.models.admin_service(), c.models.runtime()
        echo = next(m for m in await admin.list_models(None) if m.name == "builtin-echo")
        dead = f"http://127.0.0.1:{free_port()}/v1"
        broken = await admin.create(None, spec("unreachable", dead, max_retries=1, fallback_id=echo.id))
        result = await collect(await runtime.chat_model(broken.id), HELLO)
        assert result.text == "hello runtime"  # answered by the fallback


async def test_calls_are_checked_against_the_model_settings(
    settings: Settings, openai_server: ScriptedServer
) -> None:
    async with started(settings) as c:
        admin, runtime = c.models.admin_service(), c.models.runtime()
        plain = await admin.create(
            None, spec("no tools", openai_server.url, capabilities=Capabilities(function_calling=False))
        )
        model = await runtime.chat_model(plain.id)
        with pytest.raises(InvalidModelParameter):
            await collect(model, ChatRequest(HELLO.messages, parameters={"temperature": 5}))
        with pytest.raises(InvalidModelParameter):
            await collect(model, ChatRequest(HELLO.messages, parameters={"logit_bias": 1}))
        with pytest.raises(ModelUnsupported):
            await collect(model, ChatRequest(HELLO.messages, tools=[ToolSpec("t")]))
        openai_server.clear()
        picture = ChatMessage(Role.USER, "what is this?", images=("data:image/jpeg;base64,AA==",))
        with pytest.raises(ModelUnsupported):  # not marked as taking image input
            await collect(model, ChatRequest([picture]))
        assert openai_server.requests == []
        await collect(model, ChatRequest(HELLO.messages, parameters={"temperature": 0.1}))
        sent = openai_server.requests[-1].body
        assert sent["temperature"] == pytest.approx(0.1) and sent["top_p"] == 1.0  # defaults filled in

        await admin.update(None, plain.id, ModelChanges(status=ModelStatus.DISABLED))
        with pytest.raises(ModelDisabled):
            await runtime.chat_model(plain.id)
        with pytest.raises(ModelNotFound):
            await runtime.chat_model(123)
        with pytest.raises(ModelNotFound):
            await runtime.embedding_model(plain.id)  # a chat model is not an embedding model


async def test_the_concurrency_limit_of_a_model(settings: Settings, openai_server: ScriptedServer) -> None:
    async with started(settings, model_slot_wait_s=0.2) as c:
        limited = await c.models.admin_service().create(
            None, spec("one at a time", openai_server.url, concurrency=1)
        )
        model = await c.models.runtime().chat_model(limited.id)
        openai_server.enqueue(Delay(1.0))
        first = asyncio.create_task(collect(model, HELLO))
        await asyncio.sleep(0.1)
        with pytest.raises(ModelBusy):
            await collect(model, HELLO)
        assert (await first).text == "hello runtime"


async def test_rotating_the_model_secret_key(settings: Settings, openai_server: ScriptedServer) -> None:
    old, new = SecretStr("old model secret 0123456789"), SecretStr("new model secret 9876543210")
    async with started(settings, model_secret_key=old) as c:
        created = await c.models.admin_service().create(None, spec("rotated", openai_server.url))
    async with started(settings, model_secret_key=new) as c:
        with pytest.raises(SecretUnreadable):
            await c.models.runtime().chat_model(created.id)
    async with started(settings, model_secret_key=new, model_previous_secret_keys=[old]) as c:
        assert await c.models.admin_service().reseal_keys(None) == 1
    async with started(settings, model_secret_key=new) as c:
        openai_server.clear()
        await collect(await c.models.runtime().chat_model(created.id), HELLO)
        assert openai_server.requests[-1].headers["authorization"] == "Bearer sk-k"


async def test_the_vision_model_is_the_default_when_it_takes_images_else_the_first_by_name(
    settings: Settings, openai_server: ScriptedServer
) -> None:
    async with started(settings) as c:
        admin, vision = c.models.admin_service(), c.models.vision_models()
        assert await vision.find_vision() is None  # the built-ins take no images
        eyes = Capabilities(vision=True)
        await admin.create(None, spec("b sees", openai_server.url, capabilities=eyes))
        first = await admin.create(None, spec("a sees", openai_server.url, capabilities=eyes))
        off = await admin.create(
            None, spec("0 sees, disabled", openai_server.url, capabilities=eyes, status=ModelStatus.DISABLED)
        )
        found = await vision.find_vision()
        assert found is not None and (found.id, found.name) == (first.id, "a sees")
        default = await admin.create(
            None, spec("z sees", openai_server.url, capabilities=eyes, is_default=True)
        )
        found = await vision.find_vision()
        assert found is not None and found.id == default.id
        assert off.id != found.id
