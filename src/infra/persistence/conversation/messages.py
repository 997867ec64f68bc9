"""Message and chat-run repositories of the conversation context (rows in conversation.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, bindparam, select, update

from domain.conversation.entities import ChatRun, Message
from domain.conversation.ports import MessageSlice
from domain.conversation.values import (
    AuthorizationRequest,
    ChatError,
    ChatStatus,
    ContentType,
    ListOrder,
    MessageRole,
    MessageStatus,
    MessageType,
    ToolCallRequest,
    Usage,
)
from infra.persistence.conversation import ChatRunRow, MessageRow
from infra.persistence.uow import current_session


def _usage(raw: Any) -> Usage:
    raw = raw or {}
    return Usage(int(raw.get("input_count", 0)), int(raw.get("output_count", 0)))


def _usage_json(usage: Usage) -> dict[str, int]:
    return {"input_count": usage.input_count, "output_count": usage.output_count}


def _message(row: MessageRow) -> Message:
    return Message(
        id=row.id,
        conversation_id=row.conversation_id,
        section_id=row.section_id,
        parent_id=row.parent_id,
        role=MessageRole(row.role),
        type=MessageType(row.type),
        content=row.content,
        content_type=ContentType(row.content_type),
        agent_id=row.agent_id,
        chat_id=row.chat_id,
        creator_id=row.creator_id,
        meta_data=dict(row.meta_data or {}),
        reasoning_content=row.reasoning_content,
        status=MessageStatus(row.status),
        usage=_usage(row.usage),
        created_at=row.created_at,
        updated_at=row.updated_at,
        deleted_at=row.deleted_at,
    )


def _message_values(m: Message) -> dict[str, Any]:
    if m.created_at is None:
        raise ValueError("a message needs created_at")
    return {
        "conversation_id": m.conversation_id,
        "section_id": m.section_id,
        "parent_id": m.parent_id,
        "role": m.role.value,
        "type": m.type.value,
        "content": m.content,
        "content_type": m.content_type.value,
        "agent_id": m.agent_id,
        "chat_id": m.chat_id,
        "creator_id": m.creator_id,
        "meta_data": dict(m.meta_data),
        "reasoning_content": m.reasoning_content,
        "status": m.status.value,
        "usage": _usage_json(m.usage),
        "created_at": m.created_at,
        "updated_at": m.updated_at or m.created_at,
        "deleted_at": m.deleted_at,
    }


_LIVE = MessageRow.deleted_at.is_(None)
# Built once: the chat path writes messages and runs on every turn (see conversation.py).
_MESSAGE = cast(Table, MessageRow.__table__)
_RUN = cast(Table, ChatRunRow.__table__)
_UPDATE_MESSAGE = _MESSAGE.update().where(_MESSAGE.c.id == bindparam("b_id"))
_UPDATE_RUN = _RUN.update().where(_RUN.c.id == bindparam("b_id"))
_ENDED = [s.value for s in ChatStatus if s.terminal]
_UPDATE_RUN_UNLESS_ENDED = _RUN.update().where(_RUN.c.id == bindparam("b_id"), _RUN.c.status.not_in(_ENDED))


class SqlMessageRepository:
    async def add(self, message: Message) -> None:
        await current_session().execute(_MESSAGE.insert(), {"id": message.id, **_message_values(message)})

    async def add_many(self, messages: Sequence[Message]) -> None:
        if messages:
            rows = [{"id": m.id, **_message_values(m)} for m in messages]
            await current_session().execute(_MESSAGE.insert(), rows)

    async def get(self, message_id: int) -> Message | None:
        row = (
            await current_session().execute(select(MessageRow).where(MessageRow.id == message_id, _LIVE))
        ).scalar_one_or_none()
        return None if row is None else _message(row)

    async def save(self, message: Message) -> None:
        await current_session().execute(_UPDATE_MESSAGE, {"b_id": message.id, **_message_values(message)})

    async def page(
        self,
        conversation_id: int,
        *,
        order: ListOrder,
        limit: int,
        before_id: int | None = None,
        after_id: int | None = None,
        chat_id: int | None = None,
    ) -> MessageSlice:
        """Keyset paging over (conversation_id, id). A page starts next to its cursor: after `after_id`
        in listing order, or ending just before `before_id`; with both, the window between them is
        read from the `after_id` end. `has_more` says whether the listing goes on beyond the page in
        the direction read (so a client following `after_id = last_id` stops exactly at the end)."""
        asc = order is ListOrder.ASC
        conditions: list[ColumnElement[bool]] = [MessageRow.conversation_id == conversation_id, _LIVE]
        if chat_id is not None:
            conditions.append(MessageRow.chat_id == chat_id)
        # "after" in listing order is a larger id when ascending, a smaller one when descending.
        if after_id is not None:
            conditions.append(MessageRow.id > after_id if asc else MessageRow.id < after_id)
        if before_id is not None:
            conditions.append(MessageRow.id < before_id if asc else MessageRow.id > before_id)
        # Read from the cursor outwards: forwards in listing order, unless only before_id is given.
        forwards = asc if (after_id is not None or before_id is None) else not asc
        rows = (
            (
                await current_session().execute(
                    select(MessageRow)
                    .where(*conditions)
                    .order_by(MessageRow.id.asc() if forwards else MessageRow.id.desc())
                    .limit(limit + 1)
                )
            )
            .scalars()
            .all()
        )
        items = [_message(r) for r in rows[:limit]]
        if forwards != asc:
            items.reverse()
        return MessageSlice(items, len(rows) > limit)

    async def for_chat(self, chat_id: int) -> list[Message]:
        rows = (
            (
                await current_session().execute(
                    select(MessageRow).where(MessageRow.chat_id == chat_id, _LIVE).order_by(MessageRow.id)
                )
            )
            .scalars()
            .all()
        )
        return [_message(r) for r in rows]

    async def path(self, leaf_id: int, section_id: int, limit: int) -> list[Message]:
        """Read the section's messages below the leaf newest first, in batches of twice the limit,
        and walk the parent chain through them; another batch only when the chain leaves the one
        read (many sibling branches). Parents have smaller ids than their children (ids are
        time-ordered), so the walk only ever moves down the index and always ends. Measured against
        one recursive CTE in tests/bench/bench_conversation_path.py (docs/bench/conversation.md):
        usually one statement and faster on SQLite and MariaDB alike."""
        if limit <= 0:
            return []
        session = current_session()
        batch = max(2 * limit, 16)
        read: dict[int, MessageRow] = {}
        below = leaf_id
        current: int | None = leaf_id
        found: list[MessageRow] = []
        while current is not None and len(found) < limit:
            row = read.get(current)
            if row is None:
                if current > below:
                    break  # not in this section (or not a parent that precedes its child)
                rows = (
                    (
                        await session.execute(
                            select(MessageRow)
                            .where(MessageRow.section_id == section_id, MessageRow.id <= below)
                            .order_by(MessageRow.id.desc())
                            .limit(batch)
                        )
                    )
                    .scalars()
                    .all()
                )
                if not rows:
                    break
                read.update((r.id, r) for r in rows)
                below = rows[-1].id - 1
                continue
            if row.deleted_at is None:
                found.append(row)
            current = row.parent_id
        return [_message(r) for r in reversed(found)]

    async def delete_conversation(self, conversation_id: int, at: datetime) -> None:
        await current_session().execute(
            update(MessageRow)
            .where(MessageRow.conversation_id == conversation_id, _LIVE)
            .values(deleted_at=at, updated_at=at)
            .execution_options(synchronize_session=False)
        )


def _run(row: ChatRunRow) -> ChatRun:
    error = row.last_error or {}
    return ChatRun(
        id=row.id,
        conversation_id=row.conversation_id,
        section_id=row.section_id,
        space_id=row.space_id,
        agent_id=row.agent_id,
        agent_version=row.agent_version,
        connector_id=row.connector_id,
        creator_id=row.creator_id,
        end_user=row.end_user,
        status=ChatStatus(row.status),
        question_id=row.question_id,
        answer_id=row.answer_id,
        inserted_message_ids=tuple(int(i) for i in row.inserted_message_ids or ()),
        meta_data=dict(row.meta_data or {}),
        usage=_usage(row.usage),
        last_error=ChatError(int(error.get("code", 0)), str(error.get("msg", ""))),
        # One column for both kinds of required action: tool calls, or plugins to authorize.
        required_action=tuple(
            ToolCallRequest(str(c["id"]), str(c["name"]), str(c["arguments"]))
            for c in row.required_action or ()
            if "plugin_id" not in c
        ),
        authorization=tuple(
            AuthorizationRequest(int(c["plugin_id"]), str(c["plugin_name"]), str(c["url"]))
            for c in row.required_action or ()
            if "plugin_id" in c
        ),
        stream=row.stream,
        auto_save_history=row.auto_save_history,
        created_at=row.created_at,
        completed_at=row.completed_at,
        failed_at=row.failed_at,
    )


def _run_values(r: ChatRun) -> dict[str, Any]:
    if r.created_at is None:
        raise ValueError("a chat run needs created_at")
    return {
        "conversation_id": r.conversation_id,
        "section_id": r.section_id,
        "space_id": r.space_id,
        "agent_id": r.agent_id,
        "agent_version": r.agent_version,
        "connector_id": r.connector_id,
        "creator_id": r.creator_id,
        "end_user": r.end_user,
        "status": r.status.value,
        "question_id": r.question_id,
        "answer_id": r.answer_id,
        "inserted_message_ids": list(r.inserted_message_ids),
        "meta_data": dict(r.meta_data),
        "usage": _usage_json(r.usage),
        "last_error": {"code": r.last_error.code, "msg": r.last_error.msg},
        "required_action": [
            *({"id": c.id, "name": c.name, "arguments": c.arguments} for c in r.required_action),
            *(
                {"plugin_id": str(a.plugin_id), "plugin_name": a.plugin_name, "url": a.url}
                for a in r.authorization
            ),
        ],
        "stream": r.stream,
        "auto_save_history": r.auto_save_history,
        "created_at": r.created_at,
        "completed_at": r.completed_at,
        "failed_at": r.failed_at,
    }


class SqlChatRunRepository:
    async def add(self, run: ChatRun) -> None:
        await current_session().execute(_RUN.insert(), {"id": run.id, **_run_values(run)})

    async def get(self, chat_id: int) -> ChatRun | None:
        row = await current_session().get(ChatRunRow, chat_id, populate_existing=True)
        return None if row is None else _run(row)

    async def save(self, run: ChatRun) -> None:
        await current_session().execute(_UPDATE_RUN, {"b_id": run.id, **_run_values(run)})

    async def save_unless_ended(self, run: ChatRun) -> bool:
        # One conditional UPDATE: no extra read on the turn's end (matched rows, also on MySQL).
        result = await current_session().execute(
            _UPDATE_RUN_UNLESS_ENDED, {"b_id": run.id, **_run_values(run)}
        )
        return bool(getattr(result, "rowcount", 0))
