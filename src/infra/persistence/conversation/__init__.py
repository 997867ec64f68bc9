"""Tables of the conversation context and the conversation and section repositories.

Messages and chat runs live in messages.py; the rows are all here so that one module
describes the schema migration 0009 creates.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Boolean, Index, String, Table, Text, and_, bindparam, or_, select, update
from sqlalchemy.dialects import mysql
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Mapped, mapped_column

from domain.conversation.entities import Conversation, Section
from infra.persistence.base import Base, Int64, Json, UtcDateTime
from infra.persistence.uow import current_session

# Message text may reach 100 000 characters: MySQL's TEXT holds 64 KiB, MEDIUMTEXT 16 MiB.
LongText = Text().with_variant(mysql.MEDIUMTEXT(), "mysql")


class ConversationRow(Base):
    __tablename__ = "conversation"
    __table_args__ = (
        # The creator's conversations with an agent on a connector, newest first (list_for).
        Index("ix_conversation_owner", "creator_id", "agent_id", "connector_id", "id"),
    )

    id: Mapped[int] = mapped_column(Int64, primary_key=True, autoincrement=False)
    space_id: Mapped[int] = mapped_column(Int64)
    agent_id: Mapped[int | None] = mapped_column(Int64, nullable=True)
    creator_id: Mapped[int] = mapped_column(Int64)
    connector_id: Mapped[int] = mapped_column(Int64)
    section_id: Mapped[int] = mapped_column(Int64)
    name: Mapped[str] = mapped_column(String(100))
    meta_data: Mapped[Any] = mapped_column(Json)
    leaf_message_id: Mapped[int | None] = mapped_column(Int64, nullable=True)
    running_chat_id: Mapped[int | None] = mapped_column(Int64, nullable=True)
    running_since: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    def to_entity(self) -> Conversation:
        return Conversation(
            id=self.id,
            space_id=self.space_id,
            agent_id=self.agent_id,
            creator_id=self.creator_id,
            connector_id=self.connector_id,
            section_id=self.section_id,
            name=self.name,
            meta_data=dict(self.meta_data or {}),
            leaf_message_id=self.leaf_message_id,
            running_chat_id=self.running_chat_id,
            running_since=self.running_since,
            created_at=self.created_at,
            updated_at=self.updated_at,
            deleted_at=self.deleted_at,
        )


class SectionRow(Base):
    __tablename__ = "conversation_section"
    __table_args__ = (Index("ix_conversation_section_conversation_id", "conversation_id", "id"),)

    id: Mapped[int] = mapped_column(Int64, primary_key=True, autoincrement=False)
    conversation_id: Mapped[int] = mapped_column(Int64)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class MessageRow(Base):
    __tablename__ = "conversation_message"
    __table_args__ = (
        # Listing a conversation's messages in id order, either way (MessageRepository.page).
        Index("ix_conversation_message_conversation_id", "conversation_id", "id"),
        Index("ix_conversation_message_chat_id", "chat_id"),
        # Walking a branch back from its leaf within a section (MessageRepository.path).
        Index("ix_conversation_message_section_id", "section_id", "id"),
    )

    id: Mapped[int] = mapped_column(Int64, primary_key=True, autoincrement=False)
    conversation_id: Mapped[int] = mapped_column(Int64)
    section_id: Mapped[int] = mapped_column(Int64)
    parent_id: Mapped[int | None] = mapped_column(Int64, nullable=True)
    role: Mapped[str] = mapped_column(String(16))
    type: Mapped[str] = mapped_column(String(32))
    content: Mapped[str] = mapped_column(LongText)
    content_type: Mapped[str] = mapped_column(String(16))
    agent_id: Mapped[int | None] = mapped_column(Int64, nullable=True)
    chat_id: Mapped[int | None] = mapped_column(Int64, nullable=True)
    creator_id: Mapped[int] = mapped_column(Int64)
    meta_data: Mapped[Any] = mapped_column(Json)
    reasoning_content: Mapped[str] = mapped_column(LongText)
    status: Mapped[str] = mapped_column(String(16))
    usage: Mapped[Any] = mapped_column(Json)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class ChatRunRow(Base):
    __tablename__ = "chat_run"
    __table_args__ = (Index("ix_chat_run_conversation_id", "conversation_id", "id"),)

    id: Mapped[int] = mapped_column(Int64, primary_key=True, autoincrement=False)
    conversation_id: Mapped[int] = mapped_column(Int64)
    section_id: Mapped[int] = mapped_column(Int64)
    space_id: Mapped[int] = mapped_column(Int64)
    agent_id: Mapped[int] = mapped_column(Int64)
    agent_version: Mapped[str] = mapped_column(String(64))
    connector_id: Mapped[int] = mapped_column(Int64)
    creator_id: Mapped[int] = mapped_column(Int64)
    end_user: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(32))
    question_id: Mapped[int | None] = mapped_column(Int64, nullable=True)
    answer_id: Mapped[int | None] = mapped_column(Int64, nullable=True)
    inserted_message_ids: Mapped[Any] = mapped_column(Json)
    meta_data: Mapped[Any] = mapped_column(Json)
    usage: Mapped[Any] = mapped_column(Json)
    last_error: Mapped[Any] = mapped_column(Json)
    required_action: Mapped[Any] = mapped_column(Json)
    stream: Mapped[bool] = mapped_column(Boolean)
    auto_save_history: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    failed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


# The chat path runs these on every turn: statements built once (Core, parameters bound at execution)
# skip the ORM's per-call statement building and cache-key work.
_CONVERSATION = cast(Table, ConversationRow.__table__)
_SECTION = cast(Table, SectionRow.__table__)
_BY_ID = _CONVERSATION.c.id == bindparam("b_id")
_UPDATE_CONVERSATION = _CONVERSATION.update().where(_BY_ID)
_SET_LEAF = (
    _CONVERSATION.update()
    .where(_BY_ID)
    .values(leaf_message_id=bindparam("b_leaf"), updated_at=bindparam("b_at"))
)
_RELEASE = (
    _CONVERSATION.update()
    .where(_BY_ID, _CONVERSATION.c.running_chat_id == bindparam("b_chat"))
    .values(running_chat_id=None, running_since=None)
)
_CLAIM_CONDITION = (
    _BY_ID,
    _CONVERSATION.c.deleted_at.is_(None),
    or_(
        _CONVERSATION.c.running_chat_id.is_(None),
        _CONVERSATION.c.running_chat_id == bindparam("b_chat"),
        and_(
            _CONVERSATION.c.running_since.is_not(None),
            _CONVERSATION.c.running_since < bindparam("b_stale"),
        ),
    ),
)
_CLAIM_AND_MOVE = (
    _CONVERSATION.update()
    .where(*_CLAIM_CONDITION)
    .values(
        running_chat_id=bindparam("b_chat"),
        running_since=bindparam("b_now"),
        leaf_message_id=bindparam("b_leaf"),
        updated_at=bindparam("b_now"),
    )
)
_CLAIM = (
    _CONVERSATION.update()
    .where(*_CLAIM_CONDITION)
    .values(running_chat_id=bindparam("b_chat"), running_since=bindparam("b_now"))
)


def _conversation_values(c: Conversation) -> dict[str, Any]:
    """The columns a save may change. The running chat is left alone: only claim/release write it,
    so a save racing with a chat start cannot undo the claim."""
    return {
        "section_id": c.section_id,
        "name": c.name,
        "meta_data": dict(c.meta_data),
        "leaf_message_id": c.leaf_message_id,
        "updated_at": c.updated_at,
        "deleted_at": c.deleted_at,
    }


class SqlConversationRepository:
    async def add(self, conversation: Conversation) -> None:
        c = conversation
        now = c.created_at or c.updated_at
        if now is None:
            raise ValueError("a new conversation needs created_at")
        await current_session().execute(
            _CONVERSATION.insert(),
            {
                "id": c.id,
                "space_id": c.space_id,
                "agent_id": c.agent_id,
                "creator_id": c.creator_id,
                "connector_id": c.connector_id,
                "running_chat_id": c.running_chat_id,
                "running_since": c.running_since,
                "created_at": now,
                **_conversation_values(c),
                "updated_at": c.updated_at or now,
            },
        )

    async def get(self, conversation_id: int) -> Conversation | None:
        row = (
            await current_session().execute(
                select(ConversationRow).where(
                    ConversationRow.id == conversation_id, ConversationRow.deleted_at.is_(None)
                )
            )
        ).scalar_one_or_none()
        return None if row is None else row.to_entity()

    async def save(self, conversation: Conversation) -> None:
        await current_session().execute(
            _UPDATE_CONVERSATION, {"b_id": conversation.id, **_conversation_values(conversation)}
        )

    async def list_for(
        self, *, agent_id: int | None, creator_id: int, connector_id: int, offset: int, limit: int
    ) -> tuple[list[Conversation], bool]:
        agent = (
            ConversationRow.agent_id.is_(None) if agent_id is None else ConversationRow.agent_id == agent_id
        )
        rows = (
            (
                await current_session().execute(
                    select(ConversationRow)
                    .where(
                        ConversationRow.creator_id == creator_id,
                        agent,
                        ConversationRow.connector_id == connector_id,
                        ConversationRow.deleted_at.is_(None),
                    )
                    .order_by(ConversationRow.id.desc())
                    .offset(offset)
                    .limit(limit + 1)
                )
            )
            .scalars()
            .all()
        )
        return [r.to_entity() for r in rows[:limit]], len(rows) > limit

    async def set_leaf(self, conversation_id: int, leaf_message_id: int, at: datetime) -> None:
        await current_session().execute(
            _SET_LEAF, {"b_id": conversation_id, "b_leaf": leaf_message_id, "b_at": at}
        )

    async def name_if_unnamed(self, conversation_id: int, name: str, at: datetime) -> bool:
        result: CursorResult[Any] = await current_session().execute(  # type: ignore[assignment]
            update(ConversationRow)
            .where(
                ConversationRow.id == conversation_id,
                ConversationRow.name == "",
                ConversationRow.deleted_at.is_(None),
            )
            .values(name=name, updated_at=at)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1

    async def claim(
        self,
        conversation_id: int,
        chat_id: int,
        now: datetime,
        stale_before: datetime,
        leaf_message_id: int | None = None,
    ) -> bool:
        # One conditional UPDATE: the database serialises writers on the row (InnoDB row lock, SQLite's
        # write lock) and re-checks the condition against the committed value, so of many
        # concurrent claims exactly one matches. Re-claiming one's own chat refreshes the timestamp.
        params = {"b_id": conversation_id, "b_chat": chat_id, "b_now": now, "b_stale": stale_before}
        if leaf_message_id is None:
            statement = _CLAIM
        else:
            statement, params["b_leaf"] = _CLAIM_AND_MOVE, leaf_message_id
        result: CursorResult[Any] = await current_session().execute(statement, params)  # type: ignore[assignment]
        return result.rowcount == 1

    async def release(self, conversation_id: int, chat_id: int) -> None:
        await current_session().execute(_RELEASE, {"b_id": conversation_id, "b_chat": chat_id})


class SqlSectionRepository:
    async def add(self, section: Section) -> None:
        await current_session().execute(
            _SECTION.insert(),
            {"id": section.id, "conversation_id": section.conversation_id, "created_at": section.created_at},
        )
