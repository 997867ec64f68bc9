"""Token API: a workspace's members (cozepy 0.20.0 `workspaces.members`): list, add, remove.

Adding is direct in a team space (Coze reports these as `added_success_user_ids`); a personal space
has no members but its owner (4000). cozepy 0.20.0's `members.list` casts the page to a single
member and cannot read any list answer; other clients get `{items, total_count, has_more}`."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import delete, get, post
from litestar.params import JSONBody

from api.envelope import Envelope
from api.openapi.identity import Spaces
from api.schemas import (
    ID_ITEMS,
    MAX_PAGE_NUMBER,
    Int64Id,
    Int64Str,
    QueryPage,
    QuerySize50,
    id_str,
    parse_id,
    query_int,
)
from api.security.identity import CurrentActor
from domain.space.values import SpaceRole

MAX_ADD = 20  # per call, as Coze documents
MAX_REMOVE = 5


class WorkspaceMember(msgspec.Struct):
    user_id: str
    role_type: str
    user_nickname: str
    user_unique_name: str
    avatar_url: str


class WorkspaceMemberPage(msgspec.Struct):
    items: list[WorkspaceMember]
    total_count: int
    has_more: bool


class WorkspaceMemberPageResponse(Envelope, kw_only=True):
    data: WorkspaceMemberPage


class NewMember(msgspec.Struct, forbid_unknown_fields=True):
    user_id: Int64Str
    role_type: SpaceRole = SpaceRole.MEMBER


class AddMembersRequest(msgspec.Struct, forbid_unknown_fields=True):
    users: Annotated[list[NewMember], msgspec.Meta(min_length=1, max_length=MAX_ADD)]


class MembersAddedData(msgspec.Struct):
    added_success_user_ids: list[str]
    invited_success_user_ids: list[str]
    not_exist_user_ids: list[str]
    already_joined_user_ids: list[str]
    already_invited_user_ids: list[str]


class MembersAddedResponse(Envelope, kw_only=True):
    data: MembersAddedData


class RemoveMembersRequest(msgspec.Struct, forbid_unknown_fields=True):
    user_ids: Annotated[list[Int64Str], msgspec.Meta(min_length=1, max_length=MAX_REMOVE), ID_ITEMS]


class MembersRemovedData(msgspec.Struct):
    removed_success_user_ids: list[str]
    not_in_workspace_user_ids: list[str]
    owner_not_support_remove_user_ids: list[str]


class MembersRemovedResponse(Envelope, kw_only=True):
    data: MembersRemovedData


def _ids(values: list[int]) -> list[str]:
    return [id_str(v) for v in values]


@get("/v1/workspaces/{workspace_id:int}/members")
async def list_workspace_members(
    actor: CurrentActor,
    spaces: Spaces,
    workspace_id: Int64Id,
    page_num: QueryPage = None,
    page_size: QuerySize50 = None,
) -> WorkspaceMemberPageResponse:
    page = await spaces.members(
        actor,
        workspace_id,
        query_int(page_num, 1, MAX_PAGE_NUMBER, "page_num"),
        query_int(page_size, 20, 50, "page_size"),
    )
    items = [
        WorkspaceMember(id_str(m.user_id), m.role, m.name, m.unique_name, m.avatar_url) for m in page.items
    ]
    return WorkspaceMemberPageResponse(data=WorkspaceMemberPage(items, page.total, page.has_more))


@post("/v1/workspaces/{workspace_id:int}/members", status_code=200)
async def add_workspace_members(
    actor: CurrentActor, spaces: Spaces, workspace_id: Int64Id, data: JSONBody[AddMembersRequest]
) -> MembersAddedResponse:
    wanted = [(parse_id(u.user_id), u.role_type) for u in data.users]
    done = await spaces.add_members(actor, workspace_id, wanted)
    return MembersAddedResponse(
        data=MembersAddedData(_ids(done.added), [], _ids(done.not_found), _ids(done.already_joined), [])
    )


@delete("/v1/workspaces/{workspace_id:int}/members", status_code=200)
async def remove_workspace_members(
    actor: CurrentActor, spaces: Spaces, workspace_id: Int64Id, data: JSONBody[RemoveMembersRequest]
) -> MembersRemovedResponse:
    done = await spaces.remove_members(actor, workspace_id, [parse_id(u) for u in data.user_ids])
    return MembersRemovedResponse(
        data=MembersRemovedData(_ids(done.removed), _ids(done.not_members), _ids(done.owners))
    )


ROUTES = [list_workspace_members, add_workspace_members, remove_workspace_members]
