"""Where a turn goes in the message tree and which history it sees (domain/conversation/branching.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.conversation.branching import BranchChooser, has_substance, resume_history_limit, waiting_question
from domain.conversation.entities import Conversation, Message
from domain.conversation.errors import InvalidMessage, MessageNotFound
from domain.conversation.messages import MessageFactory
from domain.conversation.values import ContentType, MessageRole, MessageType
from tests.support.conversation_fakes import InMemoryMessages
from tests.support.fakes import CountingIds, FakeStore

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def conversation(section_id: int = 1000) -> Conversation:
    return Conversation(
        id=500, space_id=1, agent_id=7, creator_id=3, connector_id=1024, section_id=section_id
    )


class Tree:
    """A conversation's messages in an in-memory repository, built turn by turn."""

    def __init__(self) -> None:
        self.conversation = conversation()
        self.messages = InMemoryMessages(FakeStore())
        self.ids = CountingIds()

    async def say(
        self, text: str, role: MessageRole = MessageRole.USER, *, parent: int | None = -1
    ) -> Message:
        factory = MessageFactory(self.conversation, self.ids, NOW)
        kind = MessageType.QUESTION if role is MessageRole.USER else MessageType.ANSWER
        under = self.conversation.leaf_message_id if parent == -1 else parent
        message = factory.caller_message(
            under, role, kind, text, ContentType.TEXT, {}, creator_id=3, agent_id=7
        )
        await self.messages.add(message)
        self.conversation.leaf_message_id = message.id
        return message


async def test_a_turn_continues_the_current_branch_and_sees_its_path() -> None:
    tree = Tree()
    q1 = await tree.say("hi")
    a1 = await tree.say("hello", MessageRole.ASSISTANT)
    branch = await BranchChooser(tree.messages).choose(tree.conversation, limit=10)
    assert branch.parent_id == a1.id
    assert [m.id for m in branch.history] == [q1.id, a1.id]
    assert branch.question is None  # the last question has its answer


async def test_an_unanswered_question_at_the_leaf_is_the_one_answered() -> None:
    tree = Tree()
    await tree.say("hi")
    await tree.say("hello", MessageRole.ASSISTANT)
    q2 = await tree.say("and now?")
    branch = await BranchChooser(tree.messages).choose(tree.conversation, limit=10)
    assert branch.question is not None and branch.question.id == q2.id
    assert branch.parent_id == q2.id


async def test_a_blank_question_waits_for_nothing() -> None:
    tree = Tree()
    blank = await tree.say("   ")
    assert waiting_question([blank]) is None
    assert not has_substance("  ", ContentType.TEXT)
    assert has_substance('[{"type":"image","file_url":"https://x/y.png"}]', ContentType.OBJECT_STRING)
    assert not has_substance('[{"type":"text","text":" "}]', ContentType.OBJECT_STRING)


async def test_the_history_is_cut_at_the_limit_and_at_the_section() -> None:
    tree = Tree()
    await tree.say("old")
    tree.conversation.section_id = 2000  # the context was cleared
    q = await tree.say("new", parent=tree.conversation.leaf_message_id)
    a = await tree.say("answer", MessageRole.ASSISTANT)
    chooser = BranchChooser(tree.messages)
    assert [m.id for m in (await chooser.choose(tree.conversation, limit=10)).history] == [q.id, a.id]
    assert [m.id for m in (await chooser.choose(tree.conversation, limit=1)).history] == [a.id]


async def test_regenerating_an_answer_branches_under_its_question() -> None:
    tree = Tree()
    q1 = await tree.say("hi")
    await tree.say("hello", MessageRole.ASSISTANT)
    q2 = await tree.say("more")
    a2 = await tree.say("sure", MessageRole.ASSISTANT)
    chooser = BranchChooser(tree.messages)
    for named in (a2.id, q2.id):  # the answer or its question: the question is meant
        branch = await chooser.choose(tree.conversation, limit=10, regenerate_id=named)
        assert branch.parent_id == q2.id
        assert branch.question is not None and branch.question.id == q2.id
        assert branch.history[-1].id == q2.id and branch.history[0].id == q1.id
        assert a2.id not in [m.id for m in branch.history]


async def test_editing_a_question_branches_beside_it() -> None:
    tree = Tree()
    q1 = await tree.say("hi")
    a1 = await tree.say("hello", MessageRole.ASSISTANT)
    q2 = await tree.say("typo")
    await tree.say("?", MessageRole.ASSISTANT)
    branch = await BranchChooser(tree.messages).choose(tree.conversation, limit=10, edit_id=q2.id)
    assert branch.parent_id == a1.id
    assert [m.id for m in branch.history] == [q1.id, a1.id]
    assert branch.question is None  # the edited text comes as a new message
    first = await BranchChooser(tree.messages).choose(tree.conversation, limit=10, edit_id=q1.id)
    assert first.parent_id is None and first.history == []


async def test_only_questions_of_this_conversation_and_section_branch() -> None:
    tree = Tree()
    q1 = await tree.say("hi")
    chooser = BranchChooser(tree.messages)
    with pytest.raises(MessageNotFound):
        await chooser.choose(tree.conversation, limit=10, edit_id=999)
    other = conversation()
    other.id = 501
    with pytest.raises(MessageNotFound):
        await chooser.choose(other, limit=10, regenerate_id=q1.id)
    answer = await tree.say("hello", MessageRole.ASSISTANT)
    with pytest.raises(InvalidMessage):  # an edit names a question, never an answer
        await chooser.choose(tree.conversation, limit=10, edit_id=answer.id)
    tree.conversation.section_id = 2000
    with pytest.raises(InvalidMessage):  # before the context was cleared
        await chooser.choose(tree.conversation, limit=10, regenerate_id=q1.id)


def test_a_resume_reads_room_for_every_call_and_output() -> None:
    assert resume_history_limit(3, 0) == 16
    assert resume_history_limit(3, 2) == 20
    assert resume_history_limit(-1, 1) == 6
