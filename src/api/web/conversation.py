"""The SPA's conversation routes on Coze Studio's paths: the playground history, deleting a message,
clearing the history (a fresh conversation) and the context (a new section).

Like Coze Studio, these answer at the top level ({code, msg, message_list, ...}), not under data.
The chat itself (/api/conversation/chat, break_message) lives with the chat engine."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import post
from litestar.di import NamedDependency
from litestar.params import JSONBody, KwargDefinition

from api.conversation_fields import IdField, conversation_id_of, optional_id
from api.envelope import Envelope
from api.schemas import INT64_MAX, WireId, id_str, parse_id
from api.security.identity import CurrentActor
from application.conversation.conversations import ConversationService
from application.conversation.dto import MessageDTO
from application.conversation.messages import MessageService
from application.conversation.playground import PlaygroundHistoryService

Conversations = NamedDependency[ConversationService]
Messages = NamedDependency[MessageService]
History = NamedDependency[PlaygroundHistoryService]
LOAD_NEWER = 2  # Coze Studio's LoadDirection: 0 unknown, 1 prev (older), 2 next (newer)
START_CURSORS = ("", "0", "-1")  # "from the newest message"
CURSOR = r"^(|0|-1|[1-9][0-9]{0,18})$"  # a message id, or a start cursor
SPA_STATUS = {"interrupted": "broken"}  # Coze Studio calls an interrupted answer "broken"


class GetMessageListRequest(msgspec.Struct):
    cursor: Annotated[
        Annotated[str, msgspec.Meta(pattern=CURSOR)] | Annotated[int, msgspec.Meta(ge=-1, le=INT64_MAX)],
        KwargDefinition(
            schema_extra={
                "oneOf": [
                    {"type": "string", "pattern": CURSOR},
                    {"type": "integer", "minimum": -1, "maximum": INT64_MAX},
                ]
            }
        ),
    ] = "0"
    count: Annotated[int, msgspec.Meta(ge=1, le=100)] = 20
    bot_id: IdField = None
    conversation_id: IdField = None
    draft_mode: bool | None = None
    scene: int | None = None
    load_direction: int | None = None


class ExtraInfo(msgspec.Struct):
    input_tokens: str
    output_tokens: str
    token: str


class ChatMessage(msgspec.Struct):
    message_id: str
    role: str
    type: str
    content: str
    content_type: str
    reply_id: str  # for agent messages: the message they answer
    parent_id: str  # cozeplus: the message this one follows in the message tree ("" at a root)
    section_id: str
    status: str
    content_time: int  # milliseconds
    reasoning_content: str
    extra_info: ExtraInfo

    @classmethod
    def of(cls, m: MessageDTO) -> ChatMessage:
        answered = m.parent_id if m.role == "assistant" and m.parent_id else None
        return cls(
            id_str(m.id),
            m.role,
            m.type,
            m.content,
            m.content_type,
            id_str(answered) if answered else "",
            id_str(m.parent_id) if m.parent_id else "",
            id_str(m.section_id),
            SPA_STATUS.get(m.status, m.status),
            int(m.created_at.timestamp() * 1000),
            m.reasoning_content,
            ExtraInfo(str(m.input_tokens), str(m.output_tokens), str(m.input_tokens + m.output_tokens)),
        )


class GetMessageListResponse(Envelope, kw_only=True):
    message_list: list[ChatMessage]
    cursor: str  # read older messages from here
    hasmore: bool
    next_cursor: str  # read newer messages from here (load_direction 2)
    next_has_more: bool
    conversation_id: str
    last_section_id: str


class DeleteMessageRequest(msgspec.Struct):
    conversation_id: WireId
    message_id: WireId
    bot_id: IdField = None


class ClearHistoryRequest(msgspec.Struct):
    conversation_id: WireId
    bot_id: IdField = None
    scene: int | None = None


class CreateSectionRequest(msgspec.Struct):
    conversation_id: WireId
    scene: int | None = None
    insert_history_message_list: list[Any] | None = None


class ClearHistoryResponse(Envelope, kw_only=True):
    new_section_id: str
    conversation_id: str  # the fresh conversation that replaced the cleared one


class NewSectionResponse(Envelope, kw_only=True):
    new_section_id: str


def _cursor(value: str | int) -> int | None:
    text = str(value).strip()
    return None if text in START_CURSORS else parse_id(text)


@post("/api/conversation/get_message_list", status_code=200)
async def get_message_list(
    actor: CurrentActor, playground_history: History, data: JSONBody[GetMessageListRequest]
) -> GetMessageListResponse:
    cursor = _cursor(data.cursor)
    found = await playground_history.history(
        actor,
        agent_id=optional_id(data.bot_id),
        conversation_id=optional_id(data.conversation_id),
        cursor=cursor,
        count=data.count,
        newer=data.load_direction == LOAD_NEWER,
    )
    return GetMessageListResponse(
        message_list=[ChatMessage.of(m) for m in found.items],
        cursor=id_str(found.older_cursor) if found.older_cursor else "0",
        hasmore=found.has_older,
        next_cursor=id_str(found.newer_cursor) if found.newer_cursor else "0",
        next_has_more=found.has_newer,
        conversation_id=id_str(found.conversation.id),
        last_section_id=id_str(found.conversation.last_section_id),
    )


@post("/api/conversation/delete_message", status_code=200)
async def delete_message(
    actor: CurrentActor, conversation_messages: Messages, data: JSONBody[DeleteMessageRequest]
) -> Envelope:
    conversation_id = conversation_id_of(data.conversation_id)
    await conversation_messages.delete(actor, conversation_id, parse_id(data.message_id))
    return Envelope()


@post("/api/conversation/clear_message", status_code=200)
async def clear_message(
    actor: CurrentActor, conversations: Conversations, data: JSONBody[ClearHistoryRequest]
) -> ClearHistoryResponse:
    fresh = await conversations.restart_playground(
        actor, conversation_id_of(data.conversation_id), optional_id(data.bot_id)
    )
    return ClearHistoryResponse(
        new_section_id=id_str(fresh.last_section_id), conversation_id=id_str(fresh.id)
    )


@post("/api/conversation/create_section", status_code=200)
async def create_section(
    actor: CurrentActor, conversations: Conversations, data: JSONBody[CreateSectionRequest]
) -> NewSectionResponse:
    section = await conversations.clear(actor, conversation_id_of(data.conversation_id))
    return NewSectionResponse(new_section_id=id_str(section.id))


ROUTES = [get_message_list, delete_message, clear_message, create_section]
