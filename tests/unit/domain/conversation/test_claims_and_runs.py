"""One running chat per conversation, and resuming a run with tool outputs (entities.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.conversation.entities import ChatRun, Conversation, blocks_claim
from domain.conversation.errors import ChatNotAwaitingTools
from domain.conversation.values import ChatStatus, ToolCallRequest

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def run(status: ChatStatus = ChatStatus.IN_PROGRESS, chat_id: int = 9) -> ChatRun:
    return ChatRun(
        id=chat_id, conversation_id=5, section_id=6, space_id=1, agent_id=7, agent_version="",
        connector_id=1024, creator_id=3, end_user="u", status=status,
    )  # fmt: skip


def conversation() -> Conversation:
    return Conversation(id=5, space_id=1, agent_id=7, creator_id=3, connector_id=1024, section_id=6)


def test_only_another_chat_holds_the_conversation() -> None:
    c = conversation()
    assert c.holder_other_than(9) is None
    c.running_chat_id = 9
    assert c.holder_other_than(9) is None  # its own claim
    assert c.holder_other_than(10) == 9


@pytest.mark.parametrize("status", list(ChatStatus))
def test_a_holder_blocks_while_it_has_not_ended(status: ChatStatus) -> None:
    assert blocks_claim(run(status)) is not status.terminal
    assert not blocks_claim(None)  # a vanished run left only its claim


def test_claiming_moves_the_leaf_only_when_the_turn_is_saved() -> None:
    c = conversation()
    c.leaf_message_id = 40
    c.claimed_by(9, NOW, None)  # auto_save_history off
    assert (c.running_chat_id, c.running_since, c.leaf_message_id) == (9, NOW, 40)
    c.claimed_by(10, NOW, 41)
    assert (c.running_chat_id, c.leaf_message_id) == (10, 41)


def test_the_first_turn_is_the_one_before_any_message_or_name() -> None:
    c = conversation()
    assert c.is_first_turn()
    c.name = "named"
    assert not c.is_first_turn()
    c.name, c.leaf_message_id = "", 1
    assert not c.is_first_turn()


@pytest.mark.parametrize("status", [s for s in ChatStatus if s is not ChatStatus.REQUIRES_ACTION])
def test_only_a_run_awaiting_tools_takes_outputs(status: ChatStatus) -> None:
    r = run(status)
    with pytest.raises(ChatNotAwaitingTools):
        r.check_awaiting_tools()
    with pytest.raises(ChatNotAwaitingTools):
        r.resume(77)
    assert r.answer_id is None


def test_a_resume_runs_again_with_a_new_answer_and_awaits_nothing() -> None:
    r = run(ChatStatus.REQUIRES_ACTION)
    r.required_action = (ToolCallRequest("c1", "weather", "{}"),)
    r.resume(77)
    assert r.status is ChatStatus.IN_PROGRESS
    assert (r.answer_id, r.required_action) == (77, ())
    c = conversation()
    c.resumed_at(77, NOW)
    assert (c.leaf_message_id, c.running_since, c.updated_at) == (77, NOW, NOW)
