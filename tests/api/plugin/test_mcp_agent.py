"""An agent calls an MCP plugin's tools in a chat like any other tool: builtin-echo's `/tool`
directive asks for the call, the server runs it on the real MCP server (streamable HTTP or SSE) and
the result reaches the model; a tool error is a result the model reads."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bootstrap.settings import Settings
from tests.support.chat_world import ChatUser, Client, chat_user
from tests.support.mcp_server import serving_mcp


@pytest.fixture(scope="module")
def mcp_base() -> Iterator[str]:
    with serving_mcp() as url:
        yield url


@pytest.fixture
def settings(database_url: str, tmp_path: Path, mcp_base: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path / "data",
        database_url=database_url,
        access_log=False,
        outbound_allow_networks=["127.0.0.1/32"],
        outbound_ports=[int(mcp_base.rsplit(":", 1)[1])],
    )


async def _call(me: ChatUser, route: str, body: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = (await me.client.post(f"/api/plugin_api/{route}", json=body)).json()
    assert answer["code"] == 0, (route, answer)
    return answer


async def bound_agent(me: ChatUser, url: str, transport: str) -> None:
    """An MCP plugin registered and published in the user's space, and an agent bound to its tools."""
    made = await _call(
        me,
        "register_plugin_meta",
        {"space_id": me.space, "name": "Sums", "url": url, "plugin_type": 7, "mcp_transport": transport},
    )
    plugin_id = str(made["plugin_id"])
    await _call(me, "publish_plugin", {"plugin_id": plugin_id})
    apis = await _call(me, "get_plugin_apis", {"plugin_id": plugin_id, "page": 1, "size": 50})
    ids = {t["name"]: str(t["api_id"]) for t in apis["api_info"]}
    refs = [{"plugin_id": plugin_id, "api_id": ids[n]} for n in ("add", "population")]
    me.bots.clear()
    await me.new_bot(plugin_id_list={"id_list": refs})


def completed(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e["data"] for e in events if e["event"] == "conversation.message.completed"]


def answer_of(events: list[dict[str, Any]]) -> str:
    return "".join(e["data"]["content"] for e in events if e["event"] == "conversation.message.delta")


@pytest.mark.parametrize(("path", "transport"), [("/mcp", "streamable_http"), ("/sse", "sse")])
async def test_an_agent_calls_an_mcp_tool_and_the_model_reads_its_result(
    anon_client: Client, settings: Settings, mcp_base: str, path: str, transport: str
) -> None:
    me = await chat_user(anon_client, settings, publish=False)
    await bound_agent(me, mcp_base + path, transport)
    events = await me.stream('sum? /tool add {"a": 1234, "b": 4321}')
    assert events[-2]["event"] == "conversation.chat.completed", events[-2]
    messages = completed(events)
    assert [m["type"] for m in messages][:3] == ["function_call", "tool_response", "answer"]
    assert json.loads(messages[0]["content"])["name"] == "add"
    assert json.loads(messages[1]["content"]) == {"result": 5555}
    assert "5555" in answer_of(events)  # the model read the server's answer

    failed = await me.stream('/tool population {"city": "Atlantis"}')
    assert failed[-2]["event"] == "conversation.chat.completed", failed[-2]
    response = next(m for m in completed(failed) if m["type"] == "tool_response")
    assert "no figures for Atlantis" in response["content"]
    assert "no figures for Atlantis" in answer_of(failed)
