"""get_playground_plugin_list offers the agent editor what it may bind: the built-in plugin, then the
space's published plugins with the activated tools of their latest version. An agent binds the
built-in tools like any other and the chat runs them on the server."""

from __future__ import annotations

import json
from typing import Any

from bootstrap.settings import Settings
from tests.support.chat_world import Client, chat_user
from tests.support.plugin_world import SEARCH_API, manifest, published_tools


async def playground(client: Client, space: str, **extra: Any) -> dict[str, Any]:
    answer = await client.post(
        "/api/plugin_api/get_playground_plugin_list", json={"space_id": space, **extra}
    )
    body: dict[str, Any] = answer.json()
    assert body["code"] == 0, body
    return dict(body["data"])


async def test_the_list_offers_builtin_and_published_tools_only(
    anon_client: Client, settings: Settings
) -> None:
    me = await chat_user(anon_client, settings, publish=False)
    c = me.client
    plugin_id, tools = await published_tools(c, me.space)
    search, suggest = tools["search"], tools["suggest"]
    await c.post(
        "/api/plugin_api/update_api", json={"plugin_id": plugin_id, "api_id": suggest, "disabled": True}
    )
    draft = await c.post(
        "/api/plugin_api/register",
        json={"space_id": me.space, "ai_plugin": manifest("Draft"), "openapi": SEARCH_API},
    )
    assert draft.json()["code"] == 0

    listed = await playground(c, me.space)
    names = [p["name"] for p in listed["plugin_list"]]
    assert names == ["Built-in tools", "Search"] and listed["total"] == 2  # the draft is not offered
    builtin, mine = listed["plugin_list"]
    assert [a["name"] for a in builtin["plugin_apis"]] == ["current_time", "calculate", "fetch_url"]
    # The published version had both tools; the list follows the version (suggest was on then).
    assert {a["api_id"] for a in mine["plugin_apis"]} == {search, suggest}
    assert [p["name"] for p in (await playground(c, me.space, name="sear"))["plugin_list"]] == ["Search"]
    only = await playground(c, me.space, plugin_ids=[builtin["id"]])
    assert [p["id"] for p in only["plugin_list"]] == [builtin["id"]]

    other = await chat_user(anon_client, settings, publish=False)
    refused = await other.client.post(
        "/api/plugin_api/get_playground_plugin_list", json={"space_id": me.space}
    )
    assert refused.status_code == 404, refused.text


async def test_an_agent_calls_a_builtin_tool(anon_client: Client, settings: Settings) -> None:
    me = await chat_user(anon_client, settings, publish=False)
    builtin = (await playground(me.client, me.space))["plugin_list"][0]
    calculate = next(a for a in builtin["plugin_apis"] if a["name"] == "calculate")
    me.bots.clear()
    binding = {"id_list": [{"plugin_id": builtin["id"], "api_id": calculate["api_id"]}]}
    await me.new_bot(plugin_id_list=binding)
    events = await me.stream('/tool calculate {"expression": "(3 + 4) * 6"}')
    assert events[-2]["event"] == "conversation.chat.completed", events[-2]
    response = next(
        e["data"]
        for e in events
        if e["event"] == "conversation.message.completed" and e["data"]["type"] == "tool_response"
    )
    assert json.loads(response["content"])["result"] == 42
