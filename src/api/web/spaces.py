"""Spaces for the SPA: Coze Studio's space list plus team-space management."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from api.envelope import Envelope
from api.schemas import BodyPage, BodySize100, Int64Str, id_str, parse_id
from api.security.identity import CurrentActor
from application.space.service import InvitationDTO, MemberDTO, SpaceDTO, SpaceService
from domain.space.invitations import INVITATION_DAYS, MAX_INVITATION_DAYS
from domain.space.values import SpaceRole

Spaces = NamedDependency[SpaceService]
SPACE_TYPE = {"personal": 1, "team": 2}
ROLE_TYPE = {"owner": 1, "admin": 2, "member": 3}
MAX_TEAM_SPACES = 100
MAX_SPACE_PAGE = 100  # a user's spaces come in one page
MAX_MEMBER_PAGE = 100


class BotSpace(msgspec.Struct):
    id: str
    name: str
    description: str
    icon_url: str
    space_type: int
    space_role_type: int
    owner_user_id: str

    @classmethod
    def of(cls, s: SpaceDTO) -> BotSpace:
        return cls(
            id_str(s.id),
            s.name,
            s.description,
            s.icon_url,
            SPACE_TYPE[s.type],
            ROLE_TYPE[s.role],
            id_str(s.owner_id),
        )


class SpaceInfo(msgspec.Struct):
    bot_space_list: list[BotSpace]
    has_personal_space: bool
    team_space_num: int
    max_team_space_num: int
    recently_used_space_list: list[BotSpace]
    total: int
    has_more: bool


class SpaceListResponse(Envelope, kw_only=True):
    data: SpaceInfo


class SpaceListRequest(msgspec.Struct, frozen=True):
    search_word: Annotated[str, msgspec.Meta(max_length=100)] | None = None
    page: BodyPage = 1
    size: BodySize100 = MAX_SPACE_PAGE


NO_SPACE_LIST = SpaceListRequest()  # what a missing body means: every field at its default


class SaveSpaceRequest(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(max_length=100, pattern=r"^[^\x00-\x1f]*[^\x00-\x1f\s][^\x00-\x1f]*$")]
    description: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class SpaceResponse(Envelope, kw_only=True):
    data: BotSpace


class Member(msgspec.Struct):
    user_id: str
    role_type: str
    user_nickname: str
    user_unique_name: str
    avatar_url: str
    joined_at: datetime
    expires_at: datetime | None

    @classmethod
    def of(cls, m: MemberDTO) -> Member:
        return cls(id_str(m.user_id), m.role, m.name, m.unique_name, m.avatar_url, m.joined_at, m.expires_at)


class MemberListRequest(msgspec.Struct, forbid_unknown_fields=True):
    space_id: Int64Str
    page: BodyPage = 1
    size: BodySize100 = 20


class MemberList(msgspec.Struct):
    members: list[Member]
    total: int
    has_more: bool


class MemberListResponse(Envelope, kw_only=True):
    data: MemberList


class AddMemberRequest(msgspec.Struct, forbid_unknown_fields=True):
    space_id: Int64Str
    user_id: Int64Str
    role: SpaceRole = SpaceRole.MEMBER
    expires_at: datetime | None = None


class MemberResponse(Envelope, kw_only=True):
    data: Member


class MemberRef(msgspec.Struct, forbid_unknown_fields=True):
    space_id: Int64Str
    user_id: Int64Str


@post("/api/playground_api/space/list", status_code=200)
async def list_spaces(
    actor: CurrentActor, spaces: Spaces, data: JSONBody[SpaceListRequest] = NO_SPACE_LIST
) -> SpaceListResponse:
    page = await spaces.list_for(actor, data.page, data.size)
    items = [BotSpace.of(s) for s in page.items]
    if data.search_word:
        items = [s for s in items if data.search_word.lower() in s.name.lower()]
    info = SpaceInfo(
        bot_space_list=items,
        has_personal_space=any(s.space_type == 1 for s in items),
        team_space_num=sum(1 for s in items if s.space_type == 2 and s.space_role_type == 1),
        max_team_space_num=MAX_TEAM_SPACES,
        recently_used_space_list=items,
        total=page.total,
        has_more=page.has_more,
    )
    return SpaceListResponse(data=info)


@post("/api/playground_api/space/save", status_code=200)
async def create_space(
    actor: CurrentActor, spaces: Spaces, data: JSONBody[SaveSpaceRequest]
) -> SpaceResponse:
    return SpaceResponse(data=BotSpace.of(await spaces.create_team(actor, data.name, data.description)))


@post("/api/space/member/list", status_code=200)
async def list_members(
    actor: CurrentActor, spaces: Spaces, data: JSONBody[MemberListRequest]
) -> MemberListResponse:
    page = await spaces.members(actor, parse_id(data.space_id), data.page, data.size)
    return MemberListResponse(data=MemberList([Member.of(m) for m in page.items], page.total, page.has_more))


@post("/api/space/member/add", status_code=200)
async def add_member(actor: CurrentActor, spaces: Spaces, data: JSONBody[AddMemberRequest]) -> MemberResponse:
    member = await spaces.add_member(
        actor, parse_id(data.space_id), parse_id(data.user_id), data.role, data.expires_at
    )
    return MemberResponse(data=Member.of(member))


@post("/api/space/member/remove", status_code=200)
async def remove_member(actor: CurrentActor, spaces: Spaces, data: JSONBody[MemberRef]) -> Envelope:
    await spaces.remove_member(actor, parse_id(data.space_id), parse_id(data.user_id))
    return Envelope()


class ChangeRoleRequest(msgspec.Struct, forbid_unknown_fields=True):
    space_id: Int64Str
    user_id: Int64Str
    role: SpaceRole


@post("/api/space/member/update", status_code=200)
async def change_member_role(
    actor: CurrentActor, spaces: Spaces, data: JSONBody[ChangeRoleRequest]
) -> MemberResponse:
    """A member's role in place (cozeplus): admins by the owner only; the owner's by a transfer."""
    member = await spaces.change_role(actor, parse_id(data.space_id), parse_id(data.user_id), data.role)
    return MemberResponse(data=Member.of(member))


@post("/api/space/transfer", status_code=200)
async def transfer(actor: CurrentActor, spaces: Spaces, data: JSONBody[MemberRef]) -> Envelope:
    await spaces.transfer_ownership(actor, parse_id(data.space_id), parse_id(data.user_id))
    return Envelope()


class Invitation(msgspec.Struct):
    invitation_id: str
    space_id: str
    space_name: str
    user_id: str
    user_nickname: str
    user_unique_name: str
    avatar_url: str
    role_type: str
    invited_by: str
    status: str  # pending | accepted | declined | revoked | expired
    created_at: datetime
    expires_at: datetime

    @classmethod
    def of(cls, i: InvitationDTO) -> Invitation:
        return cls(
            id_str(i.id),
            id_str(i.space_id),
            i.space_name,
            id_str(i.user_id),
            i.user_name,
            i.unique_name,
            i.avatar_url,
            i.role,
            id_str(i.invited_by),
            i.state,
            i.created_at,
            i.expires_at,
        )


class InviteRequest(msgspec.Struct, forbid_unknown_fields=True):
    """Invite an account, named by its id or by its e-mail address (exactly one of them)."""

    space_id: Int64Str
    user_id: Int64Str | None = None
    email: Annotated[str, msgspec.Meta(max_length=254)] | None = None
    role: SpaceRole = SpaceRole.MEMBER
    expire_days: Annotated[int, msgspec.Meta(ge=1, le=MAX_INVITATION_DAYS)] = INVITATION_DAYS


class InvitationRef(msgspec.Struct, forbid_unknown_fields=True):
    invitation_id: Int64Str


class SpaceRef(msgspec.Struct, forbid_unknown_fields=True):
    space_id: Int64Str


class InvitationResponse(Envelope, kw_only=True):
    data: Invitation


class InvitationListResponse(Envelope, kw_only=True):
    data: list[Invitation]


@post("/api/space/invitation/create", status_code=200)
async def invite(actor: CurrentActor, spaces: Spaces, data: JSONBody[InviteRequest]) -> InvitationResponse:
    user_id = None if data.user_id is None else parse_id(data.user_id)
    found = await spaces.invite(
        actor, parse_id(data.space_id), data.role, user_id=user_id, email=data.email, days=data.expire_days
    )
    return InvitationResponse(data=Invitation.of(found))


@post("/api/space/invitation/list", status_code=200)
async def space_invitations(
    actor: CurrentActor, spaces: Spaces, data: JSONBody[SpaceRef]
) -> InvitationListResponse:
    found = await spaces.space_invitations(actor, parse_id(data.space_id))
    return InvitationListResponse(data=[Invitation.of(i) for i in found])


@post("/api/space/invitation/mine", status_code=200)
async def my_invitations(actor: CurrentActor, spaces: Spaces) -> InvitationListResponse:
    return InvitationListResponse(data=[Invitation.of(i) for i in await spaces.my_invitations(actor)])


@post("/api/space/invitation/accept", status_code=200)
async def accept_invitation(
    actor: CurrentActor, spaces: Spaces, data: JSONBody[InvitationRef]
) -> InvitationResponse:
    answered = await spaces.answer_invitation(actor, parse_id(data.invitation_id), accept=True)
    return InvitationResponse(data=Invitation.of(answered))


@post("/api/space/invitation/decline", status_code=200)
async def decline_invitation(
    actor: CurrentActor, spaces: Spaces, data: JSONBody[InvitationRef]
) -> InvitationResponse:
    answered = await spaces.answer_invitation(actor, parse_id(data.invitation_id), accept=False)
    return InvitationResponse(data=Invitation.of(answered))


@post("/api/space/invitation/revoke", status_code=200)
async def revoke_invitation(actor: CurrentActor, spaces: Spaces, data: JSONBody[InvitationRef]) -> Envelope:
    await spaces.revoke_invitation(actor, parse_id(data.invitation_id))
    return Envelope()


ROUTES = [
    list_spaces,
    create_space,
    list_members,
    add_member,
    remove_member,
    change_member_role,
    transfer,
    invite,
    space_invitations,
    my_invitations,
    accept_invitation,
    decline_invitation,
    revoke_invitation,
]
