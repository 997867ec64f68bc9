"""The request contract over the whole route table (docs/adr/0030-request-contract.md): every route
that takes a JSON body refuses one that is not an object, every list refuses paging values out of its
bounds instead of clamping them, and OPTIONS lists every method a path has."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from bootstrap.settings import Settings
from tests.api.test_route_security import body_type, handlers
from tests.support.apps import client_with_routes
from tests.support.identity import ORIGIN, create_user, sign_in

NOT_OBJECTS = [b"null", b"[]", b"[{}]", b"1", b'"x"', b"true", b"  null  "]
TOKEN_API = ("/v1/", "/v3/", "/open_api/")


@pytest.fixture
async def signed_in(sqlite_settings: Settings) -> AsyncIterator[tuple[AsyncTestClient, str]]:  # type: ignore[type-arg]
    admin = await create_user(sqlite_settings, superuser=True)
    async with client_with_routes(sqlite_settings, []) as c:
        await sign_in(c, admin["email"])
        made = await c.post(
            "/api/permission_api/pat/create_personal_access_token_and_permission",
            json={"name": "contract", "duration_day": "1"},
        )
        yield c, made.json()["data"]["token"]


def _concrete(path: str) -> str:
    return re.sub(r"{\w+(?::\w+)?}", lambda m: "1" if m.group(0).endswith(":int}") else "site.title", path)


async def test_every_json_body_must_be_an_object(signed_in: tuple[AsyncTestClient, str]) -> None:  # type: ignore[type-arg]
    client, token = signed_in
    app: Litestar = client.cozeplus_app.litestar  # type: ignore[attr-defined]
    probed = 0
    for method, path, handler in handlers(app):
        if body_type(handler) is None:
            continue
        headers = {"content-type": "application/json", "origin": ORIGIN}
        if path.startswith(TOKEN_API):
            headers["authorization"] = f"Bearer {token}"
        for raw in NOT_OBJECTS:
            r = await client.request(method, _concrete(path), content=raw, headers=headers)
            assert r.status_code == 400, f"{method} {path} with body {raw!r}: {r.status_code} {r.text}"
            body = r.json()
            assert body["code"] == 4000, f"{method} {path} {raw!r}: {body}"
            assert body["msg"] == "the request body must be a JSON object", body
        probed += 1
    assert probed >= 40  # the route table really was walked


async def test_null_body_creates_no_conversation(signed_in: tuple[AsyncTestClient, str]) -> None:  # type: ignore[type-arg]
    client, token = signed_in
    bearer = {"authorization": f"Bearer {token}", "content-type": "application/json"}
    r = await client.post("/v1/conversation/create", content=b"null", headers=bearer)
    assert r.status_code == 400 and r.json()["code"] == 4000
    made = await client.post("/v1/conversation/create", json={}, headers=bearer)
    assert made.json()["code"] == 0  # an empty object is the documented "no fields"


async def test_a_missing_body_means_defaults_only_where_every_field_has_one(
    signed_in: tuple[AsyncTestClient, str],  # type: ignore[type-arg]
) -> None:
    client, _ = signed_in
    lists = ("/api/playground_api/space/list", "/api/permission_api/role/list", "/api/v1/corporation/list")
    for path in lists:
        r = await client.post(path, headers={"origin": ORIGIN})
        assert r.json()["code"] == 0, f"{path}: {r.text}"
    for path in ("/api/playground_api/space/save", "/api/draftbot/create", "/api/space/member/list"):
        r = await client.post(path, headers={"origin": ORIGIN})
        assert r.status_code == 400 and r.json()["code"] == 4000, f"{path}: {r.text}"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/playground_api/space/list", {"page": -1}),
        ("/api/playground_api/space/list", {"page": 0}),
        ("/api/playground_api/space/list", {"size": 1_000_000_000}),
        ("/api/playground_api/space/list", {"size": 101}),
        ("/api/playground_api/space/list", {"size": 1e9}),
        ("/api/playground_api/space/list", {"page": "1"}),
        ("/api/space/member/list", {"space_id": "1", "size": 0}),
        ("/api/permission_api/role/list", {"page_size": 101}),
        ("/api/permission_api/user/list", {"limit": 101}),
        ("/api/v1/corporation/list", {"page": 0}),
        ("/api/v1/corporation/employee/list", {"page_size": 101}),
        ("/api/v1/corporation/department/list", {"corp_id": "1", "page": 100_001}),
        ("/api/draftbot/list_draft_history", {"bot_id": "1", "page_size": 101}),
        ("/api/intelligence_api/search/get_draft_intelligence_list", {"space_id": "1", "size": 0}),
        ("/api/conversation/get_message_list", {"bot_id": "1", "count": 101}),
    ],
)
async def test_spa_paging_values_out_of_bounds_are_refused(
    signed_in: tuple[AsyncTestClient, str],  # type: ignore[type-arg]
    path: str,
    body: dict[str, object],
) -> None:
    client, _ = signed_in
    r = await client.post(path, json=body)
    assert r.status_code == 400 and r.json()["code"] == 4000, r.text


@pytest.mark.parametrize(
    "query",
    [
        "/v1/conversations?bot_id=1&page_size=51",
        "/v1/conversations?bot_id=1&page_num=0",
        "/v1/conversations?bot_id=1&page_num=-1",
        "/v1/bots?workspace_id=1&page_size=101",
        "/v1/bots?workspace_id=1&page_index=0",
        "/v1/space/published_bots_list?space_id=1&page_size=1000000000",
        "/v1/workspaces?page_size=0",
        "/v1/workspaces?page_num=100001",
    ],
)
async def test_token_api_paging_values_out_of_bounds_are_refused(
    signed_in: tuple[AsyncTestClient, str],  # type: ignore[type-arg]
    query: str,
) -> None:
    client, token = signed_in
    r = await client.get(query, headers={"authorization": f"Bearer {token}"})
    assert r.status_code == 400 and r.json()["code"] == 4000, r.text


async def test_cozepy_style_query_text_still_parses(signed_in: tuple[AsyncTestClient, str]) -> None:  # type: ignore[type-arg]
    client, token = signed_in
    bearer = {"authorization": f"Bearer {token}"}
    r = await client.get("/v1/workspaces?page_num=1&page_size=20", headers=bearer)
    assert r.json()["code"] == 0, r.text


async def test_options_lists_every_method_of_the_path(signed_in: tuple[AsyncTestClient, str]) -> None:  # type: ignore[type-arg]
    client, token = signed_in
    app: Litestar = client.cozeplus_app.litestar  # type: ignore[attr-defined]
    methods: dict[str, set[str]] = {}
    for method, path, _ in handlers(app):
        methods.setdefault(path, set()).add(method)
    shared = [p for p, m in methods.items() if len(m) > 1]
    assert "/v1/conversations/{conversation_id:int}" in shared  # PUT and DELETE, registered apart
    for path in shared:
        headers = {"authorization": f"Bearer {token}"} if path.startswith(TOKEN_API) else {}
        r = await client.options(_concrete(path), headers=headers)
        assert r.status_code == 204, f"{path}: {r.status_code} {r.text}"
        allowed = {m.strip() for m in r.headers["allow"].split(",")}
        assert methods[path] | {"OPTIONS"} <= allowed, f"{path}: Allow {r.headers['allow']}"


async def test_bodies_convert_strictly_but_take_integral_numbers(
    signed_in: tuple[AsyncTestClient, str],
) -> None:  # type: ignore[type-arg]
    client, _ = signed_in
    assert (await client.post("/api/playground_api/space/list", json={"size": 20.0})).json()["code"] == 0
    for body in ({"size": 20.5}, {"size": "20"}, {"size": True}):
        r = await client.post("/api/playground_api/space/list", json=body)
        assert r.status_code == 400 and r.json()["code"] == 4000, (body, r.text)
    r = await client.post("/api/bot/get_type_list", json={"voice": 0})  # a number is not a bool
    assert r.status_code == 400 and r.json()["code"] == 4000, r.text
