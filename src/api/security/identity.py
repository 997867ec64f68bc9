"""Reading the caller from the request: client address, bearer token, session cookie."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.di import NamedDependency

from api.context import request_context
from application.common.actor import Actor, Origin
from domain.user.errors import SessionInvalid

SESSION_COOKIE = "session_key"


def client_ip(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    client = connection.scope.get("client")
    return str(client[0]) if client else ""


def origin_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Origin:
    return Origin(ip=client_ip(connection), user_agent=connection.headers.get("user-agent", "")[:255])


def bearer(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    header = connection.headers.get("authorization")
    if header is None:
        return None
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def is_public(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    handler = connection.scope.get("route_handler")
    return bool(handler is not None and handler.opt.get("public"))


def csrf_checked(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    """Writes are Origin-checked unless the route opts out (signed links carry their own proof)."""
    handler = connection.scope.get("route_handler")
    return handler is None or handler.opt.get("csrf", True) is not False


async def current_actor(request: ASGIConnection[Any, Any, Any, Any]) -> Actor:
    """Litestar dependency: the authenticated caller (the guards have already refused anonymous calls)."""
    ctx = request_context(request.scope)
    principal = ctx.principal if ctx else None
    if not isinstance(principal, Actor):
        raise SessionInvalid()
    return principal


CurrentActor = NamedDependency[Actor]
