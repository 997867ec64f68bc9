"""What a caller asks of the chat engine, and the checks every request passes before any I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from domain.conversation.branching import has_substance
from domain.conversation.entities import checked_content, checked_meta_data
from domain.conversation.errors import (
    InvalidChatRequest,
    InvalidMessage,
    NonStreamNeedsHistory,
    TooManyAdditionalMessages,
)
from domain.conversation.values import MAX_ADDITIONAL_MESSAGES, ContentType, MessageRole, MessageType

MAX_END_USER = 128
MAX_CUSTOM_VARIABLES = 64
MAX_VARIABLE_KEY = 64
MAX_VARIABLE_VALUE = 10_000
MAX_TOOL_OUTPUTS = 64
MAX_TOOL_OUTPUT_CHARS = 100_000

_ROLES = {r.value: r for r in MessageRole}
# Coze accepts questions from the user and answers from the assistant as additional messages;
# an empty type takes the role's natural one.
_TYPES = {
    (MessageRole.USER, "question"): MessageType.QUESTION,
    (MessageRole.USER, ""): MessageType.QUESTION,
    (MessageRole.ASSISTANT, "answer"): MessageType.ANSWER,
    (MessageRole.ASSISTANT, ""): MessageType.ANSWER,
}
_CONTENT_TYPES = {
    ContentType.TEXT.value: ContentType.TEXT,
    ContentType.OBJECT_STRING.value: ContentType.OBJECT_STRING,
}


@dataclass(frozen=True, slots=True)
class NewMessage:
    """An additional message as the caller sent it (validated by `checked_messages`)."""

    role: Any
    content: Any
    content_type: Any = "text"
    type: Any = ""
    meta_data: Any = None


@dataclass(frozen=True, slots=True)
class CheckedMessage:
    role: MessageRole
    type: MessageType
    content: str
    content_type: ContentType
    meta_data: dict[str, str]


@dataclass(frozen=True, slots=True)
class StartChat:
    agent_id: int
    end_user: str  # Coze's user_id: the caller's own key for its end user
    messages: Sequence[NewMessage] = ()
    conversation_id: int | None = None  # None: a new conversation for the caller
    custom_variables: Mapping[str, Any] | None = None
    meta_data: Any = None
    stream: bool = True
    auto_save_history: bool = True
    draft: bool = False  # the SPA playground runs the agent's draft
    # SPA only: regenerate an answer (a new answer branch under the same question), or resend an
    # edited question (a new question beside the edited one).
    regenerate_id: int | None = None
    edit_id: int | None = None


@dataclass(frozen=True, slots=True)
class ToolOutput:
    tool_call_id: Any
    output: Any


@dataclass(frozen=True, slots=True)
class CheckedStart:
    request: StartChat
    messages: tuple[CheckedMessage, ...]
    variables: dict[str, str] = field(default_factory=dict)
    meta_data: dict[str, str] = field(default_factory=dict)


def checked_start(request: StartChat) -> CheckedStart:
    """Every rule that needs no database: Coze codes 4003, 4004, 4005, 4007 and 4000."""
    end_user = request.end_user.strip() if isinstance(request.end_user, str) else ""
    if not end_user or len(end_user) > MAX_END_USER:
        raise InvalidChatRequest(reason=f"user_id is required (1-{MAX_END_USER} characters)")
    if not request.stream and not request.auto_save_history:
        raise NonStreamNeedsHistory()
    messages = checked_messages(request.messages)
    return CheckedStart(
        request,
        messages,
        checked_variables(request.custom_variables),
        checked_meta_data(request.meta_data),
    )


def check_branching(request: StartChat, has_messages: bool) -> None:
    """Regenerate and edit rules; checked once the conversation is known to be the caller's."""
    if request.regenerate_id is not None and request.edit_id is not None:
        raise InvalidChatRequest(reason="regenerate and edit exclude each other")
    if request.regenerate_id is not None and has_messages:
        raise InvalidChatRequest(reason="a regenerated answer takes no new messages")
    if request.edit_id is not None and not has_messages:
        raise InvalidMessage(reason="an edited question needs its new content")


def checked_messages(items: Sequence[NewMessage]) -> tuple[CheckedMessage, ...]:
    if len(items) > MAX_ADDITIONAL_MESSAGES:
        raise TooManyAdditionalMessages(limit=MAX_ADDITIONAL_MESSAGES)
    checked = tuple(_checked_message(i, item) for i, item in enumerate(items))
    if checked:
        last = checked[-1]
        if last.role is not MessageRole.USER or last.type is not MessageType.QUESTION:
            raise InvalidMessage(reason="the last additional message must be the user's question")
        if not has_substance(last.content, last.content_type):
            raise InvalidMessage(reason="the question is empty")
    return checked


def _checked_message(index: int, item: NewMessage) -> CheckedMessage:
    role = _ROLES.get(item.role) if isinstance(item.role, str) else None
    if role is None:
        raise InvalidMessage(reason=f"message {index}: role must be user or assistant")
    kind = _TYPES.get((role, item.type if item.type is not None else ""))
    if kind is None:
        raise InvalidMessage(
            reason=f"message {index}: a {role.value} message must be a question or an answer"
        )
    content_type = _CONTENT_TYPES.get(item.content_type if item.content_type is not None else "text")
    if content_type is None:
        raise InvalidMessage(reason=f"message {index}: content_type must be text or object_string")
    content = checked_content(item.content, content_type)
    return CheckedMessage(role, kind, content, content_type, checked_meta_data(item.meta_data))


def checked_variables(variables: Mapping[str, Any] | None) -> dict[str, str]:
    if variables is None:
        return {}
    if not isinstance(variables, Mapping) or len(variables) > MAX_CUSTOM_VARIABLES:
        raise InvalidChatRequest(
            reason=f"custom_variables: an object of at most {MAX_CUSTOM_VARIABLES} strings"
        )
    out: dict[str, str] = {}
    for key, value in variables.items():
        if not isinstance(key, str) or not 1 <= len(key) <= MAX_VARIABLE_KEY or not isinstance(value, str):
            raise InvalidChatRequest(
                reason="custom_variables: string keys (1-64 characters) and string values"
            )
        if len(value) > MAX_VARIABLE_VALUE:
            raise InvalidChatRequest(reason=f"custom_variables: values up to {MAX_VARIABLE_VALUE} characters")
        out[key] = value
    return out


def checked_tool_outputs(outputs: Sequence[ToolOutput], expected: Sequence[str]) -> dict[str, str]:
    """One output per awaited call, no more, no less (Coze 4000 otherwise)."""
    if not outputs or len(outputs) > MAX_TOOL_OUTPUTS:
        raise InvalidChatRequest(reason=f"tool_outputs: 1-{MAX_TOOL_OUTPUTS} outputs")
    got: dict[str, str] = {}
    for item in outputs:
        call_id, output = item.tool_call_id, item.output
        if not isinstance(call_id, str) or not call_id:
            raise InvalidChatRequest(reason="tool_outputs: every output needs its tool_call_id")
        if not isinstance(output, str) or len(output) > MAX_TOOL_OUTPUT_CHARS:
            raise InvalidChatRequest(
                reason=f"tool_outputs: output must be a string up to {MAX_TOOL_OUTPUT_CHARS}"
            )
        if call_id in got:
            raise InvalidChatRequest(reason=f"tool_outputs: {call_id[:64]} is given twice")
        got[call_id] = output
    unknown = [c for c in got if c not in expected]
    if unknown:
        raise InvalidChatRequest(reason=f"tool_outputs: no awaited tool call has id {unknown[0][:64]}")
    missing = [c for c in expected if c not in got]
    if missing:
        raise InvalidChatRequest(reason=f"tool_outputs: the output of {missing[0][:64]} is missing")
    return got
