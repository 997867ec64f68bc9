"""API conventions: log ids, envelopes, i18n, CORS, gzip, guard positions, health and metrics."""

from __future__ import annotations

import asyncio
import gzip
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar import get
from litestar.connection import ASGIConnection
from litestar.response import ServerSentEvent
from litestar.testing import AsyncTestClient

from api.context import RequestContext
from api.middleware.guards import GuardSet, LocaleGuard
from application.common.actor import Actor
from bootstrap.settings import Settings
from domain.common.errors import PermissionDenied, Unauthenticated
from tests.support.apps import client_with_routes

LOG_ID = re.compile(r"^20\d{12}[0-9A-F]{16}$")


@get("/api/test/boom", sync_to_thread=False)
def boom() -> None:
    raise RuntimeError("secret detail /etc/passwd SELECT * FROM users")


@get("/api/test/big", sync_to_thread=False)
def big() -> dict[str, str]:
    return {"text": "cozeplus " * 2000}


@get("/api/test/stream")
async def stream() -> ServerSentEvent:
    async def events() -> AsyncIterator[str]:
        for i in range(3):
            yield "x" * 2000 + str(i)
            await asyncio.sleep(0)

    return ServerSentEvent(events(), event_type="message")


@get("/v1/test/echo", sync_to_thread=False)
def token_echo() -> dict[str, Any]:
    return {"code": 0, "msg": "", "data": None}


# The admin services ask who calls (a second line behind the guard), so the stand-in auth positions
# sign every request in as a super admin.
ADMIN = Actor(user_id=1, is_superuser=True)


class AdminSession:
    """Stands in for session auth: these tests are about the chain, not about who is signed in."""

    async def __call__(self, connection: ASGIConnection[Any, Any, Any, Any], ctx: RequestContext) -> None:
        ctx.principal = ADMIN


class RecordingGuard:
    """A dummy guard: records its position and refuses when the request asks it to."""

    def __init__(self, position: str, seen: list[str], error: type[Exception]) -> None:
        self.position, self.seen, self.error = position, seen, error

    async def __call__(self, connection: ASGIConnection[Any, Any, Any, Any], ctx: RequestContext) -> None:
        self.seen.append(self.position)
        if connection.headers.get("x-test-deny") == self.position:
            raise self.error()
        if self.position in ("token_auth", "session_auth"):
            ctx.principal = ADMIN


def _client(settings: Settings, guards: GuardSet | None = None, **overrides: Any) -> AsyncTestClient:  # type: ignore[type-arg]
    # These tests are about the chain, not auth.
    unguarded = guards or GuardSet(session_auth=AdminSession(), i18n=LocaleGuard("en-US"))
    return client_with_routes(settings, [boom, big, stream, token_echo], unguarded, **overrides)


@pytest.fixture
async def client(sqlite_settings: Settings) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    async with _client(sqlite_settings) as c:
        yield c


@pytest.mark.parametrize(
    "path", ["/healthz", "/api/admin/settings", "/api/nowhere", "/v1/nowhere", "/static.js"]
)
async def test_every_response_has_a_log_id(client: AsyncTestClient, path: str) -> None:  # type: ignore[type-arg]
    r = await client.get(path)
    assert LOG_ID.match(r.headers["x-log-id"])
    assert r.headers["x-tt-logid"] == r.headers["x-log-id"]


async def test_log_ids_differ_per_request(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    ids = {(await client.get("/healthz")).headers["x-log-id"] for _ in range(20)}
    assert len(ids) == 20


@pytest.mark.parametrize(
    "path", ["/api/nope", "/v1/nope", "/v3/chat/nope", "/open_api/nope", "/api/admin/nope"]
)
async def test_unknown_api_routes_answer_a_json_404_envelope(client: AsyncTestClient, path: str) -> None:  # type: ignore[type-arg]
    r = await client.get(path)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["code"] == 4200 and body["data"] is None and body["detail"]["logid"] == r.headers["x-log-id"]


async def test_method_not_allowed_is_an_envelope(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    r = await client.delete("/api/admin/settings")
    assert r.status_code == 405 and r.json()["code"] == 4050


async def test_unhandled_exception_is_a_5000_envelope_without_details(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    r = await client.get("/api/test/boom")
    assert r.status_code == 500
    body = r.json()
    assert body["code"] == 5000
    assert body["detail"]["logid"] == r.headers["x-log-id"]
    for leak in ("secret", "passwd", "SELECT", "Traceback", "RuntimeError", ".py"):
        assert leak not in r.text


@pytest.mark.parametrize(
    ("header", "text"),
    [("zh-CN,zh;q=0.9", "接口不存在"), ("en-US", "no such API route"), (None, "no such API route")],
)
async def test_error_messages_follow_accept_language(
    client: AsyncTestClient, header: str | None, text: str
) -> None:  # type: ignore[type-arg]
    headers = {"accept-language": header} if header else {}
    assert (await client.get("/api/nope", headers=headers)).json()["msg"] == text


async def test_domain_error_message_is_localized(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    r = await client.get("/api/admin/settings/site.none", headers={"accept-language": "zh-CN"})
    assert r.json()["msg"] == "设置项 site.none 不存在"


async def test_gzip_for_large_json_never_for_event_streams(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    r = await client.get("/api/test/big", headers={"accept-encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip"
    assert r.json()["text"].startswith("cozeplus")
    small = await client.get("/healthz", headers={"accept-encoding": "gzip"})
    assert "content-encoding" not in small.headers

    async with client.stream("GET", "/api/test/stream", headers={"accept-encoding": "gzip"}) as s:
        assert s.headers["content-type"].startswith("text/event-stream")
        assert "content-encoding" not in s.headers
        raw = b"".join([chunk async for chunk in s.aiter_raw()])
    assert raw.count(b"data: x") == 3
    with pytest.raises(OSError, match="gzip"):
        gzip.decompress(raw)


async def test_cors_is_configurable(sqlite_settings: Settings) -> None:
    async with _client(sqlite_settings, cors_origins=["https://studio.example"]) as c:
        pre = await c.options(
            "/api/admin/settings",
            headers={"origin": "https://studio.example", "access-control-request-method": "PUT"},
        )
        assert pre.status_code in (200, 204)
        assert pre.headers["access-control-allow-origin"] == "https://studio.example"
        other = await c.get("/api/admin/settings", headers={"origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
        ok = await c.get("/api/admin/settings", headers={"origin": "https://studio.example"})
        assert ok.headers["access-control-allow-origin"] == "https://studio.example"
    async with _client(sqlite_settings) as c:  # no origins configured: no CORS headers at all
        r = await c.get("/api/admin/settings", headers={"origin": "https://studio.example"})
        assert "access-control-allow-origin" not in r.headers


async def test_guard_positions_run_in_order_per_surface(sqlite_settings: Settings) -> None:
    seen: list[str] = []
    guards = GuardSet(
        token_auth=RecordingGuard("token_auth", seen, Unauthenticated),
        session_auth=RecordingGuard("session_auth", seen, Unauthenticated),
        permission=RecordingGuard("permission", seen, PermissionDenied),
        i18n=RecordingGuard("i18n", seen, PermissionDenied),
    )
    async with _client(sqlite_settings, guards=guards) as c:
        await c.get("/v1/test/echo")
        assert seen == ["token_auth", "permission", "i18n"]
        seen.clear()
        await c.get("/api/admin/settings")
        assert seen == ["session_auth", "permission", "i18n"]
        seen.clear()

        denied = await c.get("/v1/test/echo", headers={"x-test-deny": "token_auth"})
        assert denied.status_code == 401 and denied.json()["code"] == 4100
        assert seen == ["token_auth"]  # nothing after a refusing guard runs
        seen.clear()
        forbidden = await c.get("/api/admin/settings", headers={"x-test-deny": "permission"})
        assert forbidden.status_code == 403 and forbidden.json()["code"] == 4101
        assert seen == ["session_auth", "permission"]
        # refused requests never reach the handler: nothing written
        blocked = await c.put(
            "/api/admin/settings/site.title", json={"value": 1}, headers={"x-test-deny": "permission"}
        )
        assert blocked.status_code == 403
        assert (await c.get("/api/admin/settings")).json()["data"]["settings"] == []


async def test_readyz_lists_the_database(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    r = await client.get("/readyz")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert body["components"]["database"]["adapter"] == "sqlite"
    assert body["components"]["database"]["ok"] is True


async def test_readyz_degraded_when_a_component_fails(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    class Broken:
        name = "vectorstore"
        adapter = "milvus"

        async def check(self) -> tuple[bool, str]:
            return False, "connection refused"

    app = client.cozeplus_app  # type: ignore[attr-defined]
    app.litestar.state.health_checks.append(Broken())  # type: ignore[attr-defined]
    r = await client.get("/readyz")
    assert r.status_code == 503
    body = r.json()
    assert body["status"] == "degraded"
    assert body["components"]["vectorstore"] == {
        "adapter": "milvus",
        "ok": False,
        "detail": "connection refused",
    }
    assert body["components"]["database"]["ok"] is True
    assert (await client.get("/healthz")).status_code == 200  # liveness is unaffected


async def test_metrics_by_route_template_and_status(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    await client.get("/api/admin/settings/site.a")
    await client.get("/api/admin/settings/site.b")
    await client.get("/api/nope")
    text = (await client.get("/metrics")).text
    assert (
        'cozeplus_http_requests_total{method="GET",route="/api/admin/settings/{key}",status="404"} 2.0'
        in text
    )
    assert 'route="<unmatched>",status="404"' in text
    assert "cozeplus_http_request_duration_seconds_bucket" in text
