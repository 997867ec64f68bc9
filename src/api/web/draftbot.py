"""Agents for the SPA, in Coze Studio's paths: draftbot create/get/update/publish/history/duplicate/
delete, the publish connectors, and the space's agent list (intelligence search, bots only).

The list pages with `cursor_id`, an opaque string (the offset of the next page): Coze Studio's
front end passes back `next_cursor_id` as is.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from litestar import post
from litestar.di import NamedDependency
from litestar.params import JSONBody, KwargDefinition

from api.agent_fields import one_id
from api.envelope import EmptyData, EmptyResponse, Envelope
from api.schemas import BodyPage, BodySize100, Int64Str, id_str, seconds_text
from api.security.identity import CurrentActor
from api.web.draftbot_schemas import BotInfo, BotInfoForUpdate, changes_of
from application.agent.publish import PublishService
from application.agent.service import AgentService
from domain.agent.entities import AgentChanges, Icon
from domain.agent.errors import AgentNotFound
from domain.agent.values import MAX_DESCRIPTION, MAX_ICON_URI, MAX_NAME, MAX_VERSION_NOTE

Agents = NamedDependency[AgentService]
Publishing = NamedDependency[PublishService]
MAX_PAGE_SIZE = 100
# The channels an agent can be published to: 1024 the API, 999 the Chat SDK.
Connector = Literal["1024", "999"]


class CreateRequest(msgspec.Struct, forbid_unknown_fields=True):
    space_id: Int64Str
    name: Annotated[str, msgspec.Meta(max_length=MAX_NAME, pattern=r"\S")]
    description: Annotated[str, msgspec.Meta(max_length=MAX_DESCRIPTION)] = ""
    icon_uri: Annotated[str, msgspec.Meta(max_length=MAX_ICON_URI)] = ""
    visibility: int | None = None  # Coze Studio sends these; agents are visible to their space
    create_from: str | None = None


class CreateData(msgspec.Struct):
    bot_id: str
    check_not_pass: bool = False


class CreateResponse(Envelope, kw_only=True):
    data: CreateData


class BotIdRequest(msgspec.Struct, forbid_unknown_fields=True):
    bot_id: Int64Str
    space_id: Int64Str | None = None


class DraftData(msgspec.Struct):
    bot_info: BotInfo
    published_versions: dict[str, str]  # connector id -> version live there


class DraftResponse(Envelope, kw_only=True):
    data: DraftData


class UpdateRequest(msgspec.Struct, forbid_unknown_fields=True):
    bot_info: BotInfoForUpdate
    base_commit_version: str | None = None


class UpdateData(msgspec.Struct):
    has_change: bool
    check_not_pass: bool = False


class UpdateResponse(Envelope, kw_only=True):
    data: UpdateData


class PublishRequest(msgspec.Struct, forbid_unknown_fields=True):
    bot_id: Int64Str
    connectors: Annotated[
        dict[Connector, dict[str, str]],
        msgspec.Meta(min_length=1),
        KwargDefinition(schema_extra={"minProperties": 1, "propertyNames": {"enum": ["1024", "999"]}}),
    ]
    space_id: Int64Str | None = None
    # The note; NUL characters are refused (the pattern says so to clients).
    history_info: Annotated[str, msgspec.Meta(max_length=MAX_VERSION_NOTE, pattern=r"^[^\x00]*$")] | None = (
        None
    )


class ConnectorResult(msgspec.Struct):
    connector_id: str
    publish_result_status: int  # 1: success (Coze Studio's PublishResultStatus)


class PublishData(msgspec.Struct):
    version: str
    publish_result: dict[str, ConnectorResult]
    check_not_pass: bool = False


class PublishResponse(Envelope, kw_only=True):
    data: PublishData


class HistoryRequest(msgspec.Struct, forbid_unknown_fields=True):
    bot_id: Int64Str
    page_index: BodyPage = 1
    page_size: BodySize100 = 20
    space_id: Int64Str | None = None
    history_type: int | None = None  # 1: publish, the only history kept


class ConnectorInfo(msgspec.Struct):
    id: str
    name: str


class Creator(msgspec.Struct):
    id: str


class HistoryInfo(msgspec.Struct):
    version: str
    history_type: int
    info: str
    create_time: str
    connector_infos: list[ConnectorInfo]
    creator: Creator
    publish_id: str


class HistoryData(msgspec.Struct):
    history_infos: list[HistoryInfo]
    total: int
    has_more: bool


class HistoryResponse(Envelope, kw_only=True):
    data: HistoryData


class DuplicateData(msgspec.Struct):
    bot_id: str
    name: str


class DuplicateResponse(Envelope, kw_only=True):
    data: DuplicateData


class PublishConnector(msgspec.Struct):
    id: str
    name: str
    desc: str
    icon: str
    connector_status: int  # 0: usable
    is_last_published: bool
    last_publish_version: str


class ConnectorListData(msgspec.Struct):
    publish_connector_list: list[PublishConnector]


class ConnectorListResponse(Envelope, kw_only=True):
    data: ConnectorListData


class IntelligenceListRequest(msgspec.Struct, forbid_unknown_fields=True):
    space_id: Int64Str
    size: BodySize100 = 20
    cursor_id: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{0,7}$")] | None = None
    types: list[int] | None = None  # Coze Studio's IntelligenceType; 1 is a bot, the only kind here
    name: Annotated[str, msgspec.Meta(max_length=MAX_NAME)] | None = None  # search: name holds it


class IntelligenceBasicInfo(msgspec.Struct):
    id: str
    name: str
    description: str
    icon_url: str
    space_id: str
    owner_id: str
    create_time: str
    update_time: str
    status: int
    publish_time: str


class IntelligencePublishInfo(msgspec.Struct):
    has_published: bool
    publish_time: str


class Intelligence(msgspec.Struct):
    basic_info: IntelligenceBasicInfo
    type: int
    publish_info: IntelligencePublishInfo


class IntelligenceListData(msgspec.Struct):
    intelligences: list[Intelligence]
    total: int
    has_more: bool
    next_cursor_id: str


class IntelligenceListResponse(Envelope, kw_only=True):
    data: IntelligenceListData


def _bot(data: BotIdRequest) -> int:
    return one_id(data.bot_id, "bot_id")


@post("/api/draftbot/create", status_code=200, tags=["agents"])
async def create(actor: CurrentActor, agent_service: Agents, data: JSONBody[CreateRequest]) -> CreateResponse:
    view = await agent_service.create(
        actor,
        one_id(data.space_id, "space_id"),
        data.name,
        data.description,
        AgentChanges(icon=Icon(data.icon_uri) if data.icon_uri else None),
    )
    return CreateResponse(data=CreateData(id_str(view.id)))


@post("/api/playground_api/draftbot/get_draft_bot_info", status_code=200, tags=["agents"])
async def get_draft(
    actor: CurrentActor, agent_service: Agents, data: JSONBody[BotIdRequest]
) -> DraftResponse:
    view = await agent_service.get(actor, _bot(data))
    _same_space(data.space_id, view.space_id)
    published = {str(c): v for c, v in sorted(view.live_versions.items())}
    return DraftResponse(data=DraftData(BotInfo.of(view), published))


@post("/api/playground_api/draftbot/update_draft_bot_info", status_code=200, tags=["agents"])
async def update_draft(
    actor: CurrentActor, agent_service: Agents, data: JSONBody[UpdateRequest]
) -> UpdateResponse:
    changes = changes_of(data.bot_info)
    await agent_service.update(actor, one_id(data.bot_info.bot_id, "bot_id"), changes)
    return UpdateResponse(data=UpdateData(has_change=changes != AgentChanges()))


@post("/api/draftbot/publish", status_code=200, tags=["agents"])
async def publish(
    actor: CurrentActor, publish_service: Publishing, data: JSONBody[PublishRequest]
) -> PublishResponse:
    connectors = [int(key) for key in data.connectors]
    result = await publish_service.publish(
        actor, one_id(data.bot_id, "bot_id"), connectors, data.history_info or ""
    )
    outcome = {str(c): ConnectorResult(str(c), 1) for c in result.connector_ids}
    return PublishResponse(data=PublishData(result.version, outcome))


@post("/api/draftbot/list_draft_history", status_code=200, tags=["agents"])
async def list_history(
    actor: CurrentActor, publish_service: Publishing, data: JSONBody[HistoryRequest]
) -> HistoryResponse:
    names = {c.id: c.name for c in publish_service.connectors()}
    page = await publish_service.history(
        actor, one_id(data.bot_id, "bot_id"), data.page_index, data.page_size
    )
    infos = [
        HistoryInfo(
            version=r.version,
            history_type=1,
            info=r.note,
            create_time=seconds_text(r.published_at),
            connector_infos=[ConnectorInfo(str(c), names.get(c, "")) for c in r.connector_ids],
            creator=Creator(id_str(r.publisher_id)),
            publish_id=id_str(r.id),
        )
        for r in page.items
    ]
    return HistoryResponse(data=HistoryData(infos, page.total, page.has_more))


@post("/api/draftbot/duplicate", status_code=200, tags=["agents"])
async def duplicate(
    actor: CurrentActor, agent_service: Agents, data: JSONBody[BotIdRequest]
) -> DuplicateResponse:
    space = None if data.space_id is None else one_id(data.space_id, "space_id")
    view = await agent_service.duplicate(actor, _bot(data), space)
    return DuplicateResponse(data=DuplicateData(id_str(view.id), view.name))


@post("/api/draftbot/delete", status_code=200, tags=["agents"])
async def delete(actor: CurrentActor, agent_service: Agents, data: JSONBody[BotIdRequest]) -> EmptyResponse:
    bot = _bot(data)
    if data.space_id is not None:
        _same_space(data.space_id, (await agent_service.get(actor, bot)).space_id)
    await agent_service.delete(actor, bot)
    return EmptyResponse(data=EmptyData())


@post("/api/draftbot/publish/connector/list", status_code=200, tags=["agents"])
async def connector_list(
    actor: CurrentActor, agent_service: Agents, publish_service: Publishing, data: JSONBody[BotIdRequest]
) -> ConnectorListResponse:
    view = await agent_service.get(actor, _bot(data))
    _same_space(data.space_id, view.space_id)
    items = [
        PublishConnector(
            id=str(c.id),
            name=c.name,
            desc=c.description,
            icon="",
            connector_status=0,
            is_last_published=c.id in view.live_versions,
            last_publish_version=view.live_versions.get(c.id, ""),
        )
        for c in publish_service.connectors()
    ]
    return ConnectorListResponse(data=ConnectorListData(items))


@post("/api/intelligence_api/search/get_draft_intelligence_list", status_code=200, tags=["agents"])
async def intelligence_list(
    actor: CurrentActor, agent_service: Agents, data: JSONBody[IntelligenceListRequest]
) -> IntelligenceListResponse:
    cursor = str(int(data.cursor_id or "0"))  # a next_cursor_id from this list: an offset
    space = one_id(data.space_id, "space_id")
    page = await agent_service.list(
        actor, space, page_size=data.size, offset=int(cursor), name=data.name.strip() if data.name else None
    )
    if data.types is not None and 1 not in data.types:  # only bots live here: other kinds are empty
        return IntelligenceListResponse(data=IntelligenceListData([], 0, False, cursor))
    items = [
        Intelligence(
            IntelligenceBasicInfo(
                id=id_str(b.id),
                name=b.name,
                description=b.description,
                icon_url=b.icon_url,
                space_id=id_str(b.space_id),
                owner_id=id_str(b.owner_id),
                create_time=seconds_text(b.created_at),
                update_time=seconds_text(b.updated_at),
                status=1,
                publish_time=seconds_text(b.published_at),
            ),
            1,
            IntelligencePublishInfo(b.is_published, seconds_text(b.published_at)),
        )
        for b in page.items
    ]
    next_cursor = str(int(cursor) + len(items))
    return IntelligenceListResponse(data=IntelligenceListData(items, page.total, page.has_more, next_cursor))


def _same_space(given: str | None, actual: int) -> None:
    """A space_id the front end sends along must be the agent's own: else it is not found there."""
    if given is not None and one_id(given, "space_id") != actual:
        raise AgentNotFound()


ROUTES = [
    create,
    get_draft,
    update_draft,
    publish,
    list_history,
    duplicate,
    delete,
    connector_list,
    intelligence_list,
]
