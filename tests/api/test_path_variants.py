"""Every route of the app, every spelling of its path, every kind of caller: access follows the route.

Generated from the application's route table, so a route added later is covered without editing
this file. Requests go to the ASGI app as raw scopes built the way uvicorn builds them (the path
decoded, `raw_path` as sent), because an HTTP client library would tidy `/./`, `x/../` and
escapes away before they reach the server.

For each route:
- non-canonical spellings (doubled slashes, dot segments, escapes, `;` parameters, case variants,
  NUL, backslash) are refused before routing (400 / 4000, no guard ran), whoever asks;
- the canonical path and its one equivalent (a trailing slash) answer an anonymous caller with a
  refusal on every non-public route, a plain user with a refusal on every admin route, a session
  cookie alone with 4100 on every token-API route and a bearer token alone with a refusal on every
  cookie route — and in none of these cases does the request pass the guard chain.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import orjson
import pytest
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler

from api.context import SCOPE_KEY, RequestContext
from bootstrap.settings import Settings
from tests.api.test_route_security import ADMIN_ONLY
from tests.support.apps import client_with_routes
from tests.support.asgi import raw_request
from tests.support.identity import ORIGIN, create_user, sign_in

TOKEN_PREFIXES = ("/v1/", "/v3/", "/open_api/")
ADMIN_PREFIXES = ("/api/admin/", "/admin/")
LAST_GUARD = "i18n"  # the chain's last position: a request that passed it reaches the handler


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any] | None
    trail: tuple[str, ...]

    @property
    def passed_guards(self) -> bool:
        return LAST_GUARD in self.trail


async def ask(app: Any, method: str, raw_path: bytes, headers: dict[str, str]) -> Answer:
    """One request as a raw ASGI scope, with the request context kept for inspection."""
    body = b"{}" if method in ("POST", "PUT", "PATCH") else b""
    header_list = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    if not body:
        header_list.append((b"content-length", b"0"))
    answer = await raw_request(app, method, raw_path, header_list, body)
    try:
        parsed = orjson.loads(answer.body) if answer.body else None
    except orjson.JSONDecodeError:
        parsed = None
    ctx: RequestContext | None = answer.scope.get(SCOPE_KEY)
    trail = tuple(ctx.trail if ctx else ())
    return Answer(answer.status, parsed if isinstance(parsed, dict) else None, trail)


def routes(app: Litestar) -> list[tuple[str, str, HTTPRouteHandler]]:
    found = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if isinstance(handler, HTTPRouteHandler):
                found.extend(
                    (method, route.path, handler)
                    for method in sorted(handler.http_methods)
                    if method not in ("HEAD", "OPTIONS")
                )
    return sorted(found, key=lambda f: (f[1], f[0]))


def concrete(template: str) -> str:
    path = re.sub(r"{\w+:int}", "1", template)
    path = re.sub(r"{\w+:path}", "probe/key", path)
    return re.sub(r"{\w+(?::\w+)?}", "probe", path)


def equivalent_spellings(path: str) -> list[str]:
    """The canonical path and the one variant the platform treats as the same (a trailing slash)."""
    return [path, path + "/"]


def non_canonical_spellings(path: str) -> list[str]:
    """Ways to write `path` that a router might fold into it; every one must be refused."""
    if path == "/":
        return ["//", "/./", "/%2e/", "/%2E%2E/", "/;x=1", "/%00", "/%5c", "/\\"]
    segments = path.strip("/").split("/")
    head, tail = "/".join(segments[:-1]), segments[-1]
    head = f"/{head}" if head else ""
    first = segments[0]
    rest = "/" + "/".join(segments[1:]) if len(segments) > 1 else ""
    spellings = [
        "/" + path,  # leading doubled slash
        path.replace("/", "//"),  # every slash doubled
        f"{head}//{tail}",
        path + "//",
        f"{head}/./{tail}",
        f"{head}/probe/../{tail}",
        f"{head}/%2e/{tail}",
        f"{head}/%2E%2E/{tail}" if head else f"/%2e%2e{path}",
        f"/{first}%2F{rest.lstrip('/')}" if rest else f"{path}%2f",
        f"/{first}%2f{rest.lstrip('/')}" if rest else f"{path}%2F",
        f"/%{ord(first[0]):02x}{first[1:]}{rest}",  # a percent-encoded letter
        f"{head}/{tail}%00",
        f"{head}/{tail}%5c",
        f"{head}\\{tail}",
        path + ";x=1",
        f"/{first};x=1{rest}",
        path.upper(),
        f"/{first[0].upper()}{first[1:]}{rest}",
    ]
    return list(dict.fromkeys(s for s in spellings if s != path and s != path + "/"))


@dataclass
class Callers:
    app: Any
    cookie: str
    bearer: str

    def anonymous(self) -> dict[str, str]:
        return {"origin": ORIGIN}

    def plain_user(self) -> dict[str, str]:
        return {"origin": ORIGIN, "cookie": f"session_key={self.cookie}"}

    def bearer_only(self) -> dict[str, str]:
        return {"origin": ORIGIN, "authorization": f"Bearer {self.bearer}"}


@pytest.fixture
async def callers(sqlite_settings: Settings) -> AsyncIterator[Callers]:
    user = await create_user(sqlite_settings)
    async with client_with_routes(sqlite_settings, []) as c:
        await sign_in(c, user["email"])
        made = await c.post(
            "/api/permission_api/pat/create_personal_access_token_and_permission",
            json={"name": "variants", "duration_day": "1"},
        )
        assert made.status_code == 200, made.text
        yield Callers(c.cozeplus_app, c.cookies["session_key"], made.json()["data"]["token"])


def is_admin_route(path: str) -> bool:
    return path.startswith(ADMIN_PREFIXES) or path.startswith(ADMIN_ONLY)


async def test_non_canonical_spellings_are_refused_before_routing(callers: Callers) -> None:
    app = callers.app
    checked = 0
    for method, template, _ in routes(app.litestar):
        path = concrete(template)
        for spelling in non_canonical_spellings(path):
            if template.startswith("/{") and spelling.lower() == path.lower():
                # The studio's fallback: another letter case is another client-side path (the same
                # page for every one), not a spelling of a route of ours.
                continue
            for headers in (callers.anonymous(), callers.plain_user(), callers.bearer_only()):
                answer = await ask(app, method, spelling.encode("latin-1"), headers)
                where = f"{method} {spelling!r} ({sorted(headers)})"
                assert not answer.passed_guards, f"{where} reached the handler"
                assert answer.trail == (), f"{where} was routed: {answer.trail}"
                if spelling in (path.upper(),) and not template.startswith("/api"):
                    assert answer.status in (400, 404), where  # no prefix of ours to recognise
                else:
                    assert answer.status == 400, f"{where} -> {answer.status}"
                    assert answer.body is not None and answer.body["code"] == 4000, where
                checked += 1
    assert checked > 1000  # the table really was walked


async def test_anonymous_callers_reach_only_public_routes(callers: Callers) -> None:
    app = callers.app
    for method, template, handler in routes(app.litestar):
        if handler.opt.get("public"):
            continue
        for spelling in equivalent_spellings(concrete(template)):
            answer = await ask(app, method, spelling.encode(), callers.anonymous())
            assert answer.status in (401, 403), f"{method} {spelling} -> {answer.status} {answer.body}"
            assert not answer.passed_guards, f"{method} {spelling} reached the handler"


async def test_plain_users_reach_no_admin_route(callers: Callers) -> None:
    app = callers.app
    probed = 0
    for method, template, handler in routes(app.litestar):
        if handler.opt.get("public") or not is_admin_route(template):
            continue
        for spelling in equivalent_spellings(concrete(template)):
            answer = await ask(app, method, spelling.encode(), callers.plain_user())
            assert answer.status == 403, f"{method} {spelling} -> {answer.status} {answer.body}"
            # Refused by the chain from the route's surface or declared right, before the handler.
            assert not answer.passed_guards, f"{method} {spelling} reached the handler"
            probed += 1
    assert probed >= 20


async def test_a_session_cookie_alone_opens_no_token_api_route(callers: Callers) -> None:
    app = callers.app
    probed = 0
    for method, template, handler in routes(app.litestar):
        if handler.opt.get("public") or not template.startswith(TOKEN_PREFIXES):
            continue
        for spelling in equivalent_spellings(concrete(template)):
            answer = await ask(app, method, spelling.encode(), callers.plain_user())
            assert answer.status == 401, f"{method} {spelling} -> {answer.status} {answer.body}"
            assert answer.body is not None and answer.body["code"] == 4100, f"{method} {spelling}"
            assert not answer.passed_guards
            probed += 1
    assert probed >= 20


async def test_a_bearer_token_alone_opens_no_cookie_route(callers: Callers) -> None:
    app = callers.app
    probed = 0
    for method, template, handler in routes(app.litestar):
        if handler.opt.get("public") or template.startswith(TOKEN_PREFIXES):
            continue
        for spelling in equivalent_spellings(concrete(template)):
            answer = await ask(app, method, spelling.encode(), callers.bearer_only())
            assert answer.status in (401, 403), f"{method} {spelling} -> {answer.status} {answer.body}"
            assert not answer.passed_guards
            probed += 1
    assert probed >= 40


async def test_the_same_request_spelled_canonically_still_works(callers: Callers) -> None:
    """The refusals above are about spelling, not a broken chain: the canonical forms are served."""
    app = callers.app
    me = await ask(app, "GET", b"/v1/users/me", callers.bearer_only())
    assert me.status == 200 and me.passed_guards
    spaces = await ask(app, "POST", b"/api/playground_api/space/list", callers.plain_user())
    assert spaces.status == 200, spaces.body
    trailing = await ask(app, "POST", b"/api/playground_api/space/list/", callers.plain_user())
    assert trailing.status == 200, trailing.body


async def test_guards_follow_the_route_even_where_the_router_folds_a_path(callers: Callers) -> None:
    """Second line: with the canonical-path refusal out of the way (the bare Litestar app), paths the
    router folds into a route (`//`, a trailing `//`) still get that route's guards."""
    router_only = callers.app.litestar
    for method, template, handler in routes(router_only):
        if handler.opt.get("public"):
            continue
        path = concrete(template)
        for spelling in ("/" + path, path.replace("/", "//"), path + "//"):
            if is_admin_route(template):
                answer = await ask(router_only, method, spelling.encode(), callers.plain_user())
                assert answer.status == 403, f"{method} {spelling} -> {answer.status}"
                assert not answer.passed_guards
            if template.startswith(TOKEN_PREFIXES):
                answer = await ask(router_only, method, spelling.encode(), callers.plain_user())
                assert answer.status == 401, f"{method} {spelling} -> {answer.status}"
                assert not answer.passed_guards
