"""Token API: conversations (cozepy 0.20.0 `coze.conversations`)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody

from api.envelope import Envelope
from api.openapi.conversation_views import (
    CozeConversation,
    CozeSection,
    IdField,
    MessageBody,
    QueryText,
    conversation_id_of,
    optional_id,
)
from api.schemas import Int64Id
from api.security.identity import CurrentActor
from application.conversation.conversations import ConversationService
from domain.common.errors import InvalidInput
from domain.conversation.errors import AgentNotAvailable

Conversations = NamedDependency[ConversationService]


class CreateConversationRequest(msgspec.Struct):
    messages: list[MessageBody] | None = None
    bot_id: IdField = None
    name: Any = None
    connector_id: IdField = None
    meta_data: Any = None


class UpdateConversationRequest(msgspec.Struct):
    name: Any = None


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


def _name(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput()
    return value


def _page_number(value: str | None, default: int) -> int:
    """cozepy sends numbers as query text; empty means absent. Out of range is bad input."""
    if value is None or not value.strip():
        return default
    text = value.strip()
    if not text.isdigit() or len(text) > 6 or int(text) < 1:
        raise InvalidInput()
    return int(text)


@post("/v1/conversation/create", status_code=200)
async def create_conversation(
    actor: CurrentActor, conversations: Conversations, data: JSONBody[CreateConversationRequest | None] = None
) -> ConversationResponse:
    req = data or CreateConversationRequest()
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
    actor: CurrentActor, conversations: Conversations, conversation_id: QueryText = None
) -> ConversationResponse:
    found = await conversations.get(actor, conversation_id_of(conversation_id))
    return ConversationResponse(data=CozeConversation.of(found))


@get("/v1/conversations")
async def list_conversations(
    actor: CurrentActor,
    conversations: Conversations,
    bot_id: QueryText = None,
    page_num: QueryText = None,
    page_size: QueryText = None,
    connector_id: QueryText = None,
) -> ConversationListResponse:
    agent_id = optional_id(bot_id)
    if agent_id is None:
        raise AgentNotAvailable()
    connector = optional_id(connector_id)
    page = await conversations.list_for(
        actor,
        agent_id,
        _page_number(page_num, 1),
        _page_number(page_size, 50),
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
    data: JSONBody[UpdateConversationRequest | None] = None,
) -> ConversationResponse:
    name = _name((data or UpdateConversationRequest()).name)
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
