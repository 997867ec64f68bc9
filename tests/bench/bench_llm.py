"""LLM runtime relay overhead: a streamed answer from a zero-latency upstream, read through our
runtime (model lookup, parameter checks, retry/fallback/limit wrapper, langchain adapter, chunk
normalisation) and read with the bare langchain-openai model, alternately, in the same run.

    python -m tests.bench.bench_llm [--tokens 2000] [--runs 15]

Reports per streamed token and time to first token, medians over the runs, and the difference:
what the platform adds. Figures only, no assertions.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

# Run from a checkout, this checkout's src must win over an editable install of another one.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from dependency_injector import providers
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessageChunk, BaseMessage, HumanMessage
from langchain_core.outputs import ChatGenerationChunk

from application.modelmgr.dto import ModelSpec
from bootstrap.container import build_container
from bootstrap.paths import migrations_dir
from bootstrap.runtime import Runtime
from bootstrap.settings import Settings
from domain.common.llm import ChatMessage, ChatModel, ChatRequest, Role
from domain.modelmgr.entities import ModelInstance
from domain.modelmgr.values import ModelKind
from infra.llm.factory import LangchainModelFactory
from infra.llm.langchain_chat import LangchainChatModel
from infra.persistence import migrate

ROOT = Path(__file__).resolve().parents[2]
Timed = tuple[float, float, int]  # (seconds to first text, seconds in all, text chunks)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def wait_for_port(port: int, within_s: float = 20.0) -> None:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.05)
    raise RuntimeError("upstream did not start")


async def timed(stream: Callable[[], AsyncIterator[str]]) -> Timed:
    started = time.perf_counter()
    first = 0.0
    count = 0
    async for text in stream():
        if text:
            if not count:
                first = time.perf_counter() - started
            count += 1
    return first, time.perf_counter() - started, count


def summary(label: str, results: list[Timed], tokens: int) -> dict[str, float]:
    ttft = statistics.median(r[0] for r in results) * 1e3
    total = statistics.median(r[1] for r in results)
    per_token = total / tokens * 1e6
    rate = tokens / total
    print(f"  {label:<24} first token {ttft:8.2f} ms   {per_token:7.1f} us/token   {rate:9.0f} tokens/s")
    return {"ttft_ms": ttft, "per_token_us": per_token}


async def run(tokens: int, runs: int) -> int:
    port = free_port()
    # The upstream runs as its own process; starting it once, before any measuring, blocks nothing.
    upstream = subprocess.Popen(  # noqa: ASYNC220
        [sys.executable, "-m", "tests.bench.llm_upstream", str(port), str(tokens)], cwd=ROOT
    )
    try:
        await wait_for_port(port)
        base_url = f"http://127.0.0.1:{port}/v1"
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
            await asyncio.to_thread(migrate.upgrade, migrations_dir(), url)  # alembic runs its own loop
            settings = Settings(_env_file=None, data_dir=Path(tmp), database_url=url, access_log=False)
            code = 0
            for in_memory in (False, True):
                container = build_container(settings)
                if in_memory:  # the same runtime, its factory swapped for one streaming from memory
                    container.models.factory.override(providers.Object(InMemoryFactory(tokens)))
                runtime = Runtime(container, role="bench", resources=[container.models.seeding()])
                await runtime.start()
                try:
                    code |= await compare(container, base_url, tokens, runs, in_memory=in_memory)
                finally:
                    await runtime.stop()
            return code
    finally:
        upstream.terminate()
        upstream.wait(timeout=10)


class InMemoryUpstream(BaseChatModel):
    """A langchain chat model streaming `tokens` prebuilt chunks with no I/O at all: what remains
    of a run through it is pure relay cost (langchain's and ours)."""

    tokens: int = 2000

    @property
    def _llm_type(self) -> str:
        return "bench-in-memory"

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kw: Any
    ) -> Any:
        raise NotImplementedError("streaming only")

    async def _astream(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kw: Any
    ) -> AsyncIterator[ChatGenerationChunk]:
        for i in range(self.tokens):
            yield ChatGenerationChunk(message=AIMessageChunk(content=f" w{i}"))
        usage = {"input_tokens": 5, "output_tokens": self.tokens, "total_tokens": self.tokens + 5}
        last = AIMessageChunk(content="", usage_metadata=usage, response_metadata={"finish_reason": "stop"})
        yield ChatGenerationChunk(message=last)


class InMemoryFactory(LangchainModelFactory):
    """The real factory, except that chat models of provider `openai_compatible` stream from memory."""

    def __init__(self, tokens: int) -> None:
        super().__init__()
        self._tokens = tokens

    def chat(self, instance: ModelInstance) -> ChatModel:
        return LangchainChatModel(InMemoryUpstream(tokens=self._tokens), endpoint="memory", timeout_s=60)


async def measure(
    title: str, contenders: dict[str, Callable[[], AsyncIterator[str]]], tokens: int, runs: int
) -> bool:
    for stream in contenders.values():  # warm up: connections, caches, first-call imports
        for _ in range(3):
            await timed(stream)
    results: dict[str, list[Timed]] = {name: [] for name in contenders}
    for i in range(runs):
        order = list(contenders) if i % 2 == 0 else list(reversed(contenders))  # alternate: no order bias
        for name in order:
            results[name].append(await timed(contenders[name]))
    for name, got in results.items():
        if any(r[2] != tokens for r in got):
            print(f"  {name}: expected {tokens} chunks, got {sorted({r[2] for r in got})}")
            return False
    print(f"{title}: {tokens} streamed tokens per answer, {runs} answers each, medians")
    bare, ours = (summary(name, got, tokens) for name, got in results.items())
    added_token = ours["per_token_us"] - bare["per_token_us"]
    added_ttft = ours["ttft_ms"] - bare["ttft_ms"]
    print(
        f"  added by the platform: {added_token:+.1f} us/token (aim < 50), {added_ttft:+.2f} ms first token"
    )
    return True


async def compare(container: Any, base_url: str, tokens: int, runs: int, *, in_memory: bool) -> int:
    import openai
    from langchain_openai import ChatOpenAI

    models = container.models
    admin, runtime = models.admin_service(), models.runtime()
    spec = ModelSpec(
        kind=ModelKind.LLM, provider="openai_compatible", name="bench", model="bench", base_url=base_url,
        parameters=(),
    )  # fmt: skip
    created = await admin.create(None, spec)
    bare = ChatOpenAI(
        model="bench",
        base_url=base_url,
        api_key="unused",
        max_retries=0,
        stream_usage=True,
        http_async_client=openai.DefaultAsyncHttpxClient(),
    )
    question = "say many words"
    request = ChatRequest([ChatMessage(Role.USER, question)])

    def bare_stream(model: BaseChatModel) -> Callable[[], AsyncIterator[str]]:
        async def stream() -> AsyncIterator[str]:
            async for chunk in model.astream([HumanMessage(content=question)]):
                yield str(chunk.content)

        return stream

    def runtime_stream(model_id: int) -> Callable[[], AsyncIterator[str]]:
        async def stream() -> AsyncIterator[str]:
            model = await runtime.chat_model(model_id)  # the lookup is part of what the platform adds
            async for chunk in model.stream(request):
                yield chunk.text

        return stream

    if in_memory:
        title = "In memory, no I/O (isolates the relay)"
        contenders = {
            "bare langchain astream": bare_stream(InMemoryUpstream(tokens=tokens)),
            "cozeplus runtime": runtime_stream(created.id),
        }
    else:
        title = "Over HTTP from a zero-latency upstream process"
        contenders = {
            "bare langchain-openai": bare_stream(bare),
            "cozeplus runtime": runtime_stream(created.id),
        }
    return 0 if await measure(title, contenders, tokens, runs) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tokens", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv if argv is not None else [])
    return asyncio.run(run(args.tokens, args.runs))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
