"""The typed chat view the services return, and the Coze payloads built from it (views.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from application.conversation.chat.views import ChatRunView, chat_payload, chat_view
from domain.conversation.entities import ChatRun
from domain.conversation.values import ChatError, ChatStatus, ToolCallRequest, Usage

AT = datetime(2026, 1, 1, tzinfo=UTC)


def waiting_run() -> ChatRun:
    return ChatRun(
        id=9, conversation_id=5, section_id=6, space_id=1, agent_id=7, agent_version="",
        connector_id=1024, creator_id=3, end_user="u", status=ChatStatus.REQUIRES_ACTION,
        required_action=(ToolCallRequest("c1", "weather", '{"city":"Oslo"}'),),
        inserted_message_ids=(41,), usage=Usage(3, 4), meta_data={"k": "v"}, created_at=AT,
    )  # fmt: skip


def test_the_chat_object_keeps_coze_spelling_and_order() -> None:
    payload = chat_view(waiting_run())
    assert list(payload) == [
        "id", "conversation_id", "bot_id", "created_at", "meta_data", "last_error", "status", "usage",
        "section_id", "required_action", "inserted_additional_messages",
    ]  # fmt: skip
    assert payload["usage"] == {"token_count": 7, "output_count": 4, "input_count": 3}
    calls = payload["required_action"]["submit_tool_outputs"]["tool_calls"]
    assert calls == [
        {"id": "c1", "type": "function", "function": {"name": "weather", "arguments": '{"city":"Oslo"}'}}
    ]
    assert payload["inserted_additional_messages"] == [{"id": "41"}]
    assert (payload["id"], payload["bot_id"], payload["created_at"]) == ("9", "7", int(AT.timestamp()))


def test_required_action_shows_only_while_the_chat_requires_action() -> None:
    created = ChatRunView.of(waiting_run(), ChatStatus.CREATED)
    assert created.required_action == () and "required_action" not in chat_payload(created)


def test_a_broken_stream_reports_the_view_failed_with_its_error() -> None:
    view = ChatRunView.of(waiting_run(), ChatStatus.IN_PROGRESS)
    failed = chat_payload(view.failed(ChatError(5038, "interrupted")))
    assert failed["status"] == "failed" and failed["last_error"] == {"code": 5038, "msg": "interrupted"}
    assert list(failed) == list(chat_payload(view))  # same fields, same places
