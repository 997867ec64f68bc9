"""Per-route guard positions, run in this order: token auth, session auth, permission, i18n.

Each position holds a `Guard`. Until the identity context lands, the auth and permission positions
hold `Unguarded`, which admits every request and records that it did; the identity issue replaces
them through `GuardSet` at the composition root, without touching this chain.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from api.context import SCOPE_KEY, RequestContext, Surface, classify, new_log_id
from api.i18n import negotiate

POSITIONS = ("token_auth", "session_auth", "permission", "i18n")


class Guard(Protocol):
    async def __call__(self, connection: ASGIConnection[Any, Any, Any, Any], ctx: RequestContext) -> None:
        """Return to admit; raise a DomainError (Unauthenticated, PermissionDenied, ...) to refuse."""
        ...


class Unguarded:
    """Admits every request: the identity issue installs real authentication here."""

    def __init__(self, position: str) -> None:
        self.position = position

    async def __call__(self, connection: ASGIConnection[Any, Any, Any, Any], ctx: RequestContext) -> None:
        return None


class LocaleGuard:
    """The i18n position: chooses the response language once per request."""

    def __init__(self, default: str) -> None:
        self.default = default

    async def __call__(self, connection: ASGIConnection[Any, Any, Any, Any], ctx: RequestContext) -> None:
        # Read from the raw ASGI headers: building Litestar's header mapping for one value costs more
        # than the negotiation itself. ASGI servers deliver header names lower-cased.
        ctx.locale = negotiate(_raw_header(connection.scope, b"accept-language"), self.default)


def _raw_header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


@dataclass(slots=True)
class GuardSet:
    token_auth: Guard = field(default_factory=lambda: Unguarded("token_auth"))
    session_auth: Guard = field(default_factory=lambda: Unguarded("session_auth"))
    permission: Guard = field(default_factory=lambda: Unguarded("permission"))
    i18n: Guard = field(default_factory=lambda: LocaleGuard("en-US"))

    def chain(self, surface: Surface) -> Sequence[tuple[str, Guard]]:
        steps: list[tuple[str, Guard]] = []
        if surface is Surface.TOKEN_API:
            steps.append(("token_auth", self.token_auth))
        if surface is not Surface.TOKEN_API:  # deny by default: everything else needs a session or opt public
            steps.append(("session_auth", self.session_auth))
        steps.append(("permission", self.permission))
        steps.append(("i18n", self.i18n))
        return steps


def route_surface(scope: Scope) -> Surface:
    """The surface of the matched route's template (Litestar sets it before any middleware runs)."""
    template = scope.get("path_template")
    if not isinstance(template, str) or not template:
        return Surface.STATIC  # nothing matched a route template: no API handler will run
    return _template_surface(template)


@lru_cache(maxsize=4096)
def _template_surface(template: str) -> Surface:
    return classify(template)


class GuardMiddleware:
    """Runs the guard positions for the request's surface before the route handler."""

    def __init__(self, app: ASGIApp, guards: GuardSet) -> None:
        self.app = app
        self._chains = {surface: tuple(guards.chain(surface)) for surface in Surface}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        # Access is decided from the route the router matched, never from the path as sent: the
        # template is the route's one canonical spelling, whatever the client wrote (ADR 0005 §Paths).
        surface = route_surface(scope)
        ctx: RequestContext | None = scope.get(SCOPE_KEY)  # type: ignore[assignment]
        if ctx is None:  # app used without the outer chain (e.g. a bare test client)
            ctx = RequestContext(log_id=new_log_id(), surface=surface, started=0.0)
            scope[SCOPE_KEY] = ctx  # type: ignore[literal-required]
        ctx.surface = surface
        connection: ASGIConnection[Any, Any, Any, Any] = ASGIConnection(scope, receive)
        for position, guard in self._chains[ctx.surface]:
            await guard(connection, ctx)
            ctx.trail.append(position)
        await self.app(scope, receive, send)
