"""The agent's tool loop on the server: a published plugin tool bound to an agent is offered to the
model, called on the server (several at once when asked), and its result goes back to the model.
The chat streams and stores Coze's function_call and tool_response messages; a failing tool, a tool
the agent lacks and another space's tool are error results, never a failed chat."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bootstrap.settings import Settings
from tests.support.chat_world import ChatUser, Client, chat_user
from tests.support.plugin_upstream import PluginUpstream, forecast_api, upstream_settings
from tests.support.plugin_world import published_tools


@pytest.fixture
def settings(database_url: str, tmp_path: Path, upstream: PluginUpstream) -> Settings:
    return upstream_settings(database_url, tmp_path, upstream)


async def published_plugin(me: ChatUser, base_url: str) -> dict[str, str]:
    """The weather plugin published in the user's chat space: its id and its tools' ids by name."""
    plugin_id, tools = await published_tools(
        me.client, me.space, forecast_api(base_url, failing=True), "Weather"
    )
    return {"plugin_id": plugin_id, **tools}


def bindings(plugin: dict[str, str], *names: str) -> dict[str, Any]:
    return {"id_list": [{"plugin_id": plugin["plugin_id"], "api_id": plugin[n]} for n in names]}


@pytest.fixture
async def me(anon_client: Client, settings: Settings, upstream: PluginUpstream) -> ChatUser:
    user = await chat_user(anon_client, settings, publish=False)
    plugin = await published_plugin(user, upstream.url)
    user.bots.clear()
    await user.new_bot(plugin_id_list=bindings(plugin, "get_forecast", "broken", "not_json"))
    return user


def completed(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e["data"] for e in events if e["event"] == "conversation.message.completed"]


def answer_of(events: list[dict[str, Any]]) -> str:
    return "".join(e["data"]["content"] for e in events if e["event"] == "conversation.message.delta")


async def test_a_bound_tool_is_called_on_the_server_and_the_model_reads_its_result(
    me: ChatUser, upstream: PluginUpstream
) -> None:
    before = len(upstream.seen)
    events = await me.stream('weather? /tool get_forecast {"city": "Oslo", "days": 2}')
    assert events[-2]["event"] == "conversation.chat.completed", events[-2]
    messages = completed(events)
    kinds = [m["type"] for m in messages]
    assert kinds[:3] == ["function_call", "tool_response", "answer"], kinds
    call = json.loads(messages[0]["content"])
    assert call["name"] == "get_forecast" and call["arguments"] == {"city": "Oslo", "days": 2}
    result = json.loads(messages[1]["content"])
    assert result["city"] == "Oslo" and ["days", "2"] in result["query"]
    assert "Oslo" in answer_of(events)
    seen = upstream.seen[before:]
    assert [(s.method, s.path) for s in seen] == [("GET", "/v1/forecast/Oslo")]

    # Stored in the order the model worked, under one chat: the listing reads like the stream.
    chat = events[-2]["data"]
    listed = await me.post(
        "/v1/conversation/message/list",
        {"order": "asc"},
        params={"conversation_id": chat["conversation_id"]},
    )
    stored = [m["type"] for m in listed["data"] if m["chat_id"] == chat["id"]]
    assert stored == ["question", "function_call", "tool_response", "answer"], stored


async def test_two_calls_in_one_step_run_together(me: ChatUser, upstream: PluginUpstream) -> None:
    before = len(upstream.seen)
    events = await me.stream('/tool get_forecast {"city": "Rome"}\n/tool get_forecast {"city": "Lima"}')
    assert events[-2]["event"] == "conversation.chat.completed"
    kinds = [m["type"] for m in completed(events)]
    assert kinds[:4] == ["function_call", "function_call", "tool_response", "tool_response"], kinds
    assert sorted(s.path for s in upstream.seen[before:]) == ["/v1/forecast/Lima", "/v1/forecast/Rome"]
    said = answer_of(events)
    assert said.index("Rome") < said.index("Lima")  # results in the order the model asked


@pytest.mark.parametrize(
    ("ask", "expected"),
    [
        ("/tool broken {}", "500"),  # the API failed: the model reads its status and text
        ("/tool not_json {}", "not json"),  # read as text, not parsed
        ("/tool rm_rf {}", "no tool named"),  # not bound to the agent
        ('/tool get_forecast {"days": "many"}', "integer"),  # arguments the schema refuses
    ],
)
async def test_a_failing_call_is_a_result_for_the_model_not_a_failed_chat(
    me: ChatUser, ask: str, expected: str
) -> None:
    events = await me.stream(ask)
    assert events[-2]["event"] == "conversation.chat.completed", events[-2]
    response = next(m for m in completed(events) if m["type"] == "tool_response")
    assert expected in response["content"].lower(), response
    assert expected in answer_of(events).lower()


async def test_another_spaces_tool_cannot_be_bound(
    anon_client: Client, settings: Settings, upstream: PluginUpstream, me: ChatUser
) -> None:
    other = await chat_user(anon_client, settings, publish=False)
    theirs = await published_plugin(other, upstream.url)
    before = len(upstream.seen)
    body = {"space_id": me.space, "name": "Thief", "plugin_id_list": bindings(theirs, "get_forecast")}
    refused = await me.post("/v1/bot/create", body)
    assert refused["code"] == 4000 and "not a published, activated tool of this space" in refused["msg"]
    mine = await me.post(
        "/v1/bot/update", {"bot_id": me.bot, "plugin_id_list": bindings(theirs, "get_forecast")}
    )
    assert mine["code"] == 4000
    assert len(upstream.seen) == before


async def _default_params(me: ChatUser, route: str, body: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = (await me.client.post(f"/api/plugin_api/{route}", json=body)).json()
    return answer


async def test_the_agents_own_values_fill_and_fix_parameters(me: ChatUser, upstream: PluginUpstream) -> None:
    info = (
        await me.client.get(f"/v1/bots/{me.bot}", params={"is_published": "false"}, headers=me.bearer)
    ).json()
    plugin_id = info["data"]["plugin_info_list"][0]["plugin_id"]
    tool = {"bot_id": me.bot, "plugin_id": plugin_id, "api_name": "get_forecast", "space_id": me.space}
    shown = await _default_params(me, "get_bot_default_params", tool)
    assert shown["code"] == 0, shown
    params = {p["name"]: p for p in shown["request_params"]}
    assert set(params) == {"city", "days"} and params["days"]["local_default"] is None

    params["days"].update(
        local_default="4", local_disable=True
    )  # fixed by the agent: the model can't change it
    saved = await _default_params(
        me, "update_bot_default_params", {**tool, "request_params": list(params.values())}
    )
    assert saved["code"] == 0, saved
    again = {
        p["name"]: p for p in (await _default_params(me, "get_bot_default_params", tool))["request_params"]
    }
    assert (again["days"]["local_default"], again["days"]["local_disable"]) == ("4", True)
    # Re-saving the agent's tool list (as the editor does) keeps the values.
    binding = {
        "id_list": [
            {"plugin_id": plugin_id, "api_id": a["api_id"]}
            for a in info["data"]["plugin_info_list"][0]["api_info_list"]
        ]
    }
    assert (await me.post("/v1/bot/update", {"bot_id": me.bot, "plugin_id_list": binding}))["code"] == 0
    await me.post("/v1/bot/publish", {"bot_id": me.bot, "connector_ids": ["1024"]})

    before = len(upstream.seen)
    events = await me.stream('/tool get_forecast {"city": "Oslo", "days": 1}')
    assert events[-2]["event"] == "conversation.chat.completed"
    assert ("days", "4") in upstream.seen[before].query

    wrong = {**tool, "request_params": [{"name": "nope", "local_default": "1"}]}
    refused = await _default_params(me, "update_bot_default_params", wrong)
    assert refused["code"] != 0 and "nope" in refused["msg"]
    unbound = await _default_params(me, "get_bot_default_params", {**tool, "api_name": "no_such"})
    assert unbound["code"] != 0


async def test_a_parameter_bound_to_an_agent_variable_takes_its_value_in_the_chat(
    me: ChatUser, upstream: PluginUpstream
) -> None:
    variable = {"key": "home", "default_value": "Oslo", "description": "the user's city"}
    info = {"bot_id": me.bot, "variable_list": [variable]}
    saved = await me.client.post(
        "/api/playground_api/draftbot/update_draft_bot_info", json={"bot_info": info}
    )
    assert saved.json()["code"] == 0, saved.text
    bot = (
        await me.client.get(f"/v1/bots/{me.bot}", params={"is_published": "false"}, headers=me.bearer)
    ).json()
    plugin_id = bot["data"]["plugin_info_list"][0]["plugin_id"]
    tool = {"bot_id": me.bot, "plugin_id": plugin_id, "api_name": "get_forecast", "space_id": me.space}
    params = {
        p["name"]: p for p in (await _default_params(me, "get_bot_default_params", tool))["request_params"]
    }
    params["city"].update(default_param_source=1, variable_ref="home", local_disable=True)
    body = {**tool, "request_params": list(params.values())}
    assert (await _default_params(me, "update_bot_default_params", body))["code"] == 0
    shown = {
        p["name"]: p for p in (await _default_params(me, "get_bot_default_params", tool))["request_params"]
    }
    assert (shown["city"]["default_param_source"], shown["city"]["variable_ref"]) == (1, "home")
    await me.post("/v1/bot/publish", {"bot_id": me.bot, "connector_ids": ["1024"]})

    before = len(upstream.seen)
    await me.stream('/tool get_forecast {"city": "Paris", "days": 1}')  # hidden: the model's is ignored
    await me.stream('/tool get_forecast {"days": 1}', custom_variables={"home": "Bergen"})
    assert [s.path for s in upstream.seen[before:]] == ["/v1/forecast/Oslo", "/v1/forecast/Bergen"]

    params["city"].update(variable_ref="nowhere")
    refused = await _default_params(
        me, "update_bot_default_params", {**tool, "request_params": list(params.values())}
    )
    assert refused["code"] == 4000 and "no variable 'nowhere'" in refused["msg"]
