"""Messages callers send: checked once here for conversations.create, messages.create/modify and
(the chat engine) additional_messages.

Callers may write user and assistant messages of content type text or object_string; cards and
the run's own message types (function calls, verbose notes, follow-ups) are written by agents
only. Files an object_string refers to by id must exist and belong to the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from application.common.actor import Actor
from crossdomain.upload import UploadedFiles
from domain.conversation.entities import (
    ContentPart,
    checked_content,
    checked_meta_data,
    parse_object_string,
)
from domain.conversation.errors import InvalidMessage
from domain.conversation.values import ContentType, MessageRole, MessageType

CALLER_ROLES = {r.value: r for r in MessageRole}
CALLER_CONTENT_TYPES = {t.value: t for t in (ContentType.TEXT, ContentType.OBJECT_STRING)}
# The types a caller may give a message it adds; "" (none) is what messages.create stores.
CALLER_TYPES = {
    MessageRole.USER: {"": MessageType.UNKNOWN, "question": MessageType.QUESTION},
    MessageRole.ASSISTANT: {"": MessageType.UNKNOWN, "answer": MessageType.ANSWER},
}


@dataclass(frozen=True, slots=True)
class MessageInput:
    """A message as a caller sent it; values are checked by MessageInputs, not here."""

    role: Any
    content: Any
    content_type: Any = ContentType.TEXT.value
    meta_data: Any = None
    type: Any = ""


@dataclass(frozen=True, slots=True)
class CheckedMessage:
    role: MessageRole
    type: MessageType
    content: str
    content_type: ContentType
    meta_data: dict[str, str]
    parts: tuple[ContentPart, ...] = ()  # the parsed object_string, () for text


def checked_role(value: Any) -> MessageRole:
    role = CALLER_ROLES.get(value) if isinstance(value, str) else None
    if role is None:
        raise InvalidMessage(reason="role must be user or assistant")
    return role


def checked_content_type(value: Any) -> ContentType:
    content_type = CALLER_CONTENT_TYPES.get(value) if isinstance(value, str) else None
    if content_type is None:
        raise InvalidMessage(reason="content_type must be text or object_string")
    return content_type


class MessageInputs:
    def __init__(self, files: UploadedFiles) -> None:
        self._files = files

    async def check(self, actor: Actor, message: MessageInput) -> CheckedMessage:
        role = checked_role(message.role)
        kind = CALLER_TYPES[role].get(message.type if message.type is not None else "")
        if kind is None:
            raise InvalidMessage(reason=f"a {role.value} message cannot be of type {str(message.type)[:32]}")
        content_type = checked_content_type(message.content_type)
        content, parts = await self.content(actor, message.content, content_type)
        meta = checked_meta_data(message.meta_data)
        return CheckedMessage(role, kind, content, content_type, meta, parts)

    async def content(
        self, actor: Actor, content: Any, content_type: ContentType
    ) -> tuple[str, tuple[ContentPart, ...]]:
        """Non-empty text within Coze's limits; for object_string, parts whose files are the caller's."""
        if not isinstance(content, str) or not content.strip():
            raise InvalidMessage(reason="content must not be empty")
        content = checked_content(content, content_type)
        if content_type is not ContentType.OBJECT_STRING:
            return content, ()
        parts = parse_object_string(content)
        if not any(p.file_id is not None or p.file_url or p.text.strip() for p in parts):
            raise InvalidMessage(reason="object_string content has nothing in it")
        for part in parts:
            if part.file_id is not None and await self._files.get(part.file_id, actor.user_id) is None:
                raise InvalidMessage(reason=f"file {part.file_id} not found")
        return content, parts
