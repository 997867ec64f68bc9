"""Token API: conversations (cozepy 0.20.0 `coze.conversations`)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, KwargDefinition

from api.conversation_fields import IdField, conversation_id_of, optional_id
from api.envelope import Envelope
from api.openapi.conversation_views import META_DATA, CozeConversation, CozeSection, MessageBody
from api.schemas import MAX_PAGE_NUMBER, Int64Id, OptionalQueryId, QueryId, QueryPage, QuerySize50, query_int
from api.security.identity import CurrentActor
from application.conversation.conversations import MAX_LIST_PAGE, ConversationService
from domain.conversation.errors import AgentNotAvailable
from domain.conversation.values import MAX_CONVERSATION_NAME

Conversations = NamedDependency[ConversationService]


NAME = {"maxLength": MAX_CONVERSATION_NAME}
CONNECTOR = {
    "oneOf": [
        {"type": "string", "enum": ["1024", "999", ""]},
        {"type": "integer", "enum": [1024, 999]},
        {"type": "null"},
    ]
}


class CreateConversationRequest(msgspec.Struct, frozen=True):
    messages: Annotated[list[MessageBody] | None, KwargDefinition(schema_extra={"maxItems": 100})] = None
    bot_id: IdField = None
    name: Annotated[str | None, KwargDefinition(schema_extra=NAME)] = None  # too long: 4002
    # "" and null: the API (1024); another value is 4002, as Coze answers it
    connector_id: Annotated[Any, KwargDefinition(schema_extra=CONNECTOR)] = None
    meta_data: Annotated[Any, KwargDefinition(schema_extra=META_DATA)] = None


NO_CREATE_CONVERSATION = CreateConversationRequest()  # what a missing body means: every field at its default


class UpdateConversationRequest(msgspec.Struct, frozen=True):
    name: Annotated[str | None, KwargDefinition(schema_extra=NAME)] = None


NO_UPDATE_CONVERSATION = UpdateConversationRequest()  # what a missing body means: every field at its default


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


def _bot_id(value: str | None) -> int:
    found = optional_id(value)
    if found is None:
        raise AgentNotAvailable()
    return found


@post("/v1/conversation/create", status_code=200)
async def create_conversation(
    actor: CurrentActor,
    conversations: Conversations,
    data: JSONBody[CreateConversationRequest] = NO_CREATE_CONVERSATION,
) -> ConversationResponse:
    created = await conversations.create(
        actor,
        agent_id=optional_id(data.bot_id),
        name=_name(data.name),
        connector_id=optional_id(data.connector_id),
        meta_data=data.meta_data,
        messages=[m.as_input() for m in data.messages or ()],
    )
    return ConversationResponse(data=CozeConversation.of(created))


@get("/v1/conversation/retrieve")
async def retrieve_conversation(
    actor: CurrentActor, conversations: Conversations, conversation_id: QueryId = None
) -> ConversationResponse:
    found = await conversations.get(actor, conversation_id_of(conversation_id))
    return ConversationResponse(data=CozeConversation.of(found))


@get("/v1/conversations")
async def list_conversations(
    actor: CurrentActor,
    conversations: Conversations,
    bot_id: QueryId = None,
    page_num: QueryPage = None,
    page_size: QuerySize50 = None,
    connector_id: OptionalQueryId = None,
) -> ConversationListResponse:
    connector = optional_id(connector_id)
    page = await conversations.list_for(
        actor,
        _bot_id(bot_id),
        query_int(page_num, 1, MAX_PAGE_NUMBER, "page_num"),
        query_int(page_size, MAX_LIST_PAGE, MAX_LIST_PAGE, "page_size"),
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
    data: JSONBody[UpdateConversationRequest] = NO_UPDATE_CONVERSATION,
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
