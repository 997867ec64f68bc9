"""Account administration for super admins: /api/admin/users."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter

from api.envelope import Envelope
from api.schemas import Int64Id, id_str
from api.security.identity import CurrentActor
from application.user.accounts import AccountService
from application.user.dto import UserDTO
from domain.user.values import UserStatus

Accounts = NamedDependency[AccountService]


class AdminUser(msgspec.Struct):
    id: str
    email: str
    name: str
    unique_name: str
    is_superuser: bool
    status: str
    created_at: datetime

    @classmethod
    def of(cls, u: UserDTO) -> AdminUser:
        return cls(id_str(u.id), u.email, u.name, u.unique_name, u.is_superuser, u.status, u.created_at)


class UserPage(msgspec.Struct):
    users: list[AdminUser]
    total: int


class UserPageResponse(Envelope, kw_only=True):
    data: UserPage


class AdminUserResponse(Envelope, kw_only=True):
    data: AdminUser


class CreateUserRequest(msgspec.Struct, forbid_unknown_fields=True):
    email: str
    password: str
    name: str = ""
    is_superuser: bool = False


class ResetPasswordRequest(msgspec.Struct, forbid_unknown_fields=True):
    password: str


class StatusRequest(msgspec.Struct, forbid_unknown_fields=True):
    status: UserStatus


class UsersController(Controller):
    path = "/api/admin/users"
    tags = ["admin: users"]

    @get("/")
    async def list_users(
        self,
        actor: CurrentActor,
        accounts: Accounts,
        page: Annotated[int, QueryParameter(ge=1, le=100_000)] = 1,
        size: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
        q: Annotated[str, QueryParameter(max_length=100)] = "",
    ) -> UserPageResponse:
        users, total = await accounts.list_users(actor, page, size, q)
        return UserPageResponse(data=UserPage([AdminUser.of(u) for u in users], total))

    @post("/", status_code=200)
    async def create_user(
        self, actor: CurrentActor, accounts: Accounts, data: JSONBody[CreateUserRequest]
    ) -> AdminUserResponse:
        user = await accounts.create_by_admin(actor, data.email, data.password, data.name, data.is_superuser)
        return AdminUserResponse(data=AdminUser.of(user))

    @post("/{user_id:int}/reset_password", status_code=200)
    async def reset_password(
        self, user_id: Int64Id, actor: CurrentActor, accounts: Accounts, data: JSONBody[ResetPasswordRequest]
    ) -> Envelope:
        await accounts.reset_password(actor, user_id, data.password)
        return Envelope()

    @post("/{user_id:int}/status", status_code=200)
    async def set_status(
        self, user_id: Int64Id, actor: CurrentActor, accounts: Accounts, data: JSONBody[StatusRequest]
    ) -> AdminUserResponse:
        return AdminUserResponse(data=AdminUser.of(await accounts.set_status(actor, user_id, data.status)))
