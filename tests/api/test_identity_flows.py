"""Accounts, sessions, spaces and tokens through the HTTP API, on SQLite and MariaDB."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from bootstrap.settings import Settings
from tests.support.identity import ORIGIN, PASSWORD, create_user, new_email, sign_in

PAT = "/api/permission_api/pat"


async def register(client: AsyncTestClient, email: str, password: str = PASSWORD) -> Any:  # type: ignore[type-arg]
    client.headers["origin"] = ORIGIN  # a browser sends its origin with every write
    return await client.post(
        "/api/passport/web/email/register/v2/", json={"email": email, "password": password}
    )


async def test_register_signs_in_and_creates_a_personal_space(anon_client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    email = new_email()
    r = await register(anon_client, email)
    assert r.status_code == 200, r.text
    user = r.json()["data"]
    assert user["email"] == email and isinstance(user["user_id_str"], str)
    cookie = r.headers["set-cookie"]
    assert "session_key=" in cookie and "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    assert "Secure" not in cookie  # plain http here; https (or COZEPLUS_COOKIE_SECURE) adds it

    info = await anon_client.post("/api/passport/account/info/v2/", headers={"origin": ORIGIN})
    assert info.json()["data"]["user_id_str"] == user["user_id_str"]
    spaces = (await anon_client.post("/api/playground_api/space/list", json={})).json()["data"]
    assert spaces["has_personal_space"] is True
    assert [s["space_type"] for s in spaces["bot_space_list"]] == [1]
    assert spaces["bot_space_list"][0]["space_role_type"] == 1


async def test_duplicate_email_and_weak_password(anon_client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    email = new_email()
    assert (await register(anon_client, email)).status_code == 200
    anon_client.cookies.clear()
    again = await register(anon_client, email.upper())
    assert again.status_code == 409 and again.json()["code"] == 4090
    weak = await register(anon_client, new_email(), "12345678")
    assert weak.status_code == 400 and weak.json()["code"] == 4000
    bad = await register(anon_client, "not-an-email")
    assert bad.status_code == 400


async def test_registration_can_be_switched_off(settings: Settings) -> None:
    from tests.support.apps import client_with_routes

    async with client_with_routes(settings, [], allow_registration=False) as c:
        r = await register(c, new_email())
        assert r.status_code == 403 and r.json()["code"] == 4101


async def test_login_logout_and_rotation(anon_client: AsyncTestClient, settings: Settings) -> None:  # type: ignore[type-arg]
    user = await create_user(settings)
    await sign_in(anon_client, user["email"])
    first = anon_client.cookies["session_key"]
    await sign_in(anon_client, user["email"])
    second = anon_client.cookies["session_key"]
    assert first != second  # a fresh session on every sign-in

    anon_client.cookies.set("session_key", first)
    assert (await anon_client.post("/api/passport/account/info/v2/")).status_code == 200  # both live
    out = await anon_client.get("/api/passport/web/logout/")
    assert out.status_code == 200
    anon_client.cookies.set("session_key", first)
    refused = await anon_client.post("/api/passport/account/info/v2/")
    assert refused.status_code == 401 and refused.json()["code"] == 4100
    anon_client.cookies.set("session_key", second)
    assert (await anon_client.post("/api/passport/account/info/v2/")).status_code == 200


@pytest.mark.parametrize("cookie", ["garbage", "a.b", "x" * 300, "", "abc.0123456789abcdef0123456789abcdef"])
async def test_forged_cookies_are_refused(anon_client: AsyncTestClient, cookie: str) -> None:  # type: ignore[type-arg]
    anon_client.cookies.set("session_key", cookie)
    r = await anon_client.post("/api/passport/account/info/v2/", headers={"origin": ORIGIN})
    assert r.status_code == 401 and r.json()["code"] == 4100


async def test_wrong_password_and_unknown_email_look_the_same(
    anon_client: AsyncTestClient,
    settings: Settings,  # type: ignore[type-arg]
) -> None:
    user = await create_user(settings)
    login = "/api/passport/web/email/login/"
    wrong = await anon_client.post(
        login, json={"email": user["email"], "password": "wrong password 1"}, headers={"origin": ORIGIN}
    )
    unknown = await anon_client.post(
        login, json={"email": new_email(), "password": "wrong password 1"}, headers={"origin": ORIGIN}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["code"] == unknown.json()["code"] == 4100
    assert wrong.json()["msg"] == unknown.json()["msg"]
    assert "set-cookie" not in wrong.headers and "set-cookie" not in unknown.headers


async def test_login_is_throttled_per_account(anon_client: AsyncTestClient, settings: Settings) -> None:  # type: ignore[type-arg]
    user = await create_user(settings)
    body = {"email": user["email"], "password": "wrong password 1"}
    for _ in range(5):
        r = await anon_client.post("/api/passport/web/email/login/", json=body, headers={"origin": ORIGIN})
        assert r.status_code == 401
    throttled = await anon_client.post(
        "/api/passport/web/email/login/", json={**body, "password": PASSWORD}, headers={"origin": ORIGIN}
    )
    assert throttled.status_code == 429 and throttled.json()["code"] == 4008
    assert int(throttled.headers["retry-after"]) > 0


async def test_cross_site_writes_with_a_cookie_are_refused(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    put = "/api/admin/settings/site.title"
    evil = await client.put(put, json={"value": 1}, headers={"origin": "https://evil.example"})
    assert evil.status_code == 403 and evil.json()["code"] == 4101
    del client.headers["origin"]
    missing = await client.put(put, json={"value": 1})
    assert missing.status_code == 403
    referer = await client.put(put, json={"value": 1}, headers={"referer": f"{ORIGIN}/space/1"})
    assert referer.status_code == 200
    assert (await client.get("/api/admin/settings")).json()["data"]["settings"][0]["value"] == 1


async def test_password_change_revokes_sessions(anon_client: AsyncTestClient, settings: Settings) -> None:  # type: ignore[type-arg]
    user = await create_user(settings)
    await sign_in(anon_client, user["email"])
    r = await anon_client.post(
        "/api/passport/password/change",
        json={"old_password": "nope nope 1", "new_password": "another pass 2"},
    )
    # A wrong current password is a bad request, not an ended session: the browser stays signed in.
    assert (r.status_code, r.json()["code"]) == (400, 4000)
    assert r.json()["msg"] == "the current password is wrong"
    assert (await anon_client.post("/api/passport/account/info/v2/")).status_code == 200
    r = await anon_client.post(
        "/api/passport/password/change", json={"old_password": PASSWORD, "new_password": "another pass 2"}
    )
    assert r.status_code == 200
    assert (await anon_client.post("/api/passport/account/info/v2/")).status_code == 401
    await sign_in(anon_client, user["email"], "another pass 2")


async def test_admin_routes_need_a_super_admin(anon_client: AsyncTestClient, settings: Settings) -> None:  # type: ignore[type-arg]
    assert (await anon_client.get("/api/admin/users")).status_code == 401
    user = await create_user(settings)
    await sign_in(anon_client, user["email"])
    r = await anon_client.get("/api/admin/users")
    assert r.status_code == 403 and r.json()["code"] == 4101


async def test_admin_manages_users_and_reads_the_audit_log(
    client: AsyncTestClient, settings: Settings
) -> None:  # type: ignore[type-arg]
    made = await client.post("/api/admin/users", json={"email": new_email(), "password": PASSWORD})
    assert made.status_code == 200, made.text
    uid = made.json()["data"]["id"]
    assert (
        await client.post(f"/api/admin/users/{uid}/reset_password", json={"password": "fresh pass 77"})
    ).status_code == 200
    off = await client.post(f"/api/admin/users/{uid}/status", json={"status": "disabled"})
    assert off.json()["data"]["status"] == "disabled"
    listed = (await client.get("/api/admin/users", params={"q": "user"})).json()["data"]
    assert any(u["id"] == uid for u in listed["users"])

    audit = (await client.get("/api/admin/audit/list", params={"action": "admin.user.status"})).json()["data"]
    assert audit["total"] == 1 and audit["items"][0]["target_id"] == uid
    logins = (
        await client.get("/api/admin/audit/list", params={"action": "user.login", "result": "ok"})
    ).json()
    assert logins["data"]["total"] >= 1
    assert (await client.get("/api/admin/audit/list", params={"result": "maybe"})).status_code == 400


async def test_team_space_members_and_ownership(anon_client: AsyncTestClient, settings: Settings) -> None:  # type: ignore[type-arg]
    owner, other = await create_user(settings), await create_user(settings)
    await sign_in(anon_client, owner["email"])
    space = (await anon_client.post("/api/playground_api/space/save", json={"name": "Team A"})).json()["data"]
    sid = space["id"]
    added = await anon_client.post(
        "/api/space/member/add", json={"space_id": sid, "user_id": str(other["id"]), "role": "member"}
    )
    assert added.status_code == 200, added.text
    again = await anon_client.post(
        "/api/space/member/add", json={"space_id": sid, "user_id": str(other["id"])}
    )
    assert again.status_code == 409
    members = (await anon_client.post("/api/space/member/list", json={"space_id": sid})).json()["data"]
    assert {m["role_type"] for m in members["members"]} == {"owner", "member"}

    leave = await anon_client.post(
        "/api/space/member/remove", json={"space_id": sid, "user_id": str(owner["id"])}
    )
    assert leave.status_code == 409  # the owner cannot leave
    moved = await anon_client.post("/api/space/transfer", json={"space_id": sid, "user_id": str(other["id"])})
    assert moved.status_code == 200
    roles = {
        m["user_id"]: m["role_type"]
        for m in (await anon_client.post("/api/space/member/list", json={"space_id": sid})).json()["data"][
            "members"
        ]
    }
    assert roles == {str(other["id"]): "owner", str(owner["id"]): "admin"}

    await sign_in(anon_client, other["email"])
    spaces = (await anon_client.post("/api/playground_api/space/list", json={})).json()["data"][
        "bot_space_list"
    ]
    assert {s["id"] for s in spaces} >= {sid}


async def test_expired_membership_hides_the_space(anon_client: AsyncTestClient, settings: Settings) -> None:  # type: ignore[type-arg]
    owner, guest = await create_user(settings), await create_user(settings)
    await sign_in(anon_client, owner["email"])
    sid = (await anon_client.post("/api/playground_api/space/save", json={"name": "Short"})).json()["data"][
        "id"
    ]
    r = await anon_client.post(
        "/api/space/member/add",
        json={"space_id": sid, "user_id": str(guest["id"]), "expires_at": "2020-01-01T00:00:00Z"},
    )
    assert r.status_code == 200
    await sign_in(anon_client, guest["email"])
    listed = (await anon_client.post("/api/playground_api/space/list", json={})).json()["data"][
        "bot_space_list"
    ]
    assert sid not in {s["id"] for s in listed}
    hidden = await anon_client.post("/api/space/member/list", json={"space_id": sid})
    assert hidden.status_code == 404


async def test_tokens_lifecycle_and_token_api(anon_client: AsyncTestClient, settings: Settings) -> None:  # type: ignore[type-arg]
    user = await create_user(settings)
    await sign_in(anon_client, user["email"])
    made = await anon_client.post(
        f"{PAT}/create_personal_access_token_and_permission", json={"name": "ci", "duration_day": "30"}
    )
    assert made.status_code == 200, made.text
    token = made.json()["data"]["token"]
    meta = made.json()["data"]["personal_access_token"]
    assert token.startswith("pat_") and len(token) >= 4 + 43
    assert meta["last_used_at"] == -1

    listed = (await anon_client.get(f"{PAT}/list_personal_access_tokens")).json()["data"]
    assert [t["id"] for t in listed["personal_access_tokens"]] == [meta["id"]]
    assert "token" not in listed["personal_access_tokens"][0]  # shown once, never again

    bearer = {"authorization": f"Bearer {token}"}
    me = await anon_client.get("/v1/users/me", headers=bearer)
    assert me.status_code == 200 and me.json()["data"]["user_id"] == str(user["id"])
    ws = (await anon_client.get("/v1/workspaces", headers=bearer)).json()["data"]
    assert ws["total_count"] == 1 and ws["workspaces"][0]["workspace_type"] == "personal"
    got = (
        await anon_client.get(f"{PAT}/get_personal_access_token_and_permission", params={"id": meta["id"]})
    ).json()
    assert got["data"]["personal_access_token"]["last_used_at"] > 0

    renamed = await anon_client.post(
        f"{PAT}/update_personal_access_token_and_permission", json={"id": meta["id"], "name": "renamed"}
    )
    assert renamed.status_code == 200
    gone = await anon_client.post(
        f"{PAT}/delete_personal_access_token_and_permission", json={"id": meta["id"]}
    )
    assert gone.status_code == 200
    refused = await anon_client.get("/v1/users/me", headers=bearer)
    assert refused.status_code == 401 and refused.json()["code"] == 4100


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x"},
        {"name": "x", "duration_day": "permanent"},
        {"name": "x", "duration_day": "9999"},
        {"name": "", "duration_day": "1"},
        {"name": "x", "duration_day": "1", "scopes": ["root"]},
        {"name": "x", "expire_at": 1},
        {"name": "x", "duration_day": "1", "space_id": "123"},
    ],
    ids=["no-expiry", "permanent", "over-max", "empty-name", "unknown-scope", "past", "foreign-space"],
)
async def test_token_requests_are_validated(client: AsyncTestClient, body: dict[str, Any]) -> None:  # type: ignore[type-arg]
    r = await client.post(f"{PAT}/create_personal_access_token_and_permission", json=body)
    assert r.status_code in (400, 404), r.text
    assert (await client.get(f"{PAT}/list_personal_access_tokens")).json()["data"][
        "personal_access_tokens"
    ] == []


async def test_max_token_days_is_an_admin_setting(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    await client.put("/api/admin/settings/openauth.max_token_days", json={"value": 7})
    over = await client.post(
        f"{PAT}/create_personal_access_token_and_permission", json={"name": "x", "duration_day": "8"}
    )
    assert over.status_code == 400
    ok = await client.post(
        f"{PAT}/create_personal_access_token_and_permission", json={"name": "x", "duration_day": "7"}
    )
    assert ok.status_code == 200


async def test_scopes_and_space_binding(anon_client: AsyncTestClient, settings: Settings) -> None:  # type: ignore[type-arg]
    user = await create_user(settings)
    await sign_in(anon_client, user["email"])
    team = (await anon_client.post("/api/playground_api/space/save", json={"name": "T"})).json()["data"]["id"]

    async def token(**extra: Any) -> dict[str, str]:
        r = await anon_client.post(
            f"{PAT}/create_personal_access_token_and_permission",
            json={"name": "t", "duration_day": "1", **extra},
        )
        return {"authorization": f"Bearer {r.json()['data']['token']}"}

    chat_only = await token(scopes=["chat"])
    r = await anon_client.get("/v1/users/me", headers=chat_only)
    assert r.status_code == 403 and r.json()["code"] == 4101
    reader = await token(scopes=["user:read", "workspace:read"])
    assert (await anon_client.get("/v1/users/me", headers=reader)).status_code == 200
    bound = await token(space_id=team)
    ws = (await anon_client.get("/v1/workspaces", headers=bound)).json()["data"]["workspaces"]
    assert [w["id"] for w in ws] == [team]


@pytest.mark.parametrize(
    "header", ["", "Bearer", "Bearer ", "Basic abc", "Bearer pat_", "Bearer pat_" + "a" * 43, "bearer x" * 50]
)
async def test_bad_tokens_get_4100(anon_client: AsyncTestClient, header: str) -> None:  # type: ignore[type-arg]
    headers = {"authorization": header} if header else {}
    r = await anon_client.get("/v1/users/me", headers=headers)
    assert r.status_code == 401 and r.json()["code"] == 4100


async def test_rate_limit_per_token(settings: Settings) -> None:
    from tests.support.apps import client_with_routes

    user = await create_user(settings)
    async with client_with_routes(settings, [], rate_limit_token_per_min=3) as c:
        await sign_in(c, user["email"])
        r = await c.post(
            f"{PAT}/create_personal_access_token_and_permission", json={"name": "t", "duration_day": "1"}
        )
        bearer = {"authorization": f"Bearer {r.json()['data']['token']}"}
        codes = [(await c.get("/v1/users/me", headers=bearer)).status_code for _ in range(5)]
        assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
        limited = await c.get("/v1/users/me", headers=bearer)
        assert limited.json()["code"] == 4008 and int(limited.headers["retry-after"]) >= 1
