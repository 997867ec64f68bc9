"""The LLM runtime port: how agents, workflows and knowledge call models without knowing a provider SDK.

A chat model streams `ChatChunk`s: text deltas as they arrive, complete tool calls (arguments parsed
to a JSON object) and, on the last chunk, the token usage. Every adapter -- langchain providers and
the built-in models -- speaks this one shape, and every failure is one of the `ModelError`s below,
each saying whether trying again can help.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from domain.common.errors import DomainError, InvalidInput


class Role(StrEnum):
    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"
    TOOL = "tool"


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """A function the model may call; `parameters` is a JSON Schema object."""

    name: str
    description: str = ""
    parameters: Mapping[str, Any] = field(default_factory=lambda: {"type": "object", "properties": {}})


@dataclass(frozen=True, slots=True)
class ToolCall:
    id: str
    name: str
    arguments: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ChatMessage:
    role: Role
    content: str = ""
    tool_calls: tuple[ToolCall, ...] = ()  # on assistant messages that requested tools
    tool_call_id: str = ""  # on tool messages: which call this result answers
    name: str = ""
    # On user messages: images shown to the model, as data URLs (data:image/jpeg;base64,...); only
    # models whose capabilities include vision take them.
    images: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    estimated: bool = False  # True when the provider reported nothing and we counted ourselves

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens


@dataclass(frozen=True, slots=True)
class ChatRequest:
    messages: Sequence[ChatMessage]
    tools: Sequence[ToolSpec] = ()
    parameters: Mapping[str, Any] = field(default_factory=dict)  # temperature, top_p, max_tokens, ...


@dataclass(frozen=True, slots=True)
class ChatChunk:
    text: str = ""
    reasoning: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    usage: Usage | None = None  # set on the last chunk only
    finish_reason: str | None = None


@dataclass(frozen=True, slots=True)
class ChatResult:
    text: str
    reasoning: str
    tool_calls: tuple[ToolCall, ...]
    usage: Usage
    finish_reason: str | None
    model_id: int = 0


class ChatModel(Protocol):
    """One configured chat model. `stream` may be iterated once per call."""

    def stream(self, request: ChatRequest) -> AsyncIterator[ChatChunk]: ...


class EmbeddingModel(Protocol):
    @property
    def dimension(self) -> int | None:
        """The vector length when known before the first call."""
        ...

    async def embed_documents(self, texts: Sequence[str]) -> list[list[float]]: ...

    async def embed_query(self, text: str) -> list[float]: ...


@dataclass(frozen=True, slots=True)
class RerankResult:
    index: int  # position in the documents given
    score: float


class RerankModel(Protocol):
    async def rerank(
        self, query: str, documents: Sequence[str], top_n: int | None = None
    ) -> list[RerankResult]:
        """Most relevant first."""
        ...


class ModelRuntime(Protocol):
    """What other contexts use: a ready model by id, or the platform default of its kind (id None)."""

    async def chat_model(self, model_id: int | None = None) -> ChatModel: ...

    async def embedding_model(self, model_id: int | None = None) -> EmbeddingModel: ...

    async def rerank_model(self, model_id: int | None = None) -> RerankModel: ...


async def collect(model: ChatModel, request: ChatRequest, model_id: int = 0) -> ChatResult:
    """Run a request to the end and gather the chunks into one result."""
    text: list[str] = []
    reasoning: list[str] = []
    calls: list[ToolCall] = []
    usage = Usage(estimated=True)
    finish: str | None = None
    async for chunk in model.stream(request):
        if chunk.text:
            text.append(chunk.text)
        if chunk.reasoning:
            reasoning.append(chunk.reasoning)
        calls.extend(chunk.tool_calls)
        if chunk.usage is not None:
            usage = chunk.usage
        if chunk.finish_reason:
            finish = chunk.finish_reason
    return ChatResult("".join(text), "".join(reasoning), tuple(calls), usage, finish, model_id)


# --- errors -----------------------------------------------------------------------------------------


class ModelError(DomainError):
    """A model call failed. `retryable` says whether the same call may succeed if tried again."""

    message_key = "model.error"
    retryable = False
    retry_after: float | None = None


class ModelProviderError(ModelError):
    """The provider answered with an error we have no better name for (e.g. 400 bad request)."""

    message_key = "model.provider_error"


class ModelAuthFailed(ModelError):
    message_key = "model.auth_failed"


class ModelRateLimited(ModelError):
    message_key = "model.rate_limited"
    retryable = True

    def __init__(self, retry_after: float | None = None, **params: Any) -> None:
        super().__init__(**params)
        self.retry_after = retry_after


class ModelUnavailable(ModelError):
    """Unreachable, or a 5xx from the provider."""

    message_key = "model.unavailable"
    retryable = True


class ModelTimeout(ModelError):
    message_key = "model.timeout"
    retryable = True


class ModelBadResponse(ModelError):
    """The provider's answer could not be read (a malformed streaming chunk, say)."""

    message_key = "model.bad_response"


class ToolArgumentsInvalid(ModelError):
    """The model asked for a tool call whose arguments are not a JSON object."""

    message_key = "model.tool_arguments_invalid"


class ModelBusy(ModelError):
    """Every concurrent slot of this model stayed taken for the whole timeout."""

    message_key = "model.busy"
    retryable = True


class ModelUnsupported(ModelError):
    """The model cannot do what was asked (tools on a model without function calling, ...)."""

    message_key = "model.unsupported"


class InvalidModelParameter(InvalidInput):
    message_key = "model.invalid_parameter"


class NoDefaultModel(ModelError):
    message_key = "model.no_default"
