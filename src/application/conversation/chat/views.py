"""What a chat run tells its readers: the event kinds and the chat and message payloads they carry,
and the typed view of a chat the chat services return.

The chat services hand the API surfaces typed views (ChatRunView, MessageDTO); each surface spells
them its own way. The run stream's payloads are different: they are stored once per event and
relayed to every reader, so they are plain JSON-ready dicts in one fixed spelling, Coze's OpenAPI
one (ids as strings, times in unix seconds): the token API relays them as they are, the SPA API
reshapes them. Building them once per event, here, keeps both surfaces cheap and identical in
content (ADR 0044).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from application.conversation.dto import MessageDTO
from crossdomain.knowledge import Recall
from domain.conversation.entities import ChatRun, Message
from domain.conversation.values import (
    AuthorizationRequest,
    ChatError,
    ChatStatus,
    MessageType,
    ToolCallRequest,
    Usage,
)

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
    ChatStatus.AWAITING_AUTHORIZATION: CHAT_REQUIRES_ACTION,
}
AUTHORIZE_PLUGIN = "authorize_plugin"  # the required action of a chat that ended asking for consent


def unix(at: datetime | None) -> int:
    return int(at.timestamp()) if at is not None else 0


@dataclass(frozen=True, slots=True)
class ChatRunView:
    """A chat as the chat services return it: the run's state at one moment."""

    id: int
    conversation_id: int
    section_id: int
    agent_id: int
    status: ChatStatus
    meta_data: dict[str, str]
    last_error: ChatError
    usage: Usage
    required_action: tuple[ToolCallRequest, ...]  # only while the chat requires action
    authorization: tuple[AuthorizationRequest, ...]  # the plugins to authorize, when it asks
    inserted_message_ids: tuple[int, ...]
    created_at: datetime | None
    completed_at: datetime | None
    failed_at: datetime | None

    @classmethod
    def of(cls, run: ChatRun, status: ChatStatus | None = None) -> ChatRunView:
        """`status` overrides the run's (the created event of a started run)."""
        shown = status or run.status
        asks = shown is ChatStatus.AWAITING_AUTHORIZATION
        return cls(
            run.id,
            run.conversation_id,
            run.section_id,
            run.agent_id,
            ChatStatus.REQUIRES_ACTION if asks else shown,  # Coze's clients know no other status
            dict(run.meta_data),
            run.last_error,
            run.usage,
            run.required_action if shown is ChatStatus.REQUIRES_ACTION else (),
            run.authorization if asks else (),
            run.inserted_message_ids,
            run.created_at,
            run.completed_at,
            run.failed_at,
        )

    def failed(self, error: ChatError) -> ChatRunView:
        """As a reader whose stream broke reports it: failed with `error`."""
        return replace(self, status=ChatStatus.FAILED, last_error=error)


def chat_payload(view: ChatRunView) -> dict[str, Any]:
    """Coze's Chat object."""
    payload: dict[str, Any] = {
        "id": str(view.id),
        "conversation_id": str(view.conversation_id),
        "bot_id": str(view.agent_id),
        "created_at": unix(view.created_at),
        "meta_data": dict(view.meta_data),
        "last_error": {"code": view.last_error.code, "msg": view.last_error.msg},
        "status": view.status.value,
        "usage": {
            "token_count": view.usage.token_count,
            "output_count": view.usage.output_count,
            "input_count": view.usage.input_count,
        },
        "section_id": str(view.section_id),
    }
    if view.completed_at is not None:
        payload["completed_at"] = unix(view.completed_at)
    if view.failed_at is not None:
        payload["failed_at"] = unix(view.failed_at)
    if view.required_action:
        payload["required_action"] = {
            "type": "submit_tool_outputs",
            "submit_tool_outputs": {
                "tool_calls": [
                    {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
                    for c in view.required_action
                ]
            },
        }
    if view.authorization:
        payload["required_action"] = {
            "type": AUTHORIZE_PLUGIN,
            AUTHORIZE_PLUGIN: {
                "plugins": [
                    {"plugin_id": str(a.plugin_id), "name": a.plugin_name, "authorize_url": a.url}
                    for a in view.authorization
                ]
            },
        }
    if view.inserted_message_ids:
        payload["inserted_additional_messages"] = [{"id": str(i)} for i in view.inserted_message_ids]
    return payload


def chat_view(run: ChatRun, status: ChatStatus | None = None) -> dict[str, Any]:
    """The run stream's payload of a chat event; `status` overrides the run's."""
    return chat_payload(ChatRunView.of(run, status))


def message_payload(message: MessageDTO) -> dict[str, Any]:
    """Coze's Message object."""
    return {
        "id": str(message.id),
        "conversation_id": str(message.conversation_id),
        "bot_id": str(message.agent_id) if message.agent_id else "",
        "chat_id": str(message.chat_id) if message.chat_id else "",
        "section_id": str(message.section_id),
        "role": message.role,
        "type": message.type,
        "content": message.content,
        "content_type": message.content_type,
        "meta_data": message.meta_data,  # a copy already (MessageDTO.of)
        "created_at": unix(message.created_at),
        "updated_at": unix(message.updated_at),
        "reasoning_content": message.reasoning_content,
    }


def message_view(message: Message) -> dict[str, Any]:
    """The run stream's payload of a message event."""
    return message_payload(MessageDTO.of(message))


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


def verbose_view(answer: Message, message_id: int, content: str) -> dict[str, Any]:
    """A stream-only `verbose` message of `answer`'s chat (Coze's notes beside the answer)."""
    view = message_view(answer)
    view.update(
        id=str(message_id),
        type=MessageType.VERBOSE.value,
        content=content,
        content_type="text",
        meta_data={},
        reasoning_content="",
    )
    return view


def answer_finish_view(answer: Message, message_id: int) -> dict[str, Any]:
    """The `verbose` message Coze sends after a completed answer; it is not stored."""
    return verbose_view(answer, message_id, ANSWER_FINISH_CONTENT)


def knowledge_recall_content(recall: Recall) -> str:
    """Coze's verbose `knowledge_recall` content: msg_type and, as a JSON string, the chunks with
    their dataset, document and score."""
    chunks = [
        {
            "slice": s.text,
            "score": s.score,
            "meta": {
                "dataset": {"id": str(s.dataset_id), "name": s.dataset_name},
                "document": {"id": str(s.document_id), "name": s.document_name},
                "link": {"title": s.document_name if s.url else "", "url": s.url},
            },
        }
        for s in recall.slices
    ]
    data = {"chunks": chunks, "ori_req": "", "status_code": 0}
    return json.dumps(
        {"msg_type": "knowledge_recall", "data": json.dumps(data, ensure_ascii=False, separators=(",", ":"))},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def knowledge_recall_view(answer: Message, message_id: int, recall: Recall) -> dict[str, Any]:
    """The `verbose` message with what the knowledge bases recalled for `answer`; stream-only."""
    return verbose_view(answer, message_id, knowledge_recall_content(recall))


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
