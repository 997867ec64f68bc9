"""The conversation repositories on SQLite and MariaDB: the running-chat claim under concurrency,
keyset paging in both orders, the branch path, chat runs."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from domain.conversation.entities import ChatRun, Conversation, Message, Section
from domain.conversation.values import (
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
from infra.clock import SystemClock
from infra.idgen import SnowflakeIds
from infra.persistence.conversation import SqlConversationRepository, SqlSectionRepository
from infra.persistence.conversation.messages import SqlChatRunRepository, SqlMessageRepository
from infra.persistence.database import Database
from infra.persistence.uow import SqlUnitOfWorkFactory

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@dataclass
class Store:
    uow: SqlUnitOfWorkFactory
    ids: SnowflakeIds
    conversations: SqlConversationRepository
    sections: SqlSectionRepository
    messages: SqlMessageRepository
    runs: SqlChatRunRepository


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    db = Database(database_url, pool_size=20)
    ids = SnowflakeIds(worker_id=7)
    try:
        yield Store(
            SqlUnitOfWorkFactory(db, ids, SystemClock()),
            ids,
            SqlConversationRepository(),
            SqlSectionRepository(),
            SqlMessageRepository(),
            SqlChatRunRepository(),
        )
    finally:
        await db.dispose()


async def new_conversation(
    s: Store, *, creator: int = 1, agent: int | None = 10, connector: int = 1024
) -> Conversation:
    c = Conversation(
        id=s.ids.next_id(),
        space_id=5,
        agent_id=agent,
        creator_id=creator,
        connector_id=connector,
        section_id=s.ids.next_id(),
        name="chat",
        meta_data={"k": "v"},
        created_at=T0,
        updated_at=T0,
    )
    async with s.uow() as uow:
        await s.conversations.add(c)
        await s.sections.add(Section(c.section_id, c.id, T0))
        await uow.commit()
    return c


def message(s: Store, c: Conversation, parent: int | None, text: str, **kw: object) -> Message:
    fields: dict[str, object] = {
        "section_id": c.section_id,
        "role": MessageRole.USER,
        "type": MessageType.QUESTION,
        "created_at": T0,
        **kw,
    }
    return Message(id=s.ids.next_id(), conversation_id=c.id, parent_id=parent, content=text, **fields)  # type: ignore[arg-type]


async def add_all(s: Store, items: list[Message]) -> None:
    async with s.uow() as uow:
        for m in items:
            await s.messages.add(m)
        await uow.commit()


async def test_conversation_round_trip_and_soft_delete(store: Store) -> None:
    c = await new_conversation(store)
    async with store.uow():
        got = await store.conversations.get(c.id)
    assert got is not None and got.meta_data == {"k": "v"} and got.agent_id == 10 and got.created_at == T0

    c.name, c.meta_data, c.leaf_message_id, c.updated_at = "renamed", {}, 42, T0 + timedelta(seconds=1)
    async with store.uow() as uow:
        await store.conversations.save(c)
        await uow.commit()
    async with store.uow():
        got = await store.conversations.get(c.id)
    assert got is not None and (got.name, got.meta_data, got.leaf_message_id) == ("renamed", {}, 42)

    c.deleted_at = T0
    async with store.uow() as uow:
        await store.conversations.save(c)
        await uow.commit()
    async with store.uow():
        assert await store.conversations.get(c.id) is None


async def test_list_for_is_newest_first_per_owner_agent_connector(store: Store) -> None:
    mine = [await new_conversation(store, creator=1) for _ in range(5)]
    await new_conversation(store, creator=2)  # another user's
    await new_conversation(store, creator=1, connector=999)  # another connector
    bare = await new_conversation(store, creator=1, agent=None)
    async with store.uow():
        first, more = await store.conversations.list_for(
            agent_id=10, creator_id=1, connector_id=1024, offset=0, limit=3
        )
        rest, more_after = await store.conversations.list_for(
            agent_id=10, creator_id=1, connector_id=1024, offset=3, limit=3
        )
        none_agent, _ = await store.conversations.list_for(
            agent_id=None, creator_id=1, connector_id=1024, offset=0, limit=10
        )
    assert [c.id for c in first + rest] == [c.id for c in reversed(mine)]
    assert (more, more_after) == (True, False)
    assert [c.id for c in none_agent] == [bare.id]


async def test_save_does_not_undo_a_claim(store: Store) -> None:
    c = await new_conversation(store)
    async with store.uow() as uow:
        assert await store.conversations.claim(c.id, 77, T0, T0 - timedelta(minutes=10))
        await uow.commit()
    c.name = "changed while a chat runs"  # c still says running_chat_id=None
    async with store.uow() as uow:
        await store.conversations.save(c)
        await uow.commit()
    async with store.uow():
        got = await store.conversations.get(c.id)
    assert got is not None and got.running_chat_id == 77 and got.name == "changed while a chat runs"


async def test_one_claim_wins_among_many_concurrent(store: Store) -> None:
    c = await new_conversation(store)
    stale_before = T0 - timedelta(minutes=10)

    async def claim(chat_id: int) -> bool:
        async with store.uow() as uow:
            won = await store.conversations.claim(c.id, chat_id, T0, stale_before)
            await uow.commit()
        return won

    for round_ in range(3):
        chats = [1000 * (round_ + 1) + i for i in range(30)]
        results = await asyncio.gather(*(claim(chat) for chat in chats))
        winners = [chat for chat, won in zip(chats, results, strict=True) if won]
        assert len(winners) == 1, winners
        async with store.uow():
            got = await store.conversations.get(c.id)
        assert got is not None and got.running_chat_id == winners[0]
        async with store.uow() as uow:
            await store.conversations.release(
                c.id, chats[0] if chats[0] != winners[0] else -1
            )  # not the holder
            await uow.commit()
        async with store.uow():
            assert (await store.conversations.get(c.id)).running_chat_id == winners[0]  # type: ignore[union-attr]
        async with store.uow() as uow:
            await store.conversations.release(c.id, winners[0])
            await uow.commit()


async def test_claim_rules_stale_takeover_reclaim_and_deleted(store: Store) -> None:
    c = await new_conversation(store)

    async def claim(chat_id: int, now: datetime, stale_before: datetime) -> bool:
        async with store.uow() as uow:
            won = await store.conversations.claim(c.id, chat_id, now, stale_before)
            await uow.commit()
        return won

    assert await claim(1, T0, T0 - timedelta(minutes=5))
    assert await claim(1, T0 + timedelta(seconds=1), T0 - timedelta(minutes=5))  # its own chat: refreshed
    assert not await claim(2, T0 + timedelta(seconds=2), T0 - timedelta(minutes=5))
    # The holder's claim is older than stale_before: abandoned, taken over.
    assert await claim(2, T0 + timedelta(minutes=6), T0 + timedelta(minutes=1))
    assert not await claim(1, T0 + timedelta(minutes=6), T0 + timedelta(minutes=1))
    c.deleted_at = T0
    async with store.uow() as uow:
        await store.conversations.save(c)
        await store.conversations.release(c.id, 2)
        await uow.commit()
    assert not await claim(3, T0, T0)


async def walk(
    s: Store, c: Conversation, order: ListOrder, limit: int, **first: int | None
) -> tuple[list[int], int]:
    """Page like cozepy's LastIDPaged: the first call as given, then after_id = last_id while has_more."""
    seen: list[int] = []
    pages = 0
    cursor = dict(first)
    while True:
        async with s.uow():
            page = await s.messages.page(c.id, order=order, limit=limit, **cursor)
        pages += 1
        seen += [m.id for m in page.items]
        if not page.has_more or not page.items:
            return seen, pages
        cursor = {"after_id": page.items[-1].id}
        assert pages < 100


async def test_paging_to_the_end_in_both_orders(store: Store) -> None:
    c = await new_conversation(store)
    other = await new_conversation(store)
    items: list[Message] = []
    for i in range(23):
        items.append(
            message(store, c, items[-1].id if items else None, f"m{i}", chat_id=9 if i % 3 == 0 else None)
        )
    items.append(message(store, other, None, "elsewhere"))
    await add_all(store, items)
    ids = [m.id for m in items[:23]]
    deleted = items[5]
    deleted.deleted_at = T0
    async with store.uow() as uow:
        await store.messages.save(deleted)
        await uow.commit()
    live = [i for i in ids if i != deleted.id]

    for limit in (1, 4, 22, 50):
        asc, _ = await walk(store, c, ListOrder.ASC, limit)
        desc, pages = await walk(store, c, ListOrder.DESC, limit)
        assert asc == live and desc == live[::-1]
        assert pages == max(1, -(-len(live) // limit)), (limit, pages)

    # after_id continues after that id in the listing order, before_id ends just before it.
    pivot = live[10]
    async with store.uow():
        after_desc = await store.messages.page(c.id, order=ListOrder.DESC, limit=3, after_id=pivot)
        after_asc = await store.messages.page(c.id, order=ListOrder.ASC, limit=3, after_id=pivot)
        before_desc = await store.messages.page(c.id, order=ListOrder.DESC, limit=3, before_id=pivot)
        before_asc = await store.messages.page(c.id, order=ListOrder.ASC, limit=3, before_id=pivot)
        near_start = await store.messages.page(c.id, order=ListOrder.ASC, limit=5, before_id=live[2])
        window = await store.messages.page(
            c.id, order=ListOrder.ASC, limit=50, after_id=live[3], before_id=live[7]
        )
        by_chat = await store.messages.page(c.id, order=ListOrder.ASC, limit=50, chat_id=9)
    assert [m.id for m in after_desc.items] == live[7:10][::-1] and after_desc.has_more
    assert [m.id for m in after_asc.items] == live[11:14] and after_asc.has_more
    assert [m.id for m in before_desc.items] == live[11:14][::-1] and before_desc.has_more
    assert [m.id for m in before_asc.items] == live[7:10] and before_asc.has_more
    assert [m.id for m in near_start.items] == live[:2] and not near_start.has_more
    assert [m.id for m in window.items] == live[4:7] and not window.has_more
    assert [m.id for m in by_chat.items] == [m.id for m in items[:23] if m.chat_id == 9 and m is not deleted]

    async with store.uow() as uow:
        await store.messages.delete_conversation(c.id, T0)
        await uow.commit()
    async with store.uow():
        empty = await store.messages.page(c.id, order=ListOrder.DESC, limit=5)
        untouched = await store.messages.page(other.id, order=ListOrder.DESC, limit=5)
    assert empty.items == [] and not empty.has_more and len(untouched.items) == 1


async def test_path_follows_the_branch_within_the_section(store: Store) -> None:
    c = await new_conversation(store)
    q1 = message(store, c, None, "q1")
    a1 = message(store, c, q1.id, "a1", role=MessageRole.ASSISTANT, type=MessageType.ANSWER)
    q2 = message(store, c, a1.id, "q2")
    a2_first = message(store, c, q2.id, "a2 first", role=MessageRole.ASSISTANT, type=MessageType.ANSWER)
    a2_regen = message(store, c, q2.id, "a2 again", role=MessageRole.ASSISTANT, type=MessageType.ANSWER)
    q3 = message(store, c, a2_regen.id, "q3")
    q2_edit = message(store, c, a1.id, "q2 edited")  # an edited question: a sibling of q2
    await add_all(store, [q1, a1, q2, a2_first, a2_regen, q3, q2_edit])

    async def path(leaf: Message, limit: int = 50, section: int | None = None) -> list[str]:
        async with store.uow():
            found = await store.messages.path(leaf.id, section or c.section_id, limit)
        return [m.content for m in found]

    assert await path(q3) == ["q1", "a1", "q2", "a2 again", "q3"]
    assert await path(a2_first) == ["q1", "a1", "q2", "a2 first"]
    assert await path(q2_edit) == ["q1", "a1", "q2 edited"]
    assert await path(q3, limit=2) == ["a2 again", "q3"]
    assert await path(q3, limit=0) == []
    assert await path(q3, section=store.ids.next_id()) == []

    # A deleted message is skipped but does not cut the branch, and does not count toward the limit.
    q2.deleted_at = T0
    async with store.uow() as uow:
        await store.messages.save(q2)
        await uow.commit()
    assert await path(q3) == ["q1", "a1", "a2 again", "q3"]
    assert await path(q3, limit=3) == ["a1", "a2 again", "q3"]

    # A new section (context cleared) starts a new history even though the tree goes on.
    new_section = store.ids.next_id()
    q4 = message(store, c, q3.id, "q4", section_id=new_section)
    await add_all(store, [q4])
    assert await path(q4, section=new_section) == ["q4"]


async def test_for_chat_and_message_round_trip(store: Store) -> None:
    c = await new_conversation(store)
    q = message(store, c, None, "hello", chat_id=5)
    a = message(
        store,
        c,
        q.id,
        "x" * 100_000,
        role=MessageRole.ASSISTANT,
        type=MessageType.ANSWER,
        chat_id=5,
        content_type=ContentType.TEXT,
        meta_data={"a": "b"},
        reasoning_content="thought",
        status=MessageStatus.INTERRUPTED,
        usage=Usage(3, 4),
        agent_id=10,
        updated_at=T0,
    )
    await add_all(store, [q, a, message(store, c, a.id, "later", chat_id=6)])
    async with store.uow():
        got = await store.messages.for_chat(5)
    assert [m.id for m in got] == [q.id, a.id]
    assert got[1] == a and len(got[1].content) == 100_000


async def test_chat_run_round_trip(store: Store) -> None:
    c = await new_conversation(store)
    run = ChatRun(
        id=store.ids.next_id(),
        conversation_id=c.id,
        section_id=c.section_id,
        space_id=5,
        agent_id=10,
        agent_version="3",
        connector_id=1024,
        creator_id=1,
        end_user="end-user-1",
        question_id=store.ids.next_id(),
        inserted_message_ids=(2**62, 3),
        meta_data={"x": "y"},
        created_at=T0,
    )
    async with store.uow() as uow:
        await store.runs.add(run)
        await uow.commit()
    run.start()
    run.await_tools((ToolCallRequest("call_1", "get_weather", '{"city":"x"}'),), Usage(1, 2))
    async with store.uow() as uow:
        await store.runs.save(run)
        await uow.commit()
    async with store.uow():
        assert await store.runs.get(run.id) == run
    run.fail(T0 + timedelta(seconds=3), ChatError(5000, "boom"), Usage(5, 6))
    async with store.uow() as uow:
        await store.runs.save(run)
        await uow.commit()
    async with store.uow():
        got = await store.runs.get(run.id)
        assert await store.runs.get(store.ids.next_id()) is None
    assert got == run and got.status is ChatStatus.FAILED and got.required_action == ()


async def test_an_outcome_is_not_saved_over_a_run_that_already_ended(store: Store) -> None:
    c = await new_conversation(store)
    run = ChatRun(
        id=store.ids.next_id(),
        conversation_id=c.id,
        section_id=c.section_id,
        space_id=5,
        agent_id=10,
        agent_version="3",
        connector_id=1024,
        creator_id=1,
        end_user="end-user-1",
        question_id=store.ids.next_id(),
        created_at=T0,
    )
    async with store.uow() as uow:
        await store.runs.add(run)
        await uow.commit()
    run.start()
    async with store.uow() as uow:
        assert await store.runs.save_unless_ended(run)  # still running: saved
        await uow.commit()
    failed = copy.deepcopy(run)
    failed.fail(T0 + timedelta(seconds=2), ChatError(5038, "stream gone"), Usage())
    async with store.uow() as uow:
        assert await store.runs.save_unless_ended(failed)  # the reader's failure
        await uow.commit()
    run.complete(T0 + timedelta(seconds=3), Usage(4, 5))
    async with store.uow() as uow:
        assert not await store.runs.save_unless_ended(run)  # the generation's late outcome
        await uow.commit()
    async with store.uow():
        got = await store.runs.get(run.id)
    assert got is not None and got.status is ChatStatus.FAILED and got.last_error.msg == "stream gone"
