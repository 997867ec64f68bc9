"""Space invitations (SPA) and a workspace's members (token API), on SQLite and MariaDB."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from bootstrap.settings import Settings
from tests.support.identity import create_user, sign_in

INV = "/api/space/invitation"
PAT = "/api/permission_api/pat"
Client = AsyncTestClient  # type: ignore[type-arg]


async def _team(client: Client, name: str = "Team") -> str:
    made = await client.post("/api/playground_api/space/save", json={"name": name})
    space_id: str = made.json()["data"]["id"]
    return space_id


async def _members(client: Client, sid: str) -> dict[str, str]:
    listed = (await client.post("/api/space/member/list", json={"space_id": sid})).json()["data"]["members"]
    return {m["user_id"]: m["role_type"] for m in listed}


async def test_invite_by_email_accept_and_the_invitation_is_closed(
    anon_client: Client, settings: Settings
) -> None:
    owner, guest, stranger = [await create_user(settings) for _ in range(3)]
    await sign_in(anon_client, owner["email"])
    sid = await _team(anon_client)
    made = await anon_client.post(f"{INV}/create", json={"space_id": sid, "email": guest["email"].upper()})
    assert made.status_code == 200, made.text
    invitation = made.json()["data"]
    assert (invitation["status"], invitation["role_type"], invitation["user_id"]) == (
        "pending",
        "member",
        str(guest["id"]),
    )
    again = await anon_client.post(f"{INV}/create", json={"space_id": sid, "user_id": str(guest["id"])})
    assert again.status_code == 409 and again.json()["msg"].startswith("this user already has a pending")
    pending = (await anon_client.post(f"{INV}/list", json={"space_id": sid})).json()["data"]
    assert [i["invitation_id"] for i in pending] == [invitation["invitation_id"]]

    # Someone else's invitation reads as not found, to accept, decline or list.
    await sign_in(anon_client, stranger["email"])
    ref = {"invitation_id": invitation["invitation_id"]}
    assert (await anon_client.post(f"{INV}/accept", json=ref)).status_code == 404
    assert (await anon_client.post(f"{INV}/decline", json=ref)).status_code == 404
    assert (await anon_client.post(f"{INV}/revoke", json=ref)).status_code == 404
    assert (await anon_client.post(f"{INV}/list", json={"space_id": sid})).status_code == 404
    assert (await anon_client.post(f"{INV}/mine")).json()["data"] == []

    await sign_in(anon_client, guest["email"])
    mine = (await anon_client.post(f"{INV}/mine")).json()["data"]
    assert [(i["space_id"], i["space_name"]) for i in mine] == [(sid, "Team")]
    accepted = await anon_client.post(f"{INV}/accept", json=ref)
    assert accepted.status_code == 200 and accepted.json()["data"]["status"] == "accepted"
    assert (await _members(anon_client, sid))[str(guest["id"])] == "member"
    twice = await anon_client.post(f"{INV}/decline", json=ref)
    assert twice.status_code == 409 and "accepted" in twice.json()["msg"]
    assert (await anon_client.post(f"{INV}/mine")).json()["data"] == []


async def test_decline_revoke_and_who_may_invite(anon_client: Client, settings: Settings) -> None:
    owner, member, guest = [await create_user(settings) for _ in range(3)]
    await sign_in(anon_client, owner["email"])
    sid = await _team(anon_client)
    await anon_client.post("/api/space/member/add", json={"space_id": sid, "user_id": str(member["id"])})
    to_guest = (
        await anon_client.post(f"{INV}/create", json={"space_id": sid, "email": guest["email"]})
    ).json()

    await sign_in(anon_client, member["email"])
    refused = await anon_client.post(f"{INV}/create", json={"space_id": sid, "user_id": str(owner["id"])})
    assert refused.status_code == 403  # a plain member may not invite
    assert (await anon_client.post(f"{INV}/list", json={"space_id": sid})).status_code == 403

    await sign_in(anon_client, guest["email"])
    declined = await anon_client.post(
        f"{INV}/decline", json={"invitation_id": to_guest["data"]["invitation_id"]}
    )
    assert declined.json()["data"]["status"] == "declined"
    assert str(guest["id"]) not in await _members_as(anon_client, settings, owner, sid)

    await sign_in(anon_client, owner["email"])
    second = (await anon_client.post(f"{INV}/create", json={"space_id": sid, "email": guest["email"]})).json()
    revoked = await anon_client.post(f"{INV}/revoke", json={"invitation_id": second["data"]["invitation_id"]})
    assert revoked.status_code == 200
    await sign_in(anon_client, guest["email"])
    assert (await anon_client.post(f"{INV}/mine")).json()["data"] == []
    late = await anon_client.post(f"{INV}/accept", json={"invitation_id": second["data"]["invitation_id"]})
    assert late.status_code == 409 and "revoked" in late.json()["msg"]


async def _members_as(client: Client, settings: Settings, who: dict[str, Any], sid: str) -> dict[str, str]:
    await sign_in(client, who["email"])
    return await _members(client, sid)


async def test_bad_invitations_are_refused_and_write_nothing(anon_client: Client, settings: Settings) -> None:
    owner, guest = await create_user(settings), await create_user(settings)
    me = await sign_in(anon_client, owner["email"])
    sid = await _team(anon_client)
    personal = (await anon_client.post("/api/playground_api/space/list", json={})).json()["data"]
    personal_id = next(s["id"] for s in personal["bot_space_list"] if s["space_type"] == 1)
    cases: list[tuple[dict[str, Any], int]] = [
        ({"space_id": sid}, 400),  # neither user_id nor email
        ({"space_id": sid, "user_id": str(guest["id"]), "email": guest["email"]}, 400),  # both
        ({"space_id": sid, "email": "nobody@example.com"}, 404),
        ({"space_id": sid, "email": "not an address"}, 404),
        ({"space_id": sid, "email": guest["email"], "role": "owner"}, 403),  # that is a transfer
        ({"space_id": sid, "email": guest["email"], "expire_days": 31}, 400),
        ({"space_id": sid, "email": guest["email"], "expire_days": "7"}, 400),
        ({"space_id": sid, "user_id": me["user_id_str"]}, 409),  # already a member
        ({"space_id": personal_id, "email": guest["email"]}, 400),  # personal spaces are private
        ({"space_id": "123456789", "email": guest["email"]}, 404),
        ({"space_id": sid, "email": "x" * 300 + "@example.com"}, 400),
    ]
    for body, status in cases:
        r = await anon_client.post(f"{INV}/create", json=body)
        assert r.status_code == status, (body, r.text)
    assert (await anon_client.post(f"{INV}/list", json={"space_id": sid})).json()["data"] == []
    for bad in ({"invitation_id": "abc"}, {}, {"invitation_id": "1", "extra": 1}):
        assert (await anon_client.post(f"{INV}/accept", json=bad)).status_code == 400


async def test_direct_add_closes_an_open_invitation(anon_client: Client, settings: Settings) -> None:
    owner, guest = await create_user(settings), await create_user(settings)
    await sign_in(anon_client, owner["email"])
    sid = await _team(anon_client)
    await anon_client.post(f"{INV}/create", json={"space_id": sid, "email": guest["email"], "role": "admin"})
    await anon_client.post("/api/space/member/add", json={"space_id": sid, "user_id": str(guest["id"])})
    assert (await anon_client.post(f"{INV}/list", json={"space_id": sid})).json()["data"] == []
    await sign_in(anon_client, guest["email"])
    assert (await anon_client.post(f"{INV}/mine")).json()["data"] == []


async def test_workspace_members_over_the_token_api(anon_client: Client, settings: Settings) -> None:
    owner, a, b = [await create_user(settings) for _ in range(3)]
    await sign_in(anon_client, owner["email"])
    sid = await _team(anon_client)

    async def bearer(scopes: list[str]) -> dict[str, str]:
        r = await anon_client.post(
            f"{PAT}/create_personal_access_token_and_permission",
            json={"name": "t", "duration_day": "1", "scopes": scopes},
        )
        return {"authorization": f"Bearer {r.json()['data']['token']}"}

    writer = await bearer(["workspace:read", "workspace:write"])
    url = f"/v1/workspaces/{sid}/members"
    body = {"users": [{"user_id": str(a["id"]), "role_type": "admin"}, {"user_id": "999999999"}]}
    added = (await anon_client.post(url, json=body, headers=writer)).json()
    assert added["code"] == 0 and added["data"]["added_success_user_ids"] == [str(a["id"])]
    assert added["data"]["not_exist_user_ids"] == ["999999999"]
    again = (await anon_client.post(url, json={"users": [{"user_id": str(a["id"])}]}, headers=writer)).json()
    assert again["data"]["already_joined_user_ids"] == [str(a["id"])]

    page = (await anon_client.get(url, params={"page_size": 1}, headers=writer)).json()["data"]
    assert (len(page["items"]), page["total_count"], page["has_more"]) == (1, 2, True)

    reader = await bearer(["workspace:read"])
    refused = await anon_client.post(url, json={"users": [{"user_id": str(b["id"])}]}, headers=reader)
    assert refused.status_code == 403 and refused.json()["code"] == 4101
    too_many = {"users": [{"user_id": str(i)} for i in range(1, 22)]}
    assert (await anon_client.post(url, json=too_many, headers=writer)).status_code == 400

    removed = (
        await anon_client.request(
            "DELETE", url, json={"user_ids": [str(a["id"]), str(b["id"]), str(owner["id"])]}, headers=writer
        )
    ).json()["data"]
    assert removed == {
        "removed_success_user_ids": [str(a["id"])],
        "not_in_workspace_user_ids": [str(b["id"])],
        "owner_not_support_remove_user_ids": [str(owner["id"])],
    }
    other = await anon_client.get("/v1/workspaces/123456789/members", headers=writer)
    assert other.status_code == 404 and other.json()["code"] == 4200
