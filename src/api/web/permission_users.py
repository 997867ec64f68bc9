"""User administration in the permission console (Coze Plus's permission_api/user paths): role grants,
plus account status and password resets through the account service. Super admins only."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

import msgspec
from litestar import post
from litestar.di import NamedDependency
from litestar.params import JSONBody, KwargDefinition

from api.envelope import Envelope
from api.schemas import ID_PATTERN, Int64Str, id_str, parse_id
from api.security.access import requires
from api.security.identity import CurrentActor
from application.permission.dto import UserRoleDTO
from application.permission.grants import MAX_ROLES_PER_CALL, GrantService
from application.permission.roles import ADMIN_OBJECT
from application.user.accounts import AccountService
from application.user.dto import UserDTO
from crossdomain.permission import Action
from domain.common.errors import InvalidInput
from domain.user.values import UserStatus

Grants = NamedDependency[GrantService]
Accounts = NamedDependency[AccountService]
USER = "/api/permission_api/user"
RoleIds = Annotated[
    list[Int64Str],
    KwargDefinition(
        schema_extra={
            "minItems": 1,
            "maxItems": MAX_ROLES_PER_CALL,
            "items": {"type": "string", "pattern": ID_PATTERN},
        }
    ),
]  # the count is checked by GrantService (InvalidPermission, 4000)
Domain = Annotated[
    str, msgspec.Meta(pattern=r"^(global|space:[1-9][0-9]{0,18})$", description="global or space:<id>")
]


class UserData(msgspec.Struct):
    user_id: str
    name: str
    unique_name: str
    email: str
    is_superuser: bool
    is_disabled: int  # Coze Plus: 0 enabled, 1 disabled
    created_at: int

    @classmethod
    def of(cls, u: UserDTO) -> UserData:
        disabled = int(u.status == UserStatus.DISABLED.value)
        return cls(
            id_str(u.id),
            u.name,
            u.unique_name,
            u.email,
            u.is_superuser,
            disabled,
            int(u.created_at.timestamp()),
        )


class UserList(msgspec.Struct):
    users: list[UserData]
    total: int
    has_more: bool


class UserListResponse(Envelope, kw_only=True):
    data: UserList


class ListUsersRequest(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    keyword: Annotated[str, msgspec.Meta(max_length=100)] = ""
    page: Annotated[int, msgspec.Meta(ge=1, le=100_000)] = 1
    limit: Annotated[int, msgspec.Meta(ge=1, le=100)] = 20


NO_LIST_USERS = ListUsersRequest()  # what a missing body means: every field at its default


class AssignRolesRequest(msgspec.Struct, forbid_unknown_fields=True):
    user_id: Int64Str
    role_ids: RoleIds
    domain: Domain = "global"  # "global" or "space:<id>", matching the roles' kind
    expires_at: Annotated[int, msgspec.Meta(ge=1, lt=253_402_300_800)] | None = None  # unix s; none: never


class UnassignRolesRequest(msgspec.Struct, forbid_unknown_fields=True):
    user_id: Int64Str
    role_ids: RoleIds
    domain: Domain = "global"


class UserRef(msgspec.Struct, forbid_unknown_fields=True):
    user_id: Int64Str


class UserRole(msgspec.Struct):
    role_id: str
    role_code: str
    role_name: str
    domain: str
    derived: bool  # held through the superuser flag, not an explicit grant
    assigned_by: str
    expires_at: int  # unix seconds, 0: never
    granted_at: int

    @classmethod
    def of(cls, r: UserRoleDTO) -> UserRole:
        return cls(
            id_str(r.role_id),
            r.code,
            r.name,
            r.domain,
            r.derived,
            id_str(r.assigned_by) if r.assigned_by else "",
            int(r.expires_at.timestamp()) if r.expires_at else 0,
            int(r.granted_at.timestamp()) if r.granted_at else 0,
        )


class UserRolesResponse(Envelope, kw_only=True):
    data: list[UserRole]


class Unassigned(msgspec.Struct):
    removed: int


class UnassignResponse(Envelope, kw_only=True):
    data: Unassigned


class UserStatusRequest(msgspec.Struct, forbid_unknown_fields=True):
    user_id: Int64Str
    is_disabled: Literal[0, 1]


class ResetPasswordRequest(msgspec.Struct, forbid_unknown_fields=True):
    user_id: Int64Str
    password: Annotated[str, msgspec.Meta(max_length=128)]


class UserResponse(Envelope, kw_only=True):
    data: UserData


def _expiry(seconds: int | None) -> datetime | None:
    if seconds is None:
        return None
    if not 0 < seconds < 253_402_300_800:  # before year 10000
        raise InvalidInput()
    return datetime.fromtimestamp(seconds, UTC)


@post(f"{USER}/list", status_code=200)
async def list_users(
    actor: CurrentActor,
    grants: Grants,
    accounts: Accounts,
    data: JSONBody[ListUsersRequest] = NO_LIST_USERS,
) -> UserListResponse:
    await grants.require_admin(actor)
    users, total = await accounts.list_users(actor, data.page, data.limit, data.keyword)
    more = data.page * data.limit < total
    return UserListResponse(data=UserList([UserData.of(u) for u in users], total, more))


@post(f"{USER}/assign_roles", status_code=200)
async def assign_roles(
    actor: CurrentActor, grants: Grants, data: JSONBody[AssignRolesRequest]
) -> UserRolesResponse:
    granted = await grants.assign(
        actor,
        parse_id(data.user_id),
        [parse_id(r) for r in data.role_ids],
        data.domain,
        _expiry(data.expires_at),
    )
    return UserRolesResponse(data=[UserRole.of(g) for g in granted])


@post(f"{USER}/unassign_roles", status_code=200)
async def unassign_roles(
    actor: CurrentActor, grants: Grants, data: JSONBody[UnassignRolesRequest]
) -> UnassignResponse:
    removed = await grants.unassign(
        actor, parse_id(data.user_id), [parse_id(r) for r in data.role_ids], data.domain
    )
    return UnassignResponse(data=Unassigned(removed))


@post(f"{USER}/roles", status_code=200)
async def user_roles(actor: CurrentActor, grants: Grants, data: JSONBody[UserRef]) -> UserRolesResponse:
    return UserRolesResponse(
        data=[UserRole.of(r) for r in await grants.roles_of(actor, parse_id(data.user_id))]
    )


@post(f"{USER}/status/update", status_code=200)
async def update_status(
    actor: CurrentActor, grants: Grants, accounts: Accounts, data: JSONBody[UserStatusRequest]
) -> UserResponse:
    await grants.require_admin(actor)
    status = UserStatus.DISABLED if data.is_disabled else UserStatus.ACTIVE
    return UserResponse(data=UserData.of(await accounts.set_status(actor, parse_id(data.user_id), status)))


@post(f"{USER}/reset_password", status_code=200)
async def reset_password(
    actor: CurrentActor, grants: Grants, accounts: Accounts, data: JSONBody[ResetPasswordRequest]
) -> Envelope:
    await grants.require_admin(actor)
    await accounts.reset_password(actor, parse_id(data.user_id), data.password)
    return Envelope()


ROUTES = [
    *requires(
        ADMIN_OBJECT, Action.MANAGE, list_users, assign_roles, unassign_roles, update_status, reset_password
    ),
    *requires(ADMIN_OBJECT, Action.READ, user_roles),
]
