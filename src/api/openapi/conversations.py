"""Token API: conversations (cozepy 0.20.0 `coze.conversations`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from litestar import delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, KwargDefinition

from api.envelope import Envelope
from api.openapi.conversation_views import (
    META_DATA,
    CozeConversation,
    CozeSection,
    IdField,
    MessageBody,
    optional_id,
)
from api.schemas import Int64Id, OptionalQueryId, QueryId, QueryPage, QuerySize50, parse_id
from api.security.identity import CurrentActor
from application.conversation.conversations import MAX_LIST_PAGE, ConversationService
from domain.conversation.values import MAX_CONVERSATION_NAME

Conversations = NamedDependency[ConversationService]


Name = Annotated[str, msgspec.Meta(max_length=MAX_CONVERSATION_NAME)]


class CreateConversationRequest(msgspec.Struct):
    messages: Annotated[list[MessageBody] | None, KwargDefinition(schema_extra={"maxItems": 100})] = None
    bot_id: IdField = None
    name: Name | None = None
    connector_id: Literal["1024", "999", 1024, 999, ""] | None = None  # "" and null: the API (1024)
    meta_data: Annotated[Any, KwargDefinition(schema_extra=META_DATA)] = None


class UpdateConversationRequest(msgspec.Struct):
    name: Name | None = None


class ConversationResponse(Envelope, kw_only=True):
    data: CozeConversation


class ConversationList(msgspec.Struct):
    conversations: list[CozeConversation]
    has_more: bool


class ConversationListResponse(Envelope, kw_only=True):
    data: ConversationList


class SectionResponse(Envelope, kw_only=True):
    data: CozeSection


class EmptyResponse(Envelope, kw_only=True):
    data: dict[str, Any]


def _name(value: str | None) -> str:
    return value or ""


@post("/v1/conversation/create", status_code=200)
async def create_conversation(
    actor: CurrentActor, conversations: Conversations, data: JSONBody[CreateConversationRequest]
) -> ConversationResponse:
    req = data
    created = await conversations.create(
        actor,
        agent_id=optional_id(req.bot_id),
        name=_name(req.name),
        connector_id=optional_id(req.connector_id),
        meta_data=req.meta_data,
        messages=[m.as_input() for m in req.messages or ()],
    )
    return ConversationResponse(data=CozeConversation.of(created))


@get("/v1/conversation/retrieve")
async def retrieve_conversation(
    actor: CurrentActor, conversations: Conversations, conversation_id: QueryId
) -> ConversationResponse:
    found = await conversations.get(actor, parse_id(conversation_id))
    return ConversationResponse(data=CozeConversation.of(found))


@get("/v1/conversations")
async def list_conversations(
    actor: CurrentActor,
    conversations: Conversations,
    bot_id: QueryId,
    page_num: QueryPage = 1,
    page_size: QuerySize50 = MAX_LIST_PAGE,
    connector_id: OptionalQueryId = None,
) -> ConversationListResponse:
    connector = optional_id(connector_id)
    page = await conversations.list_for(
        actor,
        parse_id(bot_id),
        page_num,
        page_size,
        **({} if connector is None else {"connector_id": connector}),
    )
    items = [CozeConversation.of(c) for c in page.items]
    return ConversationListResponse(data=ConversationList(items, page.has_more))


@post("/v1/conversations/{conversation_id:int}/clear", status_code=200)
async def clear_conversation(
    actor: CurrentActor, conversations: Conversations, conversation_id: Int64Id
) -> SectionResponse:
    return SectionResponse(data=CozeSection.of(await conversations.clear(actor, conversation_id)))


@put("/v1/conversations/{conversation_id:int}")
async def update_conversation(
    actor: CurrentActor,
    conversations: Conversations,
    conversation_id: Int64Id,
    data: JSONBody[UpdateConversationRequest],
) -> ConversationResponse:
    name = _name(data.name)
    renamed = await conversations.rename(actor, conversation_id, name)
    return ConversationResponse(data=CozeConversation.of(renamed))


@delete("/v1/conversations/{conversation_id:int}", status_code=200)
async def delete_conversation(
    actor: CurrentActor, conversations: Conversations, conversation_id: Int64Id
) -> EmptyResponse:
    await conversations.delete(actor, conversation_id)
    return EmptyResponse(data={})


ROUTES = [
    create_conversation,
    retrieve_conversation,
    list_conversations,
    clear_conversation,
    update_conversation,
    delete_conversation,
]
