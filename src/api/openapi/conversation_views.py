"""Coze's Conversation, Section and Message objects as cozepy 0.20.0 parses them (ids as strings,
times in seconds), and the message body the conversation and chat endpoints share."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar.params import KwargDefinition

from api.schemas import id_str, seconds
from application.conversation.dto import ConversationDTO, MessageDTO, SectionDTO
from application.conversation.inputs import MessageInput


class CozeConversation(msgspec.Struct):
    id: str
    name: str
    created_at: int
    updated_at: int
    meta_data: dict[str, str]
    last_section_id: str
    creator_id: str
    connector_id: str

    @classmethod
    def of(cls, c: ConversationDTO) -> CozeConversation:
        return cls(
            id_str(c.id),
            c.name,
            seconds(c.created_at),
            seconds(c.updated_at),
            c.meta_data,
            id_str(c.last_section_id),
            id_str(c.creator_id),
            id_str(c.connector_id),
        )


class CozeSection(msgspec.Struct):
    id: str
    conversation_id: str

    @classmethod
    def of(cls, s: SectionDTO) -> CozeSection:
        return cls(id_str(s.id), id_str(s.conversation_id))


class CozeMessage(msgspec.Struct):
    id: str
    conversation_id: str
    section_id: str
    bot_id: str  # "" for messages no agent wrote
    chat_id: str  # "" for messages added outside a chat
    role: str
    type: str
    content: str
    content_type: str
    meta_data: dict[str, str]
    reasoning_content: str
    created_at: int
    updated_at: int

    @classmethod
    def of(cls, m: MessageDTO) -> CozeMessage:
        return cls(
            id_str(m.id),
            id_str(m.conversation_id),
            id_str(m.section_id),
            id_str(m.agent_id) if m.agent_id else "",
            id_str(m.chat_id) if m.chat_id else "",
            m.role,
            m.type,
            m.content,
            m.content_type,
            m.meta_data,
            m.reasoning_content,
            seconds(m.created_at),
            seconds(m.updated_at),
        )


# What the domain checks in a message (domain/conversation: MessageInputs, checked_meta_data), as
# idl/ states it. The values stay loosely typed so that a wrong one gets the domain's own code.
ROLE = {"type": "string", "enum": ["user", "assistant"]}
CONTENT = {"type": "string", "minLength": 1, "maxLength": 100_000, "pattern": r"\S"}
CONTENT_TYPE = {"oneOf": [{"type": "string", "enum": ["text", "object_string"]}, {"type": "null"}]}
META_DATA = {
    "oneOf": [
        {
            "type": "object",
            "maxProperties": 16,
            "propertyNames": {"minLength": 1, "maxLength": 64},
            "additionalProperties": {"type": "string", "maxLength": 512},
        },
        {"type": "null"},
    ]
}
MESSAGE_TYPE = {"oneOf": [{"type": "string", "enum": ["", "question", "answer"]}, {"type": "null"}]}


class MessageBody(msgspec.Struct):
    """A message a caller sends (conversations.create `messages`, chat `additional_messages`).

    Values are typed loosely on purpose: cozepy sends a full Message with explicit nulls, and a
    wrong type is answered by the domain's own code (4005 message, 4003 meta_data) rather than a
    generic 4000. Unknown fields (id, bot_id, created_at ...) are ignored."""

    role: Annotated[Any, KwargDefinition(schema_extra=ROLE)] = None  # required: checked by the domain (4005)
    content: Annotated[Any, KwargDefinition(schema_extra=CONTENT)] = None
    content_type: Annotated[str | None, KwargDefinition(schema_extra=CONTENT_TYPE)] = None
    meta_data: Annotated[Any, KwargDefinition(schema_extra=META_DATA)] = None
    type: Annotated[str | None, KwargDefinition(schema_extra=MESSAGE_TYPE)] = None

    def as_input(self) -> MessageInput:
        return MessageInput(
            role=self.role,
            content=self.content,
            content_type="text" if self.content_type is None else self.content_type,
            meta_data=self.meta_data,
            type="" if self.type is None else self.type,
        )
