"""What the conversation services hand the API layer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.conversation.entities import Conversation, Message, Section


@dataclass(frozen=True, slots=True)
class ConversationDTO:
    id: int
    space_id: int
    agent_id: int | None
    creator_id: int
    connector_id: int
    last_section_id: int
    name: str
    meta_data: dict[str, str]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, c: Conversation) -> ConversationDTO:
        assert c.created_at is not None and c.updated_at is not None  # stored rows have both
        return cls(
            c.id,
            c.space_id,
            c.agent_id,
            c.creator_id,
            c.connector_id,
            c.section_id,
            c.name,
            dict(c.meta_data),
            c.created_at,
            c.updated_at,
        )


@dataclass(frozen=True, slots=True)
class SectionDTO:
    id: int
    conversation_id: int

    @classmethod
    def of(cls, s: Section) -> SectionDTO:
        return cls(s.id, s.conversation_id)


@dataclass(frozen=True, slots=True)
class MessageDTO:
    id: int
    conversation_id: int
    section_id: int
    parent_id: int | None
    agent_id: int | None
    chat_id: int | None
    role: str
    type: str
    content: str
    content_type: str
    meta_data: dict[str, str]
    reasoning_content: str
    status: str
    input_tokens: int
    output_tokens: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, m: Message) -> MessageDTO:
        assert m.created_at is not None  # stored rows have it
        return cls(
            m.id,
            m.conversation_id,
            m.section_id,
            m.parent_id,
            m.agent_id,
            m.chat_id,
            m.role.value,
            m.type.value,
            m.content,
            m.content_type.value,
            dict(m.meta_data),
            m.reasoning_content,
            m.status.value,
            m.usage.input_count,
            m.usage.output_count,
            m.created_at,
            m.updated_at or m.created_at,
        )


@dataclass(frozen=True, slots=True)
class MessagePage:
    """One page in listing order; first_id/last_id are the ends of this page (None when empty)."""

    items: list[MessageDTO]
    has_more: bool

    @property
    def first_id(self) -> int | None:
        return self.items[0].id if self.items else None

    @property
    def last_id(self) -> int | None:
        return self.items[-1].id if self.items else None
