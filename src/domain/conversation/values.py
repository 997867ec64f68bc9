"""Value types of the conversation context, spelled as they travel on Coze's wire."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class MessageRole(StrEnum):
    USER = "user"
    ASSISTANT = "assistant"


class MessageType(StrEnum):
    QUESTION = "question"
    ANSWER = "answer"
    FUNCTION_CALL = "function_call"  # the model asked for a tool
    TOOL_OUTPUT = "tool_output"  # what the client returned for that call
    TOOL_RESPONSE = "tool_response"  # what a tool the server ran answered
    FOLLOW_UP = "follow_up"  # a suggested next question
    VERBOSE = "verbose"  # machine-readable progress notes (e.g. generate_answer_finish)
    UNKNOWN = ""  # messages added through messages.create carry no type


class ContentType(StrEnum):
    TEXT = "text"
    OBJECT_STRING = "object_string"  # a JSON array of {type: text|image|file|audio, ...} parts
    CARD = "card"


class MessageStatus(StrEnum):
    AVAILABLE = "available"
    STREAMING = "streaming"  # an answer still being generated
    INTERRUPTED = "interrupted"  # generation stopped by cancel; the partial text is kept
    FAILED = "failed"  # the model failed; the partial text, if any, is kept


class ChatStatus(StrEnum):
    CREATED = "created"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    FAILED = "failed"
    REQUIRES_ACTION = "requires_action"
    CANCELED = "canceled"
    # Ended asking the user to authorize a plugin: shown as requires_action (with the consent links),
    # but over, so the user can send their message again once they have consented.
    AWAITING_AUTHORIZATION = "awaiting_authorization"

    @property
    def terminal(self) -> bool:
        return self in _TERMINAL

    @property
    def cancellable(self) -> bool:
        # Coze answers 4104 for completed, failed and requires_action chats.
        return self in (ChatStatus.CREATED, ChatStatus.IN_PROGRESS)


_TERMINAL = frozenset(
    {ChatStatus.COMPLETED, ChatStatus.FAILED, ChatStatus.CANCELED, ChatStatus.AWAITING_AUTHORIZATION}
)


class ListOrder(StrEnum):
    ASC = "asc"  # oldest first
    DESC = "desc"  # newest first (Coze's default)


@dataclass(frozen=True, slots=True)
class Usage:
    input_count: int = 0
    output_count: int = 0

    @property
    def token_count(self) -> int:
        return self.input_count + self.output_count

    def __add__(self, other: Usage) -> Usage:
        return Usage(self.input_count + other.input_count, self.output_count + other.output_count)


@dataclass(frozen=True, slots=True)
class ChatError:
    code: int = 0
    msg: str = ""


@dataclass(frozen=True, slots=True)
class ToolCallRequest:
    """One client-side tool call a run waits for (Coze's required_action.submit_tool_outputs)."""

    id: str
    name: str
    arguments: str  # the JSON text of the arguments, as Coze sends it


@dataclass(frozen=True, slots=True)
class AuthorizationRequest:
    """A plugin the user has to authorize before the agent can use its tools for them."""

    plugin_id: int
    plugin_name: str
    url: str  # the consent link, bound to this user and plugin


# Coze's documented limits on what a caller may attach.
MAX_META_PAIRS = 16
MAX_META_KEY = 64
MAX_META_VALUE = 512
MAX_ADDITIONAL_MESSAGES = 100
MAX_MESSAGE_CHARS = 100_000
MAX_CONVERSATION_NAME = 100
