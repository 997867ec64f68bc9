"""The one place messages are built (domain/conversation/messages.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from domain.common.llm import ToolCall
from domain.conversation.entities import Conversation
from domain.conversation.errors import InvalidMessage
from domain.conversation.messages import TOOL_CALL_ID_KEY, MessageFactory, function_call_messages
from domain.conversation.values import ContentType, MessageRole, MessageStatus, MessageType, ToolCallRequest
from tests.support.fakes import CountingIds

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def conversation() -> Conversation:
    return Conversation(id=5, space_id=1, agent_id=7, creator_id=3, connector_id=1024, section_id=6)


def test_a_question_joins_the_current_section_under_its_parent() -> None:
    c = conversation()
    m = MessageFactory(c, CountingIds(), NOW).caller_message(
        40, MessageRole.USER, MessageType.QUESTION, "hi", ContentType.TEXT, {"k": "v"},
        creator_id=11, agent_id=7, chat_id=9,
    )  # fmt: skip
    assert (m.conversation_id, m.section_id, m.parent_id, m.chat_id, m.creator_id) == (5, 6, 40, 9, 11)
    assert (m.status, m.meta_data, m.created_at, m.updated_at) == (
        MessageStatus.AVAILABLE,
        {"k": "v"},
        NOW,
        NOW,
    )
    assert c.leaf_message_id is None  # a chat moves the leaf when it is saved


def test_an_answer_streams_empty_in_the_conversation_creators_name() -> None:
    m = MessageFactory(conversation(), CountingIds(), NOW).answer(40, agent_id=7, chat_id=9)
    assert (m.role, m.type, m.content, m.status) == (
        MessageRole.ASSISTANT, MessageType.ANSWER, "", MessageStatus.STREAMING,
    )  # fmt: skip
    assert (m.parent_id, m.agent_id, m.chat_id, m.creator_id) == (40, 7, 9, 3)


def test_appended_messages_become_the_leaf_and_only_answers_are_the_agents() -> None:
    c = conversation()
    factory = MessageFactory(c, CountingIds(), NOW)
    q = factory.appended(MessageRole.USER, MessageType.QUESTION, "hi", ContentType.TEXT, {}, creator_id=3)
    a = factory.appended(MessageRole.ASSISTANT, MessageType.ANSWER, "yo", ContentType.TEXT, {}, creator_id=3)
    assert (q.parent_id, q.agent_id, a.parent_id, a.agent_id) == (None, None, q.id, 7)
    assert c.leaf_message_id == a.id
    with pytest.raises(InvalidMessage):  # checked: a user cannot write an answer
        factory.appended(MessageRole.USER, MessageType.ANSWER, "x", ContentType.TEXT, {}, creator_id=3)
    assert c.leaf_message_id == a.id


def test_tool_outputs_follow_the_calls_order_chained_and_naming_their_call() -> None:
    calls = (ToolCallRequest("c1", "a", "{}"), ToolCallRequest("x" * 600, "b", "{}"))
    out = MessageFactory(conversation(), CountingIds(), NOW).tool_outputs(
        40, calls, {"x" * 600: "second", "c1": "first"}, agent_id=7, chat_id=9, creator_id=11
    )
    assert [m.content for m in out] == ["first", "second"]
    assert [m.parent_id for m in out] == [40, out[0].id]
    assert {(m.role, m.type, m.creator_id) for m in out} == {(MessageRole.USER, MessageType.TOOL_OUTPUT, 11)}
    assert out[0].meta_data == {TOOL_CALL_ID_KEY: "c1"}
    assert out[1].meta_data == {TOOL_CALL_ID_KEY: "x" * 512}  # a meta value's limit


def test_calls_after_no_text_reuse_the_answer_and_chain_under_it() -> None:
    ids = CountingIds()
    answer = MessageFactory(conversation(), ids, NOW).answer(40, agent_id=7, chat_id=9)
    calls = [ToolCall("c1", "a", {"q": "é"}), ToolCall("c2", "b", {})]
    out = function_call_messages(answer, calls, ids, NOW)
    assert out[0] is answer and answer.type is MessageType.FUNCTION_CALL
    assert json.loads(out[0].content) == {"id": "c1", "name": "a", "arguments": {"q": "é"}}
    assert "é" in out[0].content  # stored readable, not escaped
    assert out[1].parent_id == answer.id and json.loads(out[1].content)["id"] == "c2"
    assert {m.status for m in out} == {MessageStatus.AVAILABLE}


def test_an_answer_with_text_stays_an_answer_before_its_calls() -> None:
    ids = CountingIds()
    answer = MessageFactory(conversation(), ids, NOW).answer(40, agent_id=7, chat_id=9)
    answer.content, answer.reasoning_content = "let me look", "thinking"
    out = function_call_messages(answer, [ToolCall("c1", "a", {})], ids, NOW)
    assert answer.type is MessageType.ANSWER and answer not in out
    assert len(out) == 1 and out[0].parent_id == answer.id and out[0].reasoning_content == ""
