"""What the model sees: the system prompt and the history window, in the LLM port's terms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from crossdomain.agent import AgentSnapshot, PersonaRenderer
from crossdomain.upload import UploadedFile
from domain.common.errors import InvalidInput
from domain.common.jsonvalue import parse_json_text
from domain.common.llm import ChatMessage, Role, ToolCall, ToolSpec
from domain.conversation.entities import Message, parse_object_string
from domain.conversation.messages import TOOL_CALL_ID_KEY
from domain.conversation.values import ContentType, MessageRole, MessageStatus, MessageType

_SKIPPED_TYPES = frozenset({MessageType.VERBOSE, MessageType.FOLLOW_UP})
_TOOL_RESULTS = frozenset({MessageType.TOOL_OUTPUT, MessageType.TOOL_RESPONSE})
# A round starts at a user question; messages.create stores user messages without a type.
_QUESTIONS = frozenset({MessageType.QUESTION, MessageType.UNKNOWN})


def prompt_variables(snapshot: AgentSnapshot, custom: Mapping[str, str]) -> dict[str, str]:
    """The agent's enabled variables with their defaults, overridden by the caller's values."""
    values = {v.keyword: v.default_value for v in snapshot.variables if v.enabled and v.prompt_enabled}
    values.update(custom)
    return values


def tool_variables(snapshot: AgentSnapshot, custom: Mapping[str, str]) -> dict[str, str]:
    """What parameters bound to the agent's variables take: every enabled variable's value (the
    caller's, else its default), shown in the prompt or not."""
    enabled = {v.keyword: v.default_value for v in snapshot.variables if v.enabled}
    return {k: custom.get(k, default) for k, default in enabled.items()}


def system_prompt(
    snapshot: AgentSnapshot,
    renderer: PersonaRenderer,
    variables: Mapping[str, str],
    now: datetime,
    knowledge: str = "",
) -> str:
    """Name and description, the rendered persona, the time, and what the knowledge bases recalled."""
    parts = [f'You are "{snapshot.name}".']
    if snapshot.description:
        parts[0] += f" {snapshot.description}"
    persona = renderer.render(snapshot.persona_prompt, variables).strip() if snapshot.persona_prompt else ""
    if persona:
        parts.append(persona)
    if snapshot.model.current_time_in_prompt:
        parts.append(f"The current time is {now:%Y-%m-%d %H:%M} UTC ({now:%A}).")
    if knowledge:
        parts.append(knowledge)
    return "\n\n".join(parts)


def window(path: Sequence[Message], rounds: int) -> list[Message]:
    """The last `rounds` earlier rounds plus the current one; a round starts at a user question."""
    usable = [m for m in path if _usable(m)]
    starts = [
        i for i, m in enumerate(usable) if m.role is MessageRole.USER and m.type is MessageType.QUESTION
    ]
    keep = max(rounds, 0) + 1
    if len(starts) > keep:
        return usable[starts[-keep] :]
    return usable[starts[0] :] if starts else usable


def _usable(message: Message) -> bool:
    if message.type in _SKIPPED_TYPES or message.status is MessageStatus.STREAMING:
        return False
    return not (message.status is MessageStatus.FAILED and not message.content)


def tool_specs(snapshot: AgentSnapshot) -> tuple[ToolSpec, ...]:
    return tuple(ToolSpec(t.name, t.description, t.parameters) for t in snapshot.client_tools)


def model_messages(
    system: str, history: Sequence[Message], files: Mapping[int, UploadedFile]
) -> list[ChatMessage]:
    out = [ChatMessage(Role.SYSTEM, system)]
    for message in history:
        if message.type is MessageType.FUNCTION_CALL:
            call = function_call_of(message)
            last = out[-1]
            if last.role is Role.ASSISTANT and last.tool_calls and not last.content:
                out[-1] = ChatMessage(Role.ASSISTANT, tool_calls=(*last.tool_calls, call))  # one round
            else:
                out.append(ChatMessage(Role.ASSISTANT, tool_calls=(call,)))
        elif message.type in _TOOL_RESULTS:
            out.append(
                ChatMessage(
                    Role.TOOL, message.content, tool_call_id=message.meta_data.get(TOOL_CALL_ID_KEY, "")
                )
            )
        elif message.role is MessageRole.USER:
            out.append(ChatMessage(Role.USER, model_text(message, files)))
        else:
            out.append(ChatMessage(Role.ASSISTANT, model_text(message, files)))
    return out


def model_text(message: Message, files: Mapping[int, UploadedFile]) -> str:
    """Text for the model; parts of a multimodal message become lines, files become links."""
    if message.content_type is not ContentType.OBJECT_STRING:
        return message.content
    lines: list[str] = []
    for part in parse_object_string(message.content):
        if part.type == "text":
            lines.append(part.text)
        elif part.file_id is not None:
            found = files.get(part.file_id)
            lines.append(
                f"[{part.type} {found.name}: {found.url}]" if found else f"[{part.type}: unavailable]"
            )
        else:
            lines.append(f"[{part.type}: {part.file_url}]")
    return "\n".join(lines)


def file_ids(messages: Sequence[Message]) -> set[int]:
    found: set[int] = set()
    for m in messages:
        if m.content_type is ContentType.OBJECT_STRING:
            found.update(p.file_id for p in parse_object_string(m.content) if p.file_id is not None)
    return found


def function_call_of(message: Message) -> ToolCall:
    try:
        raw = parse_json_text(message.content, field="content")
        return ToolCall(str(raw["id"]), str(raw["name"]), dict(raw.get("arguments") or {}))
    except (InvalidInput, KeyError, TypeError, ValueError, AttributeError):
        # Edited by hand into something else: the model still sees that a call happened.
        return ToolCall(str(message.id), "unknown", {})
