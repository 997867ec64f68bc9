"""MCP servers as plugins (ADR 0064) against a real MCP server (the `mcp` SDK's FastMCP on loopback,
reachable because the test's allow-list lets the app reach its port): registered from the form over
streamable HTTP and SSE, its tools listed into the draft, debugged, switched off, published and
offered for binding; edits of its tools refused; a server that is gone, denied addresses and bad
input refused with nothing written; another space's plugin not found."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from bootstrap.settings import Settings
from crossdomain.plugin import ToolRef
from tests.support.mcp_server import TOKEN_HEADER, serving_mcp
from tests.support.plugin_world import SEARCH_API, PluginWorld, plugin_world

SECRET = "mcp-token-5d2b8e"
TOOLS = ["add", "population", "slow", "token_seen"]


@pytest.fixture(scope="module")
def mcp_base() -> Iterator[str]:
    with serving_mcp() as url:
        yield url


def mcp_settings(database_url: str, tmp_path: Path, *bases: str) -> Settings:
    """Loopback on the MCP servers' ports only (tests only; the guard denies loopback otherwise)."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path / "data",
        database_url=database_url,
        access_log=False,
        outbound_allow_networks=["127.0.0.1/32"],
        outbound_ports=[int(b.rsplit(":", 1)[1]) for b in bases],
    )


@pytest.fixture
def settings(database_url: str, tmp_path: Path, mcp_base: str) -> Settings:
    return mcp_settings(database_url, tmp_path, mcp_base)


@pytest.fixture
async def w(settings: Settings) -> AsyncIterator[PluginWorld]:
    async with plugin_world(settings) as world:
        await world.as_user(world.alice)
        yield world


def form(w: PluginWorld, url: str, transport: str | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "space_id": w.alice.space_id,
        "name": "Sums",
        "desc": "Adds numbers",
        "url": url,
        "plugin_type": 7,
        **extra,
    }
    if transport is not None:
        body["mcp_transport"] = transport
    return body


async def register(w: PluginWorld, url: str, transport: str | None = None, **extra: Any) -> str:
    made = await w.call("register_plugin_meta", form(w, url, transport, **extra))
    return str(made["plugin_id"])


def by_name(tools: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {t["name"]: t for t in tools}


@pytest.mark.parametrize(("path", "transport"), [("/mcp", None), ("/sse", "sse")])
async def test_a_server_registers_with_the_tools_it_lists(
    w: PluginWorld, mcp_base: str, path: str, transport: str | None
) -> None:
    plugin_id = await register(w, mcp_base + path, transport)
    info = await w.call("get_plugin_info", {"plugin_id": plugin_id})
    meta = info["meta_info"]
    assert meta["url"] == mcp_base + path and meta["auth_type"] == [0]
    assert meta["mcp_transport"] == (transport or "streamable_http")
    assert info["plugin_type"] == 7 and info["published"] is False
    assert json.loads(info["code_info"]["plugin_desc"])["api"] == {"type": "mcp"}

    tools = by_name(await w.tools(plugin_id))
    assert sorted(tools) == TOOLS
    add = tools["add"]
    assert add["desc"] == "Add two integers." and add["disabled"] is False and add["debug_status"] == 0
    params = {p["name"]: p for p in add["request_params"]}
    assert params["a"]["type"] == 2 and params["a"]["is_required"] is True and params["a"]["location"] == 3
    assert [p["name"] for p in add["response_params"]] == ["result"]
    listed = await w.call("get_dev_plugin_list", {"space_id": w.alice.space_id})
    (entry,) = listed["plugin_list"]
    assert entry["plugin_type"] == 7 and sorted(a["name"] for a in entry["plugin_apis"]) == TOOLS


async def test_its_tools_are_debugged_switched_off_published_and_offered(
    w: PluginWorld, mcp_base: str
) -> None:
    plugin_id = await register(w, mcp_base + "/mcp")
    tools = by_name(await w.tools(plugin_id))
    add, population, slow = tools["add"]["api_id"], tools["population"]["api_id"], tools["slow"]["api_id"]

    debugged = await w.call(
        "debug_api", {"plugin_id": plugin_id, "api_id": add, "parameters": json.dumps({"a": 2, "b": 40})}
    )
    assert debugged["success"] is True and json.loads(debugged["resp"]) == {"result": 42}
    request = json.loads(debugged["raw_req"])
    assert request["method"] == "MCP" and request["tool"] == "add"
    failed = await w.call(
        "debug_api", {"plugin_id": plugin_id, "api_id": population, "parameters": '{"city": "Atlantis"}'}
    )
    assert failed["success"] is False and "no figures for Atlantis" in failed["raw_resp"]
    refused = await w.call(
        "debug_api", {"plugin_id": plugin_id, "api_id": add, "parameters": '{"a": "two", "b": 1}'}
    )
    assert refused["success"] is False and "integer" in refused["reason"]
    assert by_name(await w.tools(plugin_id))["add"]["debug_status"] == 1

    await w.call("update_api", {"plugin_id": plugin_id, "api_id": slow, "disabled": True})
    # The SPA may send the tool's own name back with the switch; anything else is the server's.
    await w.call("update_api", {"plugin_id": plugin_id, "api_id": add, "name": "add", "disabled": False})
    edits = {
        "update_api": {"plugin_id": plugin_id, "api_id": add, "name": "plus"},
        "create_api": {"plugin_id": plugin_id, "name": "mine"},
        "delete_api": {"plugin_id": plugin_id, "api_id": add},
        "batch_create_api": {"plugin_id": plugin_id, "openapi": SEARCH_API},
        "update": {"plugin_id": plugin_id, "openapi": SEARCH_API},
    }
    for route, body in edits.items():
        answer = await w.call(route, body, expect=4000)
        assert "come from its server" in answer["msg"], (route, answer)
    assert sorted(by_name(await w.tools(plugin_id))) == TOOLS

    await w.call("publish_plugin", {"plugin_id": plugin_id, "version_name": "v1.0.0"})
    history = await w.call(
        "get_plugin_publish_history", {"plugin_id": plugin_id, "space_id": w.alice.space_id}
    )
    assert [v["version_name"] for v in history["plugin_publish_info_list"]] == ["v1.0.0"]
    online = by_name(await w.tools(plugin_id))
    assert online["add"]["online_status"] == 1 and online["slow"]["disabled"] is True

    offered = await w.call("get_playground_plugin_list", {"space_id": w.alice.space_id})
    mine = next(p for p in offered["data"]["plugin_list"] if p["id"] == plugin_id)
    assert mine["plugin_type"] == 7
    assert sorted(a["name"] for a in mine["plugin_apis"]) == ["add", "population", "token_seen"]
    refs = [ToolRef(int(plugin_id), int(tools[n]["api_id"])) for n in ("add", "slow")]
    (resolved,) = await w.published(w.alice.space_id, refs)
    assert resolved.name == "add" and resolved.server_url == f"mcp:{mcp_base}/mcp"


async def test_a_service_token_reaches_the_server_in_its_header_and_never_comes_back(
    w: PluginWorld, mcp_base: str
) -> None:
    token = {"auth_type": 1, "location": 1, "key": TOKEN_HEADER, "service_token": SECRET}
    plugin_id = await register(w, mcp_base + "/sse", "sse", **token)
    meta = (await w.call("get_plugin_info", {"plugin_id": plugin_id}))["meta_info"]
    assert meta["auth_type"] == [1] and meta["key"] == TOKEN_HEADER and meta["service_token_set"] is True
    seen = by_name(await w.tools(plugin_id))["token_seen"]["api_id"]
    answers = len(w.answers)
    debugged = await w.call("debug_api", {"plugin_id": plugin_id, "api_id": seen, "parameters": "{}"})
    assert json.loads(debugged["resp"]) == {"result": SECRET}  # what the server saw
    assert json.loads(debugged["raw_req"])["headers"] == {TOKEN_HEADER: "******"}
    # Only the tool's own answer carries it (the server echoes it); nothing else ever did.
    assert all(SECRET not in text for i, text in enumerate(w.answers) if i != answers)

    query = await w.call("update_plugin_meta", {"plugin_id": plugin_id, **token, "location": 2}, expect=4000)
    assert "header" in query["msg"]
    oauth = {"auth_type": 3, "sub_auth_type": 10, "oauth_info": "{}"}
    for refused in (
        await w.call("register_plugin_meta", form(w, mcp_base + "/mcp", **oauth), expect=4000),
        await w.call("update_plugin_meta", {"plugin_id": plugin_id, **oauth}, expect=4000),
    ):
        assert "none (0) or a service token (1)" in refused["msg"]
    assert (await w.call("get_plugin_info", {"plugin_id": plugin_id}))["meta_info"]["auth_type"] == [1]


async def test_changing_the_server_lists_the_tools_again_keeping_their_ids(
    w: PluginWorld, mcp_base: str
) -> None:
    plugin_id = await register(w, mcp_base + "/mcp")
    before = by_name(await w.tools(plugin_id))
    await w.call("update_api", {"plugin_id": plugin_id, "api_id": before["slow"]["api_id"], "disabled": True})
    edit = (await w.call("get_plugin_info", {"plugin_id": plugin_id}))["edit_version"]
    moved = await w.call(
        "update_plugin_meta",
        {"plugin_id": plugin_id, "url": mcp_base + "/sse", "mcp_transport": "sse", "name": "Sums 2"},
    )
    assert moved["edit_version"] > edit
    info = await w.call("get_plugin_info", {"plugin_id": plugin_id})
    assert info["meta_info"]["mcp_transport"] == "sse" and info["meta_info"]["name"] == "Sums 2"
    after = by_name(await w.tools(plugin_id))
    assert {n: t["api_id"] for n, t in after.items()} == {n: t["api_id"] for n, t in before.items()}
    assert after["slow"]["disabled"] is True
    refreshed = await w.call("refresh_mcp_tools", {"plugin_id": plugin_id})
    assert refreshed["total"] == len(TOOLS) and refreshed["edit_version"] > moved["edit_version"]


async def test_a_server_that_goes_away_is_a_clear_error_and_nothing_is_written(
    database_url: str, tmp_path: Path, mcp_base: str
) -> None:
    with ExitStack() as serving:
        gone = serving.enter_context(serving_mcp())
        settings = mcp_settings(database_url, tmp_path, mcp_base, gone)
        async with plugin_world(settings) as w:
            await w.as_user(w.alice)
            plugin_id = await register(w, gone + "/mcp")
            tools = await w.tools(plugin_id)
            edit = (await w.call("get_plugin_info", {"plugin_id": plugin_id}))["edit_version"]
            serving.close()  # the server stops; the app goes on

            for route, body in {
                "refresh_mcp_tools": {"plugin_id": plugin_id},
                "update_plugin_meta": {"plugin_id": plugin_id, "url": gone + "/sse", "mcp_transport": "sse"},
                "register_plugin_meta": form(w, gone + "/mcp"),
            }.items():
                answer = await w.post(route, body)
                assert answer.status_code == 502 and answer.json()["code"] == 5040, (route, answer.text)
                assert "MCP server" in answer.json()["msg"]
            after = await w.call("get_plugin_info", {"plugin_id": plugin_id})
            assert after["edit_version"] == edit and after["meta_info"]["mcp_transport"] == "streamable_http"
            assert await w.tools(plugin_id) == tools
            listed = await w.call("get_dev_plugin_list", {"space_id": w.alice.space_id})
            assert listed["total"] == "1"
            add = by_name(tools)["add"]["api_id"]
            debugged = await w.call(
                "debug_api", {"plugin_id": plugin_id, "api_id": add, "parameters": '{"a": 1, "b": 2}'}
            )
            assert debugged["success"] is False and "could not be used" in debugged["reason"]
            renamed = await w.call("update_plugin_meta", {"plugin_id": plugin_id, "name": "Renamed"})
            assert renamed["edit_version"] > edit  # the meta alone does not ask the server
            assert await w.tools(plugin_id) == tools


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"url": None}, "needs its server's URL"),
        ({"url": ""}, "needs its server's URL"),
        ({"url": "ftp://files.example.com/mcp"}, "http(s) URL"),
        ({"url": "mcp:http://example.com/mcp"}, "http(s) URL"),
        ({"url": "http:///mcp"}, "http(s) URL"),
        ({"url": "http://10.0.0.7/mcp"}, "not allowed"),  # private: the guard refuses it
        ({"url": "http://169.254.169.254/latest", "mcp_transport": "sse"}, "not allowed"),
        ({"url": "http://[::1]:80/mcp"}, "not allowed"),  # loopback, but not the allowed port
        ({"url": 7}, "got `int` - at `$.url`"),
        ({"mcp_transport": "websocket"}, "mcp_transport"),
        ({"plugin_type": "seven"}, "at `$.plugin_type`"),
        ({"plugin_type": 1, "mcp_transport": "sse"}, "for an MCP plugin"),
        ({"auth_type": 1, "location": 1, "key": "X-Key"}, "service token is required"),
    ],
)
async def test_bad_input_is_refused_and_nothing_is_written(
    w: PluginWorld, mcp_base: str, changes: dict[str, Any], expected: str
) -> None:
    body = {**form(w, mcp_base + "/mcp"), **changes}
    body = {k: v for k, v in body.items() if v is not None}
    answer = await w.post("register_plugin_meta", body)
    payload = answer.json()
    assert answer.status_code == 400 and payload["code"] == 4000, payload
    assert expected in payload["msg"], payload
    listed = await w.call("get_dev_plugin_list", {"space_id": w.alice.space_id})
    assert listed["total"] == "0"


async def test_another_spaces_mcp_plugin_is_not_found(w: PluginWorld, mcp_base: str) -> None:
    plugin_id = await register(w, mcp_base + "/mcp")
    add = by_name(await w.tools(plugin_id))["add"]["api_id"]
    await w.as_user(w.bob)
    for route, body in {
        "refresh_mcp_tools": {"plugin_id": plugin_id},
        "update_plugin_meta": {"plugin_id": plugin_id, "url": mcp_base + "/sse", "mcp_transport": "sse"},
        "get_plugin_apis": {"plugin_id": plugin_id},
        "debug_api": {"plugin_id": plugin_id, "api_id": add, "parameters": '{"a": 1, "b": 2}'},
        "update_api": {"plugin_id": plugin_id, "api_id": add, "disabled": True},
    }.items():
        answer = await w.post(route, body)
        assert answer.status_code == 404 and answer.json()["code"] == 4200, (route, answer.text)
    theirs = await w.post("register_plugin_meta", {**form(w, mcp_base + "/mcp")})  # alice's space
    assert theirs.json()["code"] == 4200, theirs.text
    await w.as_user(w.alice)
    info = await w.call("get_plugin_info", {"plugin_id": plugin_id})
    assert info["meta_info"]["mcp_transport"] == "streamable_http" and info["edit_version"] == 1
    assert by_name(await w.tools(plugin_id))["add"]["disabled"] is False


async def test_an_http_plugin_is_not_refreshed_nor_turned_into_an_mcp_plugin(w: PluginWorld) -> None:
    plugin_id = await w.register(w.alice, SEARCH_API)
    refused = await w.call("refresh_mcp_tools", {"plugin_id": plugin_id}, expect=4000)
    assert "not an MCP plugin" in refused["msg"]
    moved = await w.call("update_plugin_meta", {"plugin_id": plugin_id, "plugin_type": 7}, expect=4000)
    assert "type does not change" in moved["msg"]
    await w.call("update_plugin_meta", {"plugin_id": plugin_id, "mcp_transport": "sse"}, expect=4000)
    assert [t["name"] for t in await w.tools(plugin_id)] == ["search", "suggest"]
