"""Conversation, Section, Message and ChatRun.

Messages form a tree: every message has a parent (None only for the first one), so regenerating
an answer or editing a question adds a sibling branch instead of rewriting history. The
conversation remembers its current leaf; the history a model sees is the path from that leaf back
to the start of the current section (clearing the context starts a new section).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.common.jsonvalue import JsonMalformed, parse_json_text
from domain.conversation.errors import (
    ChatNotAwaitingTools,
    InvalidConversation,
    InvalidMessage,
    MetaDataTooLarge,
)
from domain.conversation.values import (
    MAX_CONVERSATION_NAME,
    MAX_MESSAGE_CHARS,
    MAX_META_KEY,
    MAX_META_PAIRS,
    MAX_META_VALUE,
    AuthorizationRequest,
    ChatError,
    ChatStatus,
    ContentType,
    MessageRole,
    MessageStatus,
    MessageType,
    ToolCallRequest,
    Usage,
)

OBJECT_PART_TYPES = frozenset({"text", "image", "file", "audio"})


def checked_meta_data(meta: Mapping[str, Any] | None) -> dict[str, str]:
    """Coze's rule for meta_data: at most 16 string pairs, keys up to 64 and values up to 512 chars."""
    if meta is None:
        return {}
    if not isinstance(meta, Mapping):
        raise MetaDataTooLarge(reason="meta_data must be an object of strings")
    if len(meta) > MAX_META_PAIRS:
        raise MetaDataTooLarge(reason=f"at most {MAX_META_PAIRS} pairs")
    out: dict[str, str] = {}
    for key, value in meta.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise MetaDataTooLarge(reason="keys and values must be strings")
        if not key or len(key) > MAX_META_KEY:
            raise MetaDataTooLarge(reason=f"keys must be 1-{MAX_META_KEY} characters")
        if len(value) > MAX_META_VALUE:
            raise MetaDataTooLarge(reason=f"values must be at most {MAX_META_VALUE} characters")
        out[key] = value
    return out


def checked_name(name: str) -> str:
    name = name.strip()
    if len(name) > MAX_CONVERSATION_NAME:
        raise InvalidConversation(reason=f"name must be at most {MAX_CONVERSATION_NAME} characters")
    return name


@dataclass(frozen=True, slots=True)
class ContentPart:
    """One part of an object_string message."""

    type: str  # text | image | file | audio
    text: str = ""
    file_id: int | None = None
    file_url: str = ""


def parse_object_string(content: str) -> tuple[ContentPart, ...]:
    """Parse Coze's multimodal content: a JSON array of parts, each text or a file by id or URL.

    Content longer than a message may be, or nested deeper than the JSON limits, is refused before
    it is parsed (4000); other malformed content is an invalid message (4005)."""
    try:
        raw = parse_json_text(content, field="content", max_chars=MAX_MESSAGE_CHARS)
    except JsonMalformed:
        raise InvalidMessage(reason="object_string content must be a JSON array") from None
    if not isinstance(raw, list) or not raw:
        raise InvalidMessage(reason="object_string content must be a non-empty JSON array")
    parts: list[ContentPart] = []
    for item in raw:
        if not isinstance(item, dict) or item.get("type") not in OBJECT_PART_TYPES:
            raise InvalidMessage(reason="each part needs a type: text, image, file or audio")
        if item["type"] == "text":
            text = item.get("text")
            if not isinstance(text, str):
                raise InvalidMessage(reason="a text part needs a text string")
            parts.append(ContentPart("text", text=text))
            continue
        file_id, file_url = item.get("file_id"), item.get("file_url")
        if file_id not in (None, ""):
            try:
                parsed = int(file_id)
            except (TypeError, ValueError):
                raise InvalidMessage(reason="file_id must be an id") from None
            parts.append(ContentPart(item["type"], file_id=parsed))
        elif isinstance(file_url, str) and file_url:
            parts.append(ContentPart(item["type"], file_url=file_url))
        else:
            raise InvalidMessage(reason=f"a {item['type']} part needs file_id or file_url")
    return tuple(parts)


def checked_content(content: Any, content_type: ContentType) -> str:
    if not isinstance(content, str):
        raise InvalidMessage(reason="content must be a string")
    if content_type is ContentType.OBJECT_STRING:
        parse_object_string(content)  # its JSON limits first: an oversized object_string is 4000
    if len(content) > MAX_MESSAGE_CHARS:
        raise InvalidMessage(reason=f"content must be at most {MAX_MESSAGE_CHARS} characters")
    if content_type is ContentType.CARD:
        raise InvalidMessage(reason="card messages are written by agents, not sent to them")
    return content


@dataclass(slots=True)
class Conversation:
    id: int
    space_id: int
    agent_id: int | None  # None: created by a token client without a bot
    creator_id: int  # the platform user (session or token owner)
    connector_id: int  # 1024 API, 999 Chat SDK, 0 the SPA playground (draft)
    section_id: int  # the current section; new messages go here
    name: str = ""
    meta_data: dict[str, str] = field(default_factory=dict)
    leaf_message_id: int | None = None  # the end of the current branch
    running_chat_id: int | None = None  # one running chat at a time (Coze 4016)
    running_since: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    deleted_at: datetime | None = None

    # -- one running chat at a time (Coze 4016) --------------------------------------------------
    def holder_other_than(self, chat_id: int) -> int | None:
        """The chat that holds the conversation when `chat_id` wants it, if another one does."""
        holder = self.running_chat_id
        return holder if holder is not None and holder != chat_id else None

    def claimed_by(self, chat_id: int, at: datetime, leaf: int | None) -> None:
        """`chat_id` runs now; its answer becomes the leaf when the turn is saved in the history."""
        self.running_chat_id, self.running_since = chat_id, at
        if leaf is not None:
            self.leaf_message_id = leaf

    def resumed_at(self, leaf: int, at: datetime) -> None:
        """The running chat continues with tool outputs: its new answer is the leaf, and the claim
        counts from now (it is no longer waiting for the client)."""
        self.leaf_message_id, self.running_since, self.updated_at = leaf, at, at

    def is_first_turn(self) -> bool:
        """Nothing said yet and no name: the turn's question will name the conversation."""
        return self.leaf_message_id is None and not self.name


def blocks_claim(holder: ChatRun | None) -> bool:
    """A holder still running keeps the conversation unless it is found unable to finish; one that
    ended (or vanished) only left its claim behind."""
    return holder is not None and not holder.status.terminal


@dataclass(frozen=True, slots=True)
class Section:
    id: int
    conversation_id: int
    created_at: datetime


@dataclass(slots=True)
class Message:
    id: int
    conversation_id: int
    section_id: int
    parent_id: int | None
    role: MessageRole
    type: MessageType
    content: str
    content_type: ContentType = ContentType.TEXT
    agent_id: int | None = None
    chat_id: int | None = None
    creator_id: int = 0
    meta_data: dict[str, str] = field(default_factory=dict)
    reasoning_content: str = ""
    status: MessageStatus = MessageStatus.AVAILABLE
    usage: Usage = field(default_factory=Usage)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    deleted_at: datetime | None = None

    def check(self) -> Message:
        if self.role is MessageRole.USER and self.type not in (
            MessageType.QUESTION,
            MessageType.UNKNOWN,
            MessageType.TOOL_OUTPUT,
        ):
            raise InvalidMessage(reason=f"a user message cannot be of type {self.type.value}")
        self.content = checked_content(self.content, self.content_type)
        self.meta_data = checked_meta_data(self.meta_data)
        return self


@dataclass(slots=True)
class ChatRun:
    """One chat turn (Coze's "chat"): the agent answering the question(s) added with it."""

    id: int
    conversation_id: int
    section_id: int
    space_id: int
    agent_id: int
    agent_version: str  # "" when the draft ran (SPA playground)
    connector_id: int
    creator_id: int  # the platform user who started it
    end_user: str  # Coze's user_id: the caller's own end-user key
    status: ChatStatus = ChatStatus.CREATED
    question_id: int | None = None  # the user message this run answers
    answer_id: int | None = None  # the assistant answer being written
    inserted_message_ids: tuple[int, ...] = ()
    meta_data: dict[str, str] = field(default_factory=dict)
    usage: Usage = field(default_factory=Usage)
    last_error: ChatError = field(default_factory=ChatError)
    required_action: tuple[ToolCallRequest, ...] = ()  # set while status is requires_action
    authorization: tuple[AuthorizationRequest, ...] = ()  # set when it ended awaiting authorization
    stream: bool = True
    auto_save_history: bool = True
    created_at: datetime | None = None
    completed_at: datetime | None = None
    failed_at: datetime | None = None

    def start(self) -> None:
        self.status = ChatStatus.IN_PROGRESS

    def check_awaiting_tools(self) -> None:
        """Only a run that asked for client tools takes their outputs (Coze 4000 otherwise)."""
        if self.status is ChatStatus.AWAITING_AUTHORIZATION:
            raise ChatNotAwaitingTools(reason="it asked to authorize a plugin; after that, ask again")
        if self.status is not ChatStatus.REQUIRES_ACTION:
            raise ChatNotAwaitingTools(reason=f"its status is {self.status.value}")

    def resume(self, answer_id: int) -> None:
        """The outputs are in: the run goes on with a new answer and awaits nothing more."""
        self.check_awaiting_tools()
        self.answer_id = answer_id
        self.required_action = ()
        self.start()

    def complete(self, at: datetime, usage: Usage) -> None:
        self.status, self.completed_at, self.usage = ChatStatus.COMPLETED, at, usage
        self.required_action = ()

    def fail(self, at: datetime, error: ChatError, usage: Usage) -> None:
        self.status, self.failed_at, self.last_error, self.usage = ChatStatus.FAILED, at, error, usage
        self.required_action = ()

    def cancel(self, at: datetime, usage: Usage) -> None:
        self.status, self.completed_at, self.usage = ChatStatus.CANCELED, at, usage
        self.required_action = ()

    def await_tools(self, calls: tuple[ToolCallRequest, ...], usage: Usage) -> None:
        self.status, self.required_action, self.usage = ChatStatus.REQUIRES_ACTION, calls, usage

    def await_authorization(
        self, at: datetime, requests: tuple[AuthorizationRequest, ...], usage: Usage
    ) -> None:
        self.status, self.completed_at, self.usage = ChatStatus.AWAITING_AUTHORIZATION, at, usage
        self.required_action, self.authorization = (), requests
