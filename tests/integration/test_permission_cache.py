"""Two API instances on one database agree on permissions: a policy change made through one reaches
the other's cached checker through the event bus (in-process: the outbox tail; NATS: a core
subscription), long before the cache's own max age."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from bootstrap.http import build_asgi
from bootstrap.settings import Settings
from tests.support.identity import create_user, sign_in
from tests.support.servers import server_url

Client = AsyncTestClient  # type: ignore[type-arg]


def instance_settings(base: Settings, adapter: str) -> Settings:
    tag = uuid.uuid4().hex[:10]
    extra: dict[str, Any] = {}
    if adapter == "nats":
        extra = {
            "eventbus_url": server_url("COZEPLUS_TEST_NATS_URL"),
            "eventbus_stream": f"PERM_{tag}",
            "eventbus_subject_prefix": f"perm{tag}.events",
        }
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=base.data_dir,
        database_url=base.database_url,
        access_log=False,
        permission_cache_max_age_s=3600.0,  # only the event can explain a quick change
        eventbus_poll_interval_s=0.1,
        **extra,
    )


async def status_within(c: Client, body: dict[str, str], status: int, within_s: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within_s
    while True:
        r = await c.post("/api/space/member/add", json=body)
        if r.status_code == status:
            return
        assert loop.time() < deadline, f"still {r.status_code}: {r.text}"
        await asyncio.sleep(0.05)


@pytest.mark.parametrize("adapter", ["inprocess", "nats"])
async def test_policy_change_reaches_the_other_instance(settings: Settings, adapter: str) -> None:
    s = instance_settings(settings, adapter)
    root = await create_user(s, superuser=True)
    owner, admin, member = [await create_user(s) for _ in range(3)]
    async with AsyncTestClient(app=build_asgi(s)) as first, AsyncTestClient(app=build_asgi(s)) as second:  # type: ignore[arg-type]
        await sign_in(second, owner["email"])
        space = (await second.post("/api/playground_api/space/save", json={"name": "T"})).json()["data"]["id"]
        for user, role in ((admin, "admin"), (member, "member")):
            body = {"space_id": space, "user_id": str(user["id"]), "role": role}
            assert (await second.post("/api/space/member/add", json=body)).status_code == 200
        await sign_in(second, admin["email"])
        again = {"space_id": space, "user_id": str(member["id"]), "role": "member"}
        # Warm the second instance's cache: the admin may invite (the invitee is already a member: 409).
        assert (await second.post("/api/space/member/add", json=again)).status_code == 409

        await sign_in(first, root["email"])
        role = await first.post(
            "/api/permission_api/role/create",
            json={
                "role_code": "no_invites",
                "role_name": "No invites",
                "permissions": [{"resource": "member", "action": "create", "effect": "deny"}],
            },
        )
        role_id = role.json()["data"]["id"]
        grant = {"user_id": str(admin["id"]), "role_ids": [role_id], "domain": f"space:{space}"}
        assert (await first.post("/api/permission_api/user/assign_roles", json=grant)).status_code == 200
        await status_within(second, again, 403)

        assert (await first.post("/api/permission_api/user/unassign_roles", json=grant)).status_code == 200
        await status_within(second, again, 409)
