"""Two API instances on one database, each remembering bearer auth for 60 s: a token revoked or an
account disabled through one is refused by the other within seconds, so only the event bus
(in-process: the outbox tail; NATS: a core subscription) can explain it (docs/adr/0029)."""

from __future__ import annotations

import asyncio

import pytest
from litestar.testing import AsyncTestClient

from bootstrap.http import build_asgi
from bootstrap.settings import Settings
from tests.integration.test_permission_cache import instance_settings
from tests.support.identity import create_user, sign_in

Client = AsyncTestClient  # type: ignore[type-arg]
PAT = "/api/permission_api/pat"


async def refused_within(c: Client, bearer: dict[str, str], within_s: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within_s
    while (r := await c.get("/v1/users/me", headers=bearer)).status_code != 401:
        assert loop.time() < deadline, f"still {r.status_code}"
        await asyncio.sleep(0.05)


@pytest.mark.parametrize("adapter", ["inprocess", pytest.param("nats", marks=pytest.mark.nats)])
async def test_revocation_and_disabling_reach_the_other_instance(settings: Settings, adapter: str) -> None:
    s = instance_settings(settings, adapter).model_copy(update={"token_auth_cache_ttl_s": 60.0})
    root = await create_user(s, superuser=True)
    users = [await create_user(s) for _ in range(2)]
    async with AsyncTestClient(app=build_asgi(s)) as first, AsyncTestClient(app=build_asgi(s)) as second:  # type: ignore[arg-type]
        bearers = []
        for user in users:
            await sign_in(first, user["email"])
            made = await first.post(
                f"{PAT}/create_personal_access_token_and_permission", json={"name": "t", "duration_day": "1"}
            )
            data = made.json()["data"]
            bearer = {"authorization": f"Bearer {data['token']}"}
            bearers.append((bearer, data["personal_access_token"]["id"]))
        for bearer, _ in bearers:
            assert (await second.get("/v1/users/me", headers=bearer)).status_code == 200  # remembered

        revoked, token_id = bearers[0]
        await sign_in(first, users[0]["email"])
        await first.post(f"{PAT}/delete_personal_access_token_and_permission", json={"id": token_id})
        await refused_within(second, revoked)

        disabled, _ = bearers[1]
        assert (await second.get("/v1/users/me", headers=disabled)).status_code == 200
        await sign_in(first, root["email"])
        r = await first.post(f"/api/admin/users/{users[1]['id']}/status", json={"status": "disabled"})
        assert r.status_code == 200, r.text
        await refused_within(second, disabled)
