"""Token API: messages of a conversation (cozepy 0.20.0 `coze.conversations.messages`).

The list answers at the top level ({code, msg, data: [...], first_id, last_id, has_more}) and
modify under "message": that is where cozepy reads them."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, KwargDefinition

from api.conversation_fields import IdField, conversation_id_of, optional_id
from api.envelope import Envelope
from api.openapi.conversation_views import CONTENT, CONTENT_TYPE, META_DATA, CozeMessage, MessageBody
from api.schemas import QueryId, id_str
from api.security.identity import CurrentActor
from application.conversation.messages import MAX_MESSAGE_PAGE, MessageService
from domain.conversation.errors import InvalidMessage
from domain.conversation.values import ListOrder

Messages = NamedDependency[MessageService]


class ListMessagesRequest(msgspec.Struct, frozen=True):
    order: ListOrder | None = None
    chat_id: IdField = None
    before_id: IdField = None
    after_id: IdField = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=MAX_MESSAGE_PAGE)] | None = None


NO_LIST_MESSAGES = ListMessagesRequest()  # what a missing body means: every field at its default


class ModifyMessageRequest(msgspec.Struct, frozen=True):
    content: Annotated[Any, KwargDefinition(schema_extra=CONTENT)] = None
    content_type: Annotated[Any, KwargDefinition(schema_extra=CONTENT_TYPE)] = None
    meta_data: Annotated[Any, KwargDefinition(schema_extra=META_DATA)] = None


NO_MODIFY_MESSAGE = ModifyMessageRequest()  # what a missing body means: every field at its default


class MessageResponse(Envelope, kw_only=True):
    data: CozeMessage


class MessageListResponse(Envelope, kw_only=True):
    data: list[CozeMessage]
    first_id: str
    last_id: str
    has_more: bool


class ModifiedMessageResponse(Envelope, kw_only=True):
    message: CozeMessage


def _message_id(value: str | None) -> int:
    found = optional_id(value)
    if found is None:
        raise InvalidMessage(reason="message_id is required")
    return found


@post("/v1/conversation/message/create", status_code=200)
async def create_message(
    actor: CurrentActor,
    conversation_messages: Messages,
    data: JSONBody[MessageBody],
    conversation_id: QueryId = None,
) -> MessageResponse:
    added = await conversation_messages.create(actor, conversation_id_of(conversation_id), data.as_input())
    return MessageResponse(data=CozeMessage.of(added))


@post("/v1/conversation/message/list", status_code=200)
async def list_messages(
    actor: CurrentActor,
    conversation_messages: Messages,
    conversation_id: QueryId = None,
    data: JSONBody[ListMessagesRequest] = NO_LIST_MESSAGES,
) -> MessageListResponse:
    page = await conversation_messages.page(
        actor,
        conversation_id_of(conversation_id),
        order=data.order or ListOrder.DESC,
        limit=data.limit or MAX_MESSAGE_PAGE,
        before_id=optional_id(data.before_id),
        after_id=optional_id(data.after_id),
        chat_id=optional_id(data.chat_id),
    )
    return MessageListResponse(
        data=[CozeMessage.of(m) for m in page.items],
        first_id=id_str(page.first_id) if page.first_id else "",
        last_id=id_str(page.last_id) if page.last_id else "",
        has_more=page.has_more,
    )


@get("/v1/conversation/message/retrieve")
async def retrieve_message(
    actor: CurrentActor,
    conversation_messages: Messages,
    conversation_id: QueryId = None,
    message_id: QueryId = None,
) -> MessageResponse:
    cid, mid = conversation_id_of(conversation_id), _message_id(message_id)
    found = await conversation_messages.get(actor, cid, mid)
    return MessageResponse(data=CozeMessage.of(found))


@post("/v1/conversation/message/modify", status_code=200)
async def modify_message(
    actor: CurrentActor,
    conversation_messages: Messages,
    conversation_id: QueryId = None,
    message_id: QueryId = None,
    data: JSONBody[ModifyMessageRequest] = NO_MODIFY_MESSAGE,
) -> ModifiedMessageResponse:
    changed = await conversation_messages.modify(
        actor,
        conversation_id_of(conversation_id),
        _message_id(message_id),
        content=data.content,
        content_type=data.content_type,
        meta_data=data.meta_data,
    )
    return ModifiedMessageResponse(message=CozeMessage.of(changed))


@post("/v1/conversation/message/delete", status_code=200)
async def delete_message(
    actor: CurrentActor,
    conversation_messages: Messages,
    conversation_id: QueryId = None,
    message_id: QueryId = None,
) -> MessageResponse:
    cid, mid = conversation_id_of(conversation_id), _message_id(message_id)
    gone = await conversation_messages.delete(actor, cid, mid)
    return MessageResponse(data=CozeMessage.of(gone))


ROUTES = [create_message, list_messages, retrieve_message, modify_message, delete_message]
