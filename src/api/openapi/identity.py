"""Token API: who am I (`users.me`) and my workspaces (`workspaces.list`), in cozepy 0.20.0's shapes."""

from __future__ import annotations

import msgspec
from litestar import get
from litestar.di import NamedDependency

from api.envelope import Envelope
from api.schemas import MAX_PAGE_NUMBER, QueryPage, QuerySize100, id_str, query_int
from api.security.identity import CurrentActor
from application.common.actor import require_scope
from application.space.service import SpaceService
from application.user.accounts import AccountService
from domain.openauth.values import Scope

Accounts = NamedDependency[AccountService]
MAX_WORKSPACE_PAGE = 100
Spaces = NamedDependency[SpaceService]


class CozeUser(msgspec.Struct):
    user_id: str
    user_name: str
    nick_name: str
    avatar_url: str


class UserResponse(Envelope, kw_only=True):
    data: CozeUser


class Workspace(msgspec.Struct):
    id: str
    name: str
    icon_url: str
    role_type: str
    workspace_type: str
    enterprise_id: str


class WorkspaceList(msgspec.Struct):
    workspaces: list[Workspace]
    total_count: int


class WorkspaceListResponse(Envelope, kw_only=True):
    data: WorkspaceList


@get("/v1/users/me")
async def users_me(actor: CurrentActor, accounts: Accounts) -> UserResponse:
    require_scope(actor, Scope.USER_READ)
    user = await accounts.get(actor.user_id)
    return UserResponse(data=CozeUser(id_str(user.id), user.unique_name, user.name, user.avatar_url))


@get("/v1/workspaces")
async def workspaces(
    actor: CurrentActor,
    spaces: Spaces,
    page_num: QueryPage = None,
    page_size: QuerySize100 = None,
) -> WorkspaceListResponse:
    page = await spaces.list_for(
        actor,
        query_int(page_num, 1, MAX_PAGE_NUMBER, "page_num"),
        query_int(page_size, 20, MAX_WORKSPACE_PAGE, "page_size"),
    )
    items = [Workspace(id_str(s.id), s.name, s.icon_url, s.role, s.type, "") for s in page.items]
    return WorkspaceListResponse(data=WorkspaceList(items, page.total))


ROUTES = [users_me, workspaces]
