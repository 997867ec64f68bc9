"""Guards installed at the chain's positions by the composition root.

Routes are deny-by-default: a route is reachable without credentials only when its handler says
`opt={"public": True}`; the public routes are snapshot-tested.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from litestar.connection import ASGIConnection

from api.context import RequestContext, Surface
from api.security.access import ADMIN_SURFACE_RIGHT, declared_right
from api.security.identity import SESSION_COOKIE, bearer, client_ip, csrf_checked, is_public
from application.common.actor import Actor
from application.common.ratelimit import RateLimiter
from application.openauth.tokens import TokenService
from application.user.sessions import SessionService
from crossdomain.permission import PermissionChecker
from domain.common.errors import PermissionDenied
from domain.openauth.errors import TokenInvalid
from domain.user.errors import SessionInvalid

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfRefused(PermissionDenied):
    message_key = "security.csrf"


class TokenAuthGuard:
    def __init__(self, tokens: TokenService) -> None:
        self._tokens = tokens

    async def __call__(self, connection: ASGIConnection[Any, Any, Any, Any], ctx: RequestContext) -> None:
        if is_public(connection):
            return
        token = bearer(connection)
        if not token:
            raise TokenInvalid()
        ctx.principal = await self._tokens.authenticate(
            token, client_ip(connection), connection.headers.get("user-agent", "")[:255]
        )


class SessionAuthGuard:
    """Session cookie auth for the SPA and admin API, with an Origin/Referer check on writes."""

    def __init__(self, sessions: SessionService, trusted_origins: Iterable[str]) -> None:
        self._sessions = sessions
        self._trusted = {o.rstrip("/").lower() for o in trusted_origins}

    async def __call__(self, connection: ASGIConnection[Any, Any, Any, Any], ctx: RequestContext) -> None:
        cookie = connection.cookies.get(SESSION_COOKIE)
        if connection.scope.get("method", "GET") not in SAFE_METHODS and csrf_checked(connection):
            self._check_origin(connection, required=cookie is not None)
        if is_public(connection):
            return  # public routes never need the caller; resolving a cookie there only costs a lookup
        if cookie is None:
            raise SessionInvalid()
        actor = await self._sessions.resolve(cookie)
        ctx.principal = Actor(
            user_id=actor.user_id,
            is_superuser=actor.is_superuser,
            session_id=actor.session_id,
            ip=client_ip(connection),
            user_agent=connection.headers.get("user-agent", "")[:255],
        )

    def _check_origin(self, connection: ASGIConnection[Any, Any, Any, Any], *, required: bool) -> None:
        source = connection.headers.get("origin") or connection.headers.get("referer")
        if not source or source == "null":
            if required:
                raise CsrfRefused()
            return
        try:
            parts = urlsplit(source)
        except ValueError:  # e.g. an unbalanced IPv6 bracket: not an origin of ours
            raise CsrfRefused() from None
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        host = connection.headers.get("host", "").lower()
        if parts.netloc.lower() == host or origin in self._trusted:
            return
        raise CsrfRefused()


class PermissionGuard:
    """Coarse rules at the chain, from the matched route: rate limits for every authenticated caller;
    the admin surface for those the PermissionChecker allows to manage `admin` (super_admin only:
    the resource is not in the catalogue custom roles draw from); and the global right a route
    declares (api/security/access.py). Finer rules (space roles, token scopes) live in the
    application services, which know the resource; they also re-check the admin rights."""

    def __init__(self, limiter: RateLimiter | None = None, checker: PermissionChecker | None = None) -> None:
        self._limiter = limiter
        self._checker = checker

    async def __call__(self, connection: ASGIConnection[Any, Any, Any, Any], ctx: RequestContext) -> None:
        actor = ctx.principal
        if isinstance(actor, Actor) and self._limiter is not None:
            await self._limiter.check(actor)
        if is_public(connection):
            return
        right = declared_right(connection.scope.get("route_handler"))
        if right is None and ctx.surface is Surface.ADMIN:
            right = ADMIN_SURFACE_RIGHT
        if right is None:
            return
        if not isinstance(actor, Actor):
            raise PermissionDenied()
        if self._checker is None:
            allowed = actor.is_superuser
        else:
            allowed = await self._checker.check(actor, *right)
        if not allowed:
            raise PermissionDenied()
