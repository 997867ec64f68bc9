"""A member's role changed in place (/api/space/member/update), on SQLite and MariaDB: the owner makes
and unmakes admins, admins change nothing above a member, the owner's role moves by a transfer only."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from bootstrap.settings import Settings
from tests.support.identity import create_user, sign_in

UPDATE = "/api/space/member/update"
Client = AsyncTestClient  # type: ignore[type-arg]


async def _roles(client: Client, sid: str) -> dict[str, str]:
    listed = (await client.post("/api/space/member/list", json={"space_id": sid})).json()["data"]["members"]
    return {m["user_id"]: m["role_type"] for m in listed}


async def test_the_owner_promotes_and_demotes_and_admins_cannot(
    anon_client: Client, settings: Settings
) -> None:
    owner, alice, bob, stranger = [await create_user(settings) for _ in range(4)]
    await sign_in(anon_client, owner["email"])
    sid = (await anon_client.post("/api/playground_api/space/save", json={"name": "Team"})).json()["data"][
        "id"
    ]
    for user in (alice, bob):
        added = await anon_client.post(
            "/api/space/member/add", json={"space_id": sid, "user_id": str(user["id"])}
        )
        assert added.status_code == 200, added.text

    promoted = await anon_client.post(
        UPDATE, json={"space_id": sid, "user_id": str(alice["id"]), "role": "admin"}
    )
    assert promoted.status_code == 200, promoted.text
    assert promoted.json()["data"]["role_type"] == "admin"
    assert (await _roles(anon_client, sid))[str(alice["id"])] == "admin"

    # The owner's role, or making a second owner, is a transfer: refused and nothing changes.
    for body in (
        {"space_id": sid, "user_id": str(owner["id"]), "role": "member"},
        {"space_id": sid, "user_id": str(bob["id"]), "role": "owner"},
    ):
        refused = await anon_client.post(UPDATE, json=body)
        assert refused.status_code == 403, refused.text
    assert (await _roles(anon_client, sid)) == {
        str(owner["id"]): "owner",
        str(alice["id"]): "admin",
        str(bob["id"]): "member",
    }

    # An admin may not make another admin, nor unmake one (themselves included).
    await sign_in(anon_client, alice["email"])
    for body in (
        {"space_id": sid, "user_id": str(bob["id"]), "role": "admin"},
        {"space_id": sid, "user_id": str(alice["id"]), "role": "member"},
    ):
        assert (await anon_client.post(UPDATE, json=body)).status_code == 403
    await sign_in(anon_client, owner["email"])
    demoted = await anon_client.post(
        UPDATE, json={"space_id": sid, "user_id": str(alice["id"]), "role": "member"}
    )
    assert demoted.status_code == 200 and demoted.json()["data"]["role_type"] == "member"

    # Someone who is not a member, an unknown role, and another person's space.
    gone = await anon_client.post(
        UPDATE, json={"space_id": sid, "user_id": str(stranger["id"]), "role": "admin"}
    )
    assert gone.status_code == 404
    bad = await anon_client.post(UPDATE, json={"space_id": sid, "user_id": str(bob["id"]), "role": "root"})
    assert bad.status_code == 400 and bad.json()["code"] == 4000
    await sign_in(anon_client, stranger["email"])
    foreign = await anon_client.post(
        UPDATE, json={"space_id": sid, "user_id": str(bob["id"]), "role": "admin"}
    )
    assert foreign.status_code == 404
    await sign_in(anon_client, owner["email"])
    assert (await _roles(anon_client, sid))[str(bob["id"])] == "member"


async def test_a_personal_space_has_no_roles_to_change(anon_client: Client, settings: Settings) -> None:
    owner = await create_user(settings)
    await sign_in(anon_client, owner["email"])
    spaces = (await anon_client.post("/api/playground_api/space/list", json={})).json()["data"][
        "bot_space_list"
    ]
    personal = next(s["id"] for s in spaces if s["space_type"] == 1)
    refused = await anon_client.post(
        UPDATE, json={"space_id": personal, "user_id": str(owner["id"]), "role": "admin"}
    )
    assert refused.status_code == 400 and refused.json()["code"] == 4000
