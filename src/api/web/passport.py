"""Sign-up, sign-in, sign-out and account info, on Coze Studio's passport paths."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import JSONBody

from api.envelope import Envelope
from api.schemas import id_str
from api.security.identity import SESSION_COOKIE, CurrentActor, origin_of
from application.user.accounts import AccountService
from application.user.dto import SignedIn, UserDTO
from application.user.sessions import SessionService

Accounts = NamedDependency[AccountService]
Sessions = NamedDependency[SessionService]


class PassportUser(msgspec.Struct):
    user_id_str: str
    name: str
    user_unique_name: str
    email: str
    description: str
    avatar_url: str
    screen_name: str
    locale: str
    user_create_time: int

    @classmethod
    def of(cls, u: UserDTO) -> PassportUser:
        return cls(
            id_str(u.id),
            u.name,
            u.unique_name,
            u.email,
            u.description,
            u.avatar_url,
            u.name,
            u.locale,
            int(u.created_at.timestamp()),
        )


class UserResponse(Envelope, kw_only=True):
    data: PassportUser


class LogoutResponse(Envelope, kw_only=True):
    redirect_url: str = "/"


class Credentials(msgspec.Struct, forbid_unknown_fields=True):
    email: str
    password: str


class RegisterRequest(Credentials, forbid_unknown_fields=True):
    name: str = ""


class PasswordChange(msgspec.Struct, forbid_unknown_fields=True):
    old_password: str
    new_password: str


def _cookie(request: Request[Any, Any, Any], value: str, max_age: int) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value=value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https" or request.app.state.get("cookie_secure", False),
    )


def _signed_in(request: Request[Any, Any, Any], signed: SignedIn) -> Response[UserResponse]:
    return Response(
        UserResponse(data=PassportUser.of(signed.user)),
        cookies=[_cookie(request, signed.cookie, signed.max_age_s)],
    )


@post("/api/passport/web/email/register/v2/", opt={"public": True}, status_code=200)
async def register(
    request: Request[Any, Any, Any], data: JSONBody[RegisterRequest], accounts: Accounts, sessions: Sessions
) -> Response[UserResponse]:
    origin = origin_of(request)
    await accounts.register(data.email, data.password, origin, data.name)
    return _signed_in(request, await sessions.login(data.email, data.password, origin))


@post("/api/passport/web/email/login/", opt={"public": True}, status_code=200)
async def login(
    request: Request[Any, Any, Any], data: JSONBody[Credentials], sessions: Sessions
) -> Response[UserResponse]:
    # A new random session on every sign-in (rotation): a cookie planted before login is worthless.
    return _signed_in(request, await sessions.login(data.email, data.password, origin_of(request)))


@get("/api/passport/web/logout/")
async def logout(
    request: Request[Any, Any, Any], actor: CurrentActor, sessions: Sessions
) -> Response[LogoutResponse]:
    await sessions.logout(actor)
    return Response(LogoutResponse(), cookies=[_cookie(request, "", 0)])


@post("/api/passport/account/info/v2/", status_code=200)
async def account_info(actor: CurrentActor, accounts: Accounts) -> UserResponse:
    return UserResponse(data=PassportUser.of(await accounts.get(actor.user_id)))


@post("/api/passport/password/change", status_code=200)
async def change_password(
    request: Request[Any, Any, Any], data: JSONBody[PasswordChange], actor: CurrentActor, accounts: Accounts
) -> Response[Envelope]:
    await accounts.change_password(actor, data.old_password, data.new_password)
    return Response(Envelope(), cookies=[_cookie(request, "", 0)])


ROUTES = [register, login, logout, account_info, change_password]
