"""Token API for agents ("bots"), as cozepy 0.20.0's BotsClient calls it.

Reads need the bot:read scope, writes bot:write (checked by the use cases). cozepy sends a None
query parameter as an empty string, so every optional query value treats "" as absent. Decisions
(ADR 0020): v1 retrieve and the v1 list are the API connector's (1024) live versions; v2 retrieve
answers the newest live version (any connector) unless is_published=false, which answers the draft;
the v2 list defaults to published_online on connector 1024, as Coze documents.
"""

from __future__ import annotations

from typing import Annotated

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter

from api.agent_errors import InvalidParameter
from api.agent_fields import one_id
from api.openapi.bot_schemas import (
    Bot,
    BotIdData,
    BotIdResponse,
    BotResponse,
    CreateBotRequest,
    EmptyData,
    EmptyResponse,
    PublishBotRequest,
    PublishData,
    PublishResponse,
    SimpleBot,
    SimpleBots,
    SimpleBotsResponse,
    SpaceBotsV1,
    SpaceBotsV1Response,
    SpaceBotV1,
    UnpublishBotRequest,
    UpdateBotRequest,
    changes_of,
)
from api.schemas import Int64Id, id_str
from api.security.identity import CurrentActor
from application.agent.dto import ListFilter
from application.agent.publish import PublishService
from application.agent.service import AgentService
from crossdomain.agent import CONNECTOR_API
from domain.agent.errors import InvalidAgentConfig, InvalidConnector

Agents = NamedDependency[AgentService]
Publishing = NamedDependency[PublishService]
Query = Annotated[str | None, QueryParameter(max_length=32)]
MAX_PAGE_SIZE = 100


def _int(value: str | None, name: str, default: int, low: int, high: int) -> int:
    if value is None or value == "":
        return default
    if not value.isascii() or not value.lstrip("-").isdigit() or not low <= int(value) <= high:
        raise InvalidParameter(detail=f"{name} must be an integer between {low} and {high}")
    return int(value)


def _required_id(value: str | None, name: str) -> int:
    if not value:
        raise InvalidAgentConfig(reason=f"{name} is required")
    return one_id(value, name)


def _connector(value: str | None) -> int:
    if not value:
        return CONNECTOR_API
    if not value.isdigit():
        raise InvalidConnector(connector=value[:20], allowed="1024, 999")
    return int(value)


@post("/v1/bot/create", status_code=200, tags=["bots"])
async def create_bot(
    actor: CurrentActor, agent_service: Agents, data: JSONBody[CreateBotRequest]
) -> BotIdResponse:
    icon_file = None if not data.icon_file_id else one_id(data.icon_file_id, "icon_file_id")
    view = await agent_service.create(
        actor,
        one_id(data.space_id, "space_id"),
        data.name,
        data.description or "",
        changes_of(data, None),
        icon_file,
    )
    return BotIdResponse(data=BotIdData(id_str(view.id)))


@post("/v1/bot/update", status_code=200, tags=["bots"])
async def update_bot(
    actor: CurrentActor, agent_service: Agents, data: JSONBody[UpdateBotRequest]
) -> EmptyResponse:
    icon_file = None if not data.icon_file_id else one_id(data.icon_file_id, "icon_file_id")
    await agent_service.update(actor, one_id(data.bot_id, "bot_id"), changes_of(data, data.name), icon_file)
    return EmptyResponse(data=EmptyData())


@post("/v1/bot/publish", status_code=200, tags=["bots"])
async def publish_bot(
    actor: CurrentActor, publish_service: Publishing, data: JSONBody[PublishBotRequest]
) -> PublishResponse:
    connectors = [_connector(c) for c in (data.connector_ids or [str(CONNECTOR_API)])]
    result = await publish_service.publish(actor, one_id(data.bot_id, "bot_id"), connectors)
    return PublishResponse(data=PublishData(id_str(result.agent_id), result.version))


@post("/v1/bots/{bot_id:int}/unpublish", status_code=200, tags=["bots"])
async def unpublish_bot(
    actor: CurrentActor, publish_service: Publishing, bot_id: Int64Id, data: JSONBody[UnpublishBotRequest]
) -> EmptyResponse:
    if data.bot_id and data.bot_id != str(bot_id):
        raise InvalidAgentConfig(reason="bot_id in the body differs from the path")
    await publish_service.unpublish(actor, bot_id, _connector(data.connector_id), data.unpublish_reason or "")
    return EmptyResponse(data=EmptyData())


@get("/v1/bot/get_online_info", tags=["bots"])
async def get_online_info(
    actor: CurrentActor,
    publish_service: Publishing,
    bot_id: Annotated[str | None, QueryParameter(max_length=32)] = None,
) -> BotResponse:
    view = await publish_service.published(actor, _required_id(bot_id, "bot_id"), CONNECTOR_API)
    return BotResponse(data=Bot.of(view))


@get("/v1/bots/{bot_id:int}", tags=["bots"])
async def retrieve_bot(
    actor: CurrentActor,
    agent_service: Agents,
    publish_service: Publishing,
    bot_id: Int64Id,
    is_published: Query = None,
) -> BotResponse:
    flag = (is_published or "true").lower()
    if flag not in ("true", "false"):
        raise InvalidParameter(detail="is_published must be true or false")
    if flag == "false":
        view = await agent_service.get(actor, bot_id)
    else:
        view = await publish_service.published(actor, bot_id, None)
    return BotResponse(data=Bot.of(view))


@get("/v1/space/published_bots_list", tags=["bots"])
async def published_bots_list(
    actor: CurrentActor,
    publish_service: Publishing,
    space_id: Query = None,
    page_size: Query = None,
    page_index: Query = None,
) -> SpaceBotsV1Response:
    page = await publish_service.list_published(
        actor,
        _required_id(space_id, "space_id"),
        CONNECTOR_API,
        _int(page_index, "page_index", 1, 1, 100_000),
        _int(page_size, "page_size", 20, 1, MAX_PAGE_SIZE),
    )
    bots = [
        SpaceBotV1(
            id_str(b.id),
            b.name,
            b.description,
            b.icon_url,
            str(int((b.published_at or b.updated_at).timestamp())),
        )
        for b in page.items
    ]
    return SpaceBotsV1Response(data=SpaceBotsV1(bots, page.total))


@get("/v1/bots", tags=["bots"])
async def list_bots(
    actor: CurrentActor,
    agent_service: Agents,
    publish_service: Publishing,
    workspace_id: Query = None,
    page_size: Query = None,
    page_index: Query = None,
    publish_status: Query = None,
    connector_id: Query = None,
) -> SimpleBotsResponse:
    space = _required_id(workspace_id, "workspace_id")
    index = _int(page_index, "page_index", 1, 1, 100_000)
    size = _int(page_size, "page_size", 20, 1, MAX_PAGE_SIZE)
    try:
        status = ListFilter(publish_status or ListFilter.PUBLISHED_ONLINE.value)
    except ValueError:
        raise InvalidParameter(
            detail=f"publish_status must be one of {[f.value for f in ListFilter]}"
        ) from None
    connector = _connector(connector_id)
    if status is ListFilter.PUBLISHED_ONLINE:
        page = await publish_service.list_published(actor, space, connector, index, size)
    else:
        page = await agent_service.list(actor, space, index, size, status, connector)
    items = [
        SimpleBot(
            id=id_str(b.id),
            name=b.name,
            description=b.description,
            icon_url=b.icon_url,
            is_published=b.is_published,
            updated_at=int(b.updated_at.timestamp()),
            owner_user_id=id_str(b.owner_id),
            published_at=None if b.published_at is None else int(b.published_at.timestamp()),
        )
        for b in page.items
    ]
    return SimpleBotsResponse(data=SimpleBots(items, page.total))


ROUTES = [
    create_bot,
    update_bot,
    publish_bot,
    unpublish_bot,
    get_online_info,
    retrieve_bot,
    published_bots_list,
    list_bots,
]
