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
from api.envelope import EmptyData, EmptyResponse
from api.openapi.bot_schemas import (
    Bot,
    BotIdData,
    BotIdResponse,
    BotResponse,
    CreateBotRequest,
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
from api.schemas import MAX_PAGE_NUMBER, Int64Id, QueryId, QueryPage, QuerySize100, id_str, query_int
from api.security.identity import CurrentActor
from application.agent.dto import ListFilter
from application.agent.publish import PublishService
from application.agent.service import AgentService
from crossdomain.agent import CONNECTOR_API
from domain.agent.errors import InvalidAgentConfig, InvalidConnector

Agents = NamedDependency[AgentService]
Publishing = NamedDependency[PublishService]
MAX_PAGE_SIZE = 100
Flag = Annotated[
    str | None,
    QueryParameter(pattern=r"^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])?$", description="true or false"),
]
PublishStatus = Annotated[
    str | None,
    QueryParameter(pattern=f"^({'|'.join(f.value for f in ListFilter)})?$", description="list filter"),
]
ConnectorQuery = Annotated[
    str | None, QueryParameter(pattern=r"^(1024|999)?$", description="1024 API, 999 Chat SDK")
]
PageSize = QuerySize100


def _required_id(value: str | None, name: str) -> int:
    if not value:
        raise InvalidAgentConfig(reason=f"{name} is required")
    return one_id(value, name)


def _page(value: str | None) -> int:
    return query_int(value, 1, MAX_PAGE_NUMBER, "page_index")


def _size(value: str | None) -> int:
    return query_int(value, 20, MAX_PAGE_SIZE, "page_size")


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
    connectors = [int(c) for c in data.connector_ids] if data.connector_ids else [CONNECTOR_API]
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
    bot_id: QueryId = None,
) -> BotResponse:
    view = await publish_service.published(actor, _required_id(bot_id, "bot_id"), CONNECTOR_API)
    return BotResponse(data=Bot.of(view))


@get("/v1/bots/{bot_id:int}", tags=["bots"])
async def retrieve_bot(
    actor: CurrentActor,
    agent_service: Agents,
    publish_service: Publishing,
    bot_id: Int64Id,
    is_published: Flag = None,
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
    space_id: QueryId = None,
    page_size: PageSize = None,
    page_index: QueryPage = None,
) -> SpaceBotsV1Response:
    page = await publish_service.list_published(
        actor, _required_id(space_id, "space_id"), CONNECTOR_API, _page(page_index), _size(page_size)
    )
    bots = [SpaceBotV1.of(b) for b in page.items]
    return SpaceBotsV1Response(data=SpaceBotsV1(bots, page.total))


@get("/v1/bots", tags=["bots"])
async def list_bots(
    actor: CurrentActor,
    agent_service: Agents,
    publish_service: Publishing,
    workspace_id: QueryId = None,
    page_size: PageSize = None,
    page_index: QueryPage = None,
    publish_status: PublishStatus = None,
    connector_id: ConnectorQuery = None,
) -> SimpleBotsResponse:
    space, index, size = _required_id(workspace_id, "workspace_id"), _page(page_index), _size(page_size)
    status = ListFilter(publish_status or ListFilter.PUBLISHED_ONLINE.value)
    connector = _connector(connector_id)
    if status is ListFilter.PUBLISHED_ONLINE:
        page = await publish_service.list_published(actor, space, connector, index, size)
    else:
        page = await agent_service.list(actor, space, index, size, status, connector)
    return SimpleBotsResponse(data=SimpleBots([SimpleBot.of(b) for b in page.items], page.total))


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
