"""Revocation and expiry take effect at once in the process that made the change and for sessions
everywhere; another API process drops its remembered bearer auth when the event bus tells it
(docs/adr/0029), within seconds and at the latest after `token_auth_cache_ttl_s`. Sign-in failures
look the same and take similar time whether or not the account exists."""

from __future__ import annotations

import asyncio
import statistics
import time
from datetime import UTC, datetime, timedelta

from litestar.testing import AsyncTestClient
from sqlalchemy import update

from bootstrap.container import build_container
from bootstrap.runtime import Runtime
from bootstrap.settings import Settings
from infra.persistence.openauth import TokenRow
from infra.persistence.user import SessionRow
from tests.support.apps import client_with_routes
from tests.support.identity import ORIGIN, PASSWORD, create_user, new_email, sign_in

PAT = "/api/permission_api/pat"
# Long enough that only the event bus (not the TTL) can explain a refusal within EVENT_BOUND_S.
LONG_TTL = {"token_auth_cache_ttl_s": 60.0}
EVENT_BOUND_S = 10.0


async def _refused_within(client: AsyncTestClient, bearer: dict[str, str], seconds: float) -> bool:  # type: ignore[type-arg]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if (await client.get("/v1/users/me", headers=bearer)).status_code == 401:
            return True
        await asyncio.sleep(0.1)
    return False


async def _expire(settings: Settings, row: type[TokenRow] | type[SessionRow]) -> None:
    container = build_container(settings)
    runtime = Runtime(container, role="test")
    await runtime.start()
    try:
        async with container.core.database().engine.begin() as conn:
            await conn.execute(update(row).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    finally:
        await runtime.stop()


async def test_revoked_token_and_session_are_refused_by_another_process(settings: Settings) -> None:
    user = await create_user(settings)
    async with (
        client_with_routes(settings, [], **LONG_TTL) as first,
        client_with_routes(settings, [], **LONG_TTL) as second,
    ):
        await sign_in(first, user["email"])
        made = await first.post(
            f"{PAT}/create_personal_access_token_and_permission", json={"name": "t", "duration_day": "1"}
        )
        token, token_id = made.json()["data"]["token"], made.json()["data"]["personal_access_token"]["id"]
        bearer = {"authorization": f"Bearer {token}"}
        assert (await second.get("/v1/users/me", headers=bearer)).status_code == 200

        second.cookies.set("session_key", first.cookies["session_key"])
        second.headers["origin"] = ORIGIN
        assert (await second.post("/api/passport/account/info/v2/")).status_code == 200

        assert (await first.get("/v1/users/me", headers=bearer)).status_code == 200
        await first.post(f"{PAT}/delete_personal_access_token_and_permission", json={"id": token_id})
        assert (await first.get("/v1/users/me", headers=bearer)).status_code == 401  # at once here
        assert await _refused_within(second, bearer, EVENT_BOUND_S)  # through the event bus there
        await first.get("/api/passport/web/logout/")
        assert (await second.post("/api/passport/account/info/v2/")).status_code == 401


async def test_expired_token_and_session_are_refused(settings: Settings) -> None:
    """Expiry written into the database behind the services' back: seen at once with the token cache
    off (with it on, after its TTL; expiry by the clock is checked on every call, see
    tests/integration/test_token_auth_cache.py)."""
    user = await create_user(settings)
    async with client_with_routes(settings, [], token_auth_cache_ttl_s=0.0) as c:
        await sign_in(c, user["email"])
        made = await c.post(
            f"{PAT}/create_personal_access_token_and_permission", json={"name": "t", "duration_day": "1"}
        )
        bearer = {"authorization": f"Bearer {made.json()['data']['token']}"}
        assert (await c.get("/v1/users/me", headers=bearer)).status_code == 200
        await _expire(settings, TokenRow)
        assert (await c.get("/v1/users/me", headers=bearer)).json()["code"] == 4100
        await _expire(settings, SessionRow)
        assert (await c.post("/api/passport/account/info/v2/")).status_code == 401


async def test_disabled_user_loses_tokens_and_sessions(settings: Settings) -> None:
    user = await create_user(settings)
    admin = await create_user(settings, superuser=True)
    async with (
        client_with_routes(settings, [], **LONG_TTL) as c,
        client_with_routes(settings, [], **LONG_TTL) as a,
    ):
        await sign_in(c, user["email"])
        made = await c.post(
            f"{PAT}/create_personal_access_token_and_permission", json={"name": "t", "duration_day": "1"}
        )
        bearer = {"authorization": f"Bearer {made.json()['data']['token']}"}
        assert (await c.get("/v1/users/me", headers=bearer)).status_code == 200
        assert (await a.get("/v1/users/me", headers=bearer)).status_code == 200
        await sign_in(a, admin["email"])
        await a.post(f"/api/admin/users/{user['id']}/status", json={"status": "disabled"})
        assert (await a.get("/v1/users/me", headers=bearer)).status_code == 401  # at once here
        assert (await c.post("/api/passport/account/info/v2/")).status_code == 401
        assert await _refused_within(c, bearer, EVENT_BOUND_S)  # through the event bus there


async def test_unknown_email_and_wrong_password_take_similar_time(settings: Settings) -> None:
    user = await create_user(settings)
    login = "/api/passport/web/email/login/"
    async with client_with_routes(settings, []) as c:
        c.headers["origin"] = ORIGIN

        async def timed(email: str) -> float:
            started = time.perf_counter()
            r = await c.post(login, json={"email": email, "password": "wrong " + PASSWORD})
            assert r.status_code == 401
            return time.perf_counter() - started

        # Alternate so machine load hits both alike. 18 failures stay under the per-address throttle
        # (20); a good login between rounds resets the per-account one (5).
        known, unknown = [], []
        for _ in range(3):
            for _ in range(3):
                known.append(await timed(user["email"]))
                unknown.append(await timed(new_email()))
            await sign_in(c, user["email"])
    ratio = statistics.median(unknown) / statistics.median(known)
    # Without the dummy hash an unknown address answers ~100x faster; with it they are alike.
    assert 0.5 < ratio < 2.0, f"unknown/known median time ratio {ratio:.2f}"
