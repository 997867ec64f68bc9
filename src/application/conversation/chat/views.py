"""What a chat run tells its readers: the event kinds and the chat and message views they carry.

The views are plain JSON-ready dicts in Coze's OpenAPI spelling (ids as strings, times in unix
seconds), because they travel through the run stream to every reader: the token API relays them
as they are, the SPA API reshapes them. Building them once per event, here, keeps both surfaces
cheap and identical in content.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from domain.conversation.entities import ChatRun, Message
from domain.conversation.values import ChatStatus, MessageType

# Event kinds on a chat's run stream, named as Coze names its SSE events.
CHAT_CREATED = "conversation.chat.created"
CHAT_IN_PROGRESS = "conversation.chat.in_progress"
CHAT_COMPLETED = "conversation.chat.completed"
CHAT_FAILED = "conversation.chat.failed"
CHAT_REQUIRES_ACTION = "conversation.chat.requires_action"
CHAT_CANCELED = "conversation.chat.canceled"
MESSAGE_DELTA = "conversation.message.delta"
MESSAGE_COMPLETED = "conversation.message.completed"
# Ends one segment of a run: the terminal one (chat completed, failed or canceled) is the stream's
# final event; the one after requires_action is not, submit_tool_outputs continues the same stream.
DONE = "done"

STATUS_EVENT = {
    ChatStatus.CREATED: CHAT_CREATED,
    ChatStatus.IN_PROGRESS: CHAT_IN_PROGRESS,
    ChatStatus.COMPLETED: CHAT_COMPLETED,
    ChatStatus.FAILED: CHAT_FAILED,
    ChatStatus.REQUIRES_ACTION: CHAT_REQUIRES_ACTION,
    ChatStatus.CANCELED: CHAT_CANCELED,
}


def unix(at: datetime | None) -> int:
    return int(at.timestamp()) if at is not None else 0


def chat_view(run: ChatRun, status: ChatStatus | None = None) -> dict[str, Any]:
    """Coze's Chat object; `status` overrides the run's (the created event of a started run)."""
    view: dict[str, Any] = {
        "id": str(run.id),
        "conversation_id": str(run.conversation_id),
        "bot_id": str(run.agent_id),
        "created_at": unix(run.created_at),
        "meta_data": dict(run.meta_data),
        "last_error": {"code": run.last_error.code, "msg": run.last_error.msg},
        "status": (status or run.status).value,
        "usage": {
            "token_count": run.usage.token_count,
            "output_count": run.usage.output_count,
            "input_count": run.usage.input_count,
        },
        "section_id": str(run.section_id),
    }
    if run.completed_at is not None:
        view["completed_at"] = unix(run.completed_at)
    if run.failed_at is not None:
        view["failed_at"] = unix(run.failed_at)
    if run.required_action and (status or run.status) is ChatStatus.REQUIRES_ACTION:
        view["required_action"] = {
            "type": "submit_tool_outputs",
            "submit_tool_outputs": {
                "tool_calls": [
                    {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
                    for c in run.required_action
                ]
            },
        }
    if run.inserted_message_ids:
        view["inserted_additional_messages"] = [{"id": str(i)} for i in run.inserted_message_ids]
    return view


def message_view(message: Message, bot_id: int | None = None) -> dict[str, Any]:
    """Coze's Message object."""
    agent = bot_id if bot_id is not None else message.agent_id
    view: dict[str, Any] = {
        "id": str(message.id),
        "conversation_id": str(message.conversation_id),
        "bot_id": str(agent) if agent else "",
        "chat_id": str(message.chat_id) if message.chat_id else "",
        "section_id": str(message.section_id),
        "role": message.role.value,
        "type": message.type.value,
        "content": message.content,
        "content_type": message.content_type.value,
        "meta_data": dict(message.meta_data),
        "created_at": unix(message.created_at),
        "updated_at": unix(message.updated_at or message.created_at),
        "reasoning_content": message.reasoning_content,
    }
    return view


# Coze's verbose note that an answer is finished (finish_reason 0: a normal end); stream-only.
ANSWER_FINISH_CONTENT = json.dumps(
    {
        "msg_type": "generate_answer_finish",
        "data": json.dumps({"finish_reason": 0, "FinData": ""}, separators=(",", ":")),
        "from_module": None,
        "from_unit": None,
    },
    separators=(",", ":"),
)


def answer_finish_view(answer: Message, message_id: int) -> dict[str, Any]:
    """The `verbose` message Coze sends after a completed answer; it is not stored."""
    view = message_view(answer)
    view.update(
        id=str(message_id),
        type=MessageType.VERBOSE.value,
        content=ANSWER_FINISH_CONTENT,
        content_type="text",
        meta_data={},
        reasoning_content="",
    )
    return view


def delta_base(answer: Message) -> dict[str, Any]:
    """The fields every delta of `answer` repeats; a delta event is this plus its content."""
    return {
        "id": str(answer.id),
        "conversation_id": str(answer.conversation_id),
        "bot_id": str(answer.agent_id) if answer.agent_id else "",
        "role": answer.role.value,
        "type": answer.type.value,
        "content_type": answer.content_type.value,
        "chat_id": str(answer.chat_id) if answer.chat_id else "",
        "section_id": str(answer.section_id),
    }
