"""The permission console API (roles, template, grants) on SQLite and MariaDB, and its effect on spaces."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar.testing import AsyncTestClient

from bootstrap.http import build_asgi
from bootstrap.settings import Settings
from tests.support.apps import client_with_routes
from tests.support.identity import create_user, sign_in

ROLE = "/api/permission_api/role"
USER = "/api/permission_api/user"
Client = AsyncTestClient  # type: ignore[type-arg]


def ok(r: Any) -> Any:
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["code"] == 0, body
    return body.get("data")


async def eventually(c: Client, path: str, body: dict[str, Any], status: int, within_s: float = 15.0) -> Any:
    """`client` and `c` are two app instances on one database: a policy change made through one
    reaches the other through the event bus (the outbox tail here), not at once."""
    deadline = asyncio.get_running_loop().time() + within_s
    while True:
        r = await c.post(path, json=body)
        if r.status_code == status or asyncio.get_running_loop().time() > deadline:
            assert r.status_code == status, r.text
            return r
        await asyncio.sleep(0.1)


async def team_space(c: Client, owner_email: str, *members: tuple[int, str]) -> str:
    await sign_in(c, owner_email)
    space_id: str = ok(await c.post("/api/playground_api/space/save", json={"name": "Team"}))["id"]
    for user_id, role in members:
        ok(
            await c.post(
                "/api/space/member/add", json={"space_id": space_id, "user_id": str(user_id), "role": role}
            )
        )
    return space_id


async def test_template_and_builtin_roles(client: Client) -> None:
    groups = ok(await client.post("/api/permission_api/template/list"))
    assert [g["domain"] for g in groups] == ["global", "space"]
    space_resources = {r["resource"] for r in groups[1]["resources"]}
    assert {
        "agent",
        "workflow",
        "knowledge",
        "plugin",
        "database",
        "file",
        "space",
        "member",
    } <= space_resources
    assert "model" not in space_resources and "permission" not in space_resources
    only_space = ok(await client.post("/api/permission_api/template/list", json={"domain": "space"}))
    assert [g["domain"] for g in only_space] == ["space"]

    listed = ok(await client.post(f"{ROLE}/list", json={"is_builtin": True}))
    assert [r["role_code"] for r in listed["roles"]] == [
        "super_admin",
        "space_owner",
        "space_admin",
        "space_member",
    ]
    assert listed["total"] == 4
    member = ok(await client.post(f"{ROLE}/get", json={"id": "4"}))
    assert member["is_builtin"] and member["domain"] == "space" and isinstance(member["id"], str)
    assert {"resource": "agent", "action": "read", "effect": "allow", "object_id": "*"} in member[
        "permissions"
    ]


async def test_role_lifecycle_and_audit(client: Client, settings: Settings) -> None:
    user = await create_user(settings)
    made = ok(
        await client.post(
            f"{ROLE}/create",
            json={
                "role_code": "reviewer",
                "role_name": "Reviewer",
                "domain": "global",
                "permissions": [
                    {"resource": "agent", "action": "read"},
                    {"resource": "agent", "action": "delete", "effect": "deny"},
                ],
            },
        )
    )
    role_id = made["id"]
    assert made["is_builtin"] is False and made["created_by"]
    dup = await client.post(f"{ROLE}/create", json={"role_code": "reviewer", "role_name": "Again"})
    assert dup.status_code == 409 and dup.json()["code"] == 4090

    updated = ok(
        await client.post(
            f"{ROLE}/update",
            json={
                "id": role_id,
                "role_name": "Agent reviewer",
                "permissions": [{"resource": "workflow", "action": "*"}],
            },
        )
    )
    assert updated["role_name"] == "Agent reviewer"
    assert updated["permissions"] == [
        {"resource": "workflow", "action": "*", "effect": "allow", "object_id": "*"}
    ]
    found = ok(await client.post(f"{ROLE}/list", json={"keyword": "review"}))
    assert [r["id"] for r in found["roles"]] == [role_id]

    granted = ok(
        await client.post(
            f"{USER}/assign_roles",
            json={"user_id": str(user["id"]), "role_ids": [role_id], "expires_at": 4_102_444_800},
        )
    )
    assert granted[0]["role_code"] == "reviewer" and granted[0]["expires_at"] == 4_102_444_800
    roles = ok(await client.post(f"{USER}/roles", json={"user_id": str(user["id"])}))
    assert [(r["role_code"], r["domain"], r["derived"]) for r in roles] == [("reviewer", "global", False)]

    in_use = await client.post(f"{ROLE}/delete", json={"id": role_id})
    assert in_use.status_code == 409
    removed = ok(
        await client.post(f"{USER}/unassign_roles", json={"user_id": str(user["id"]), "role_ids": [role_id]})
    )
    assert removed == {"removed": 1}
    ok(await client.post(f"{ROLE}/delete", json={"id": role_id}))
    assert (await client.post(f"{ROLE}/get", json={"id": role_id})).status_code == 404

    audit = ok(await client.get("/api/admin/audit/list", params={"page_size": 50}))
    actions = [e["action"] for e in audit["items"]]
    for action in (
        "permission.role.create",
        "permission.role.update",
        "permission.grant",
        "permission.revoke",
        "permission.role.delete",
    ):
        assert action in actions, actions


async def test_builtin_roles_are_protected_and_derived_roles_not_grantable(
    client: Client, settings: Settings
) -> None:
    user = await create_user(settings)
    assert (await client.post(f"{ROLE}/delete", json={"id": "2"})).status_code == 409
    assert (await client.post(f"{ROLE}/update", json={"id": "1", "permissions": []})).status_code == 409
    assert (await client.post(f"{ROLE}/update", json={"id": "3", "is_disabled": True})).status_code == 409
    grant = await client.post(f"{USER}/assign_roles", json={"user_id": str(user["id"]), "role_ids": ["1"]})
    assert grant.status_code == 400 and "super_admin" in grant.json()["msg"]
    me = ok(await client.post(f"{ROLE}/list", json={"keyword": "space_owner"}))["roles"][0]
    assert me["role_code"] == "space_owner"


async def test_superuser_role_is_listed_as_derived(client: Client, settings: Settings) -> None:
    admin = await create_user(settings, superuser=True)
    roles = ok(await client.post(f"{USER}/roles", json={"user_id": str(admin["id"])}))
    assert roles == [
        {
            "role_id": "1",
            "role_code": "super_admin",
            "role_name": "Super admin",
            "domain": "global",
            "derived": True,
            "assigned_by": "",
            "expires_at": 0,
            "granted_at": 0,
        }
    ]


async def test_user_console_reuses_accounts(client: Client, settings: Settings) -> None:
    user = await create_user(settings)
    listed = ok(await client.post(f"{USER}/list", json={"keyword": user["email"].split("@")[0]}))
    assert [u["user_id"] for u in listed["users"]] == [str(user["id"])]
    off = ok(await client.post(f"{USER}/status/update", json={"user_id": str(user["id"]), "is_disabled": 1}))
    assert off["is_disabled"] == 1
    ok(await client.post(f"{USER}/status/update", json={"user_id": str(user["id"]), "is_disabled": 0}))
    ok(
        await client.post(
            f"{USER}/reset_password", json={"user_id": str(user["id"]), "password": "a new pass 123"}
        )
    )
    async with client_with_routes(settings, []) as other:
        await sign_in(other, user["email"], "a new pass 123")


async def test_non_admins_are_refused(anon_client: Client, settings: Settings) -> None:
    user = await create_user(settings)
    calls = [
        (f"{ROLE}/list", {}),
        (f"{ROLE}/get", {"id": "1"}),
        (f"{ROLE}/create", {"role_code": "sneaky", "role_name": "x"}),
        (f"{ROLE}/update", {"id": "4", "permissions": []}),
        (f"{ROLE}/delete", {"id": "4"}),
        ("/api/permission_api/template/list", {}),
        (f"{USER}/list", {}),
        (f"{USER}/assign_roles", {"user_id": str(user["id"]), "role_ids": ["4"]}),
        (f"{USER}/unassign_roles", {"user_id": str(user["id"]), "role_ids": ["4"]}),
        (f"{USER}/roles", {"user_id": str(user["id"])}),
        (f"{USER}/status/update", {"user_id": str(user["id"]), "is_disabled": 1}),
        (f"{USER}/reset_password", {"user_id": str(user["id"]), "password": "x pass 12345"}),
    ]
    for path, body in calls:
        assert (await anon_client.post(path, json=body)).status_code == 401, path
    await sign_in(anon_client, user["email"])
    for path, body in calls:
        r = await anon_client.post(path, json=body)
        assert r.status_code == 403 and r.json()["code"] == 4101, (path, r.text)


async def test_bad_input(client: Client, settings: Settings) -> None:
    user = str((await create_user(settings))["id"])
    bad = [
        (f"{ROLE}/create", {"role_code": "x", "role_name": "short code"}),
        (f"{ROLE}/create", {"role_code": "Bad-Code", "role_name": "n"}),
        (f"{ROLE}/create", {"role_code": "okcode", "role_name": " "}),
        (f"{ROLE}/create", {"role_code": "okcode", "role_name": "n", "surprise": 1}),
        (f"{ROLE}/create", {"role_code": "okcode", "role_name": "n", "domain": "planet"}),
        (
            f"{ROLE}/create",
            {"role_code": "okcode", "role_name": "n", "permissions": [{"resource": "admin", "action": "*"}]},
        ),
        (
            f"{ROLE}/create",
            {
                "role_code": "okcode",
                "role_name": "n",
                "permissions": [{"resource": "agent", "action": "fly"}],
            },
        ),
        (
            f"{ROLE}/create",
            {
                "role_code": "okcode",
                "role_name": "n",
                "permissions": [{"resource": "agent", "action": "read", "object_id": "1 OR 1=1"}],
            },
        ),
        (f"{ROLE}/get", {"id": "abc"}),
        (f"{ROLE}/get", {"id": "99999999999999999999"}),
        (f"{USER}/assign_roles", {"user_id": user, "role_ids": []}),
        (f"{USER}/assign_roles", {"user_id": user, "role_ids": ["4"], "domain": "space:*"}),
        (f"{USER}/assign_roles", {"user_id": user, "role_ids": ["4"], "domain": "space:1; drop"}),
        (f"{USER}/assign_roles", {"user_id": user, "role_ids": ["4"], "expires_at": -5}),
        (f"{USER}/status/update", {"user_id": user, "is_disabled": 7}),
    ]
    for path, body in bad:
        r = await client.post(path, json=body)
        assert r.status_code == 400 and r.json()["code"] == 4000, (path, body, r.text)
    missing = await client.post(f"{USER}/assign_roles", json={"user_id": "123456789", "role_ids": ["4"]})
    assert missing.status_code == 404
    role = ok(await client.post(f"{ROLE}/create", json={"role_code": "spacey", "role_name": "n"}))
    wrong_kind = await client.post(f"{USER}/assign_roles", json={"user_id": user, "role_ids": [role["id"]]})
    assert wrong_kind.status_code == 400  # a space role granted in the global domain


async def test_space_rights_follow_roles(client: Client, settings: Settings) -> None:
    """SpaceService asks the checker: editing space_member or denying through a custom role changes
    what members and admins may do, without touching their membership."""
    owner, admin, member, newcomer = [await create_user(settings) for _ in range(4)]
    # A second app instance with its runtime resources (event bus included), on the same database.
    async with AsyncTestClient(app=build_asgi(settings)) as c:  # type: ignore[arg-type]
        space = await team_space(c, owner["email"], (admin["id"], "admin"), (member["id"], "member"))
        await sign_in(c, member["email"])
        invite = {"space_id": space, "user_id": str(newcomer["id"]), "role": "member"}
        assert (await c.post("/api/space/member/add", json=invite)).status_code == 403

        member_role = ok(await client.post(f"{ROLE}/get", json={"id": "4"}))
        extra = [*member_role["permissions"], {"resource": "member", "action": "create"}]
        ok(await client.post(f"{ROLE}/update", json={"id": "4", "permissions": extra}))
        await eventually(c, "/api/space/member/add", invite, 200)  # members may now invite

        no_invites = ok(
            await client.post(
                f"{ROLE}/create",
                json={
                    "role_code": "no_invites",
                    "role_name": "No invites",
                    "permissions": [{"resource": "member", "action": "create", "effect": "deny"}],
                },
            )
        )
        ok(
            await client.post(
                f"{USER}/assign_roles",
                json={
                    "user_id": str(admin["id"]),
                    "role_ids": [no_invites["id"]],
                    "domain": f"space:{space}",
                },
            )
        )
        await sign_in(c, admin["email"])
        again = {"space_id": space, "user_id": str(member["id"]), "role": "member"}
        refused = await eventually(c, "/api/space/member/add", again, 403)
        assert refused.json()["code"] == 4101  # deny beats space_admin's allow
        ok(
            await client.post(
                f"{USER}/unassign_roles",
                json={
                    "user_id": str(admin["id"]),
                    "role_ids": [no_invites["id"]],
                    "domain": f"space:{space}",
                },
            )
        )
        await eventually(c, "/api/space/member/add", again, 409)  # allowed again: already a member


async def test_an_admin_cannot_lock_themselves_out(client: Client) -> None:
    """Disabling one's own account or resetting one's own password from the console is refused
    (409): it would end the admin's sessions and tokens, perhaps with no other admin left."""
    me = ok(await client.post("/api/passport/account/info/v2/", json={}))["user_id_str"]
    refused = [
        await client.post(f"{USER}/status/update", json={"user_id": me, "is_disabled": 1}),
        await client.post(f"{USER}/reset_password", json={"user_id": me, "password": "another pass 99"}),
        await client.post(f"/api/admin/users/{me}/status", json={"status": "disabled"}),
        await client.post(f"/api/admin/users/{me}/reset_password", json={"password": "another pass 99"}),
    ]
    for r in refused:
        assert r.status_code == 409 and r.json()["code"] == 4090, r.text
    assert ok(await client.post("/api/passport/account/info/v2/", json={}))["user_id_str"] == me
    assert ok(await client.post(f"{USER}/status/update", json={"user_id": me, "is_disabled": 0}))
