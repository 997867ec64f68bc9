"""Who reaches which plugin: another space's plugin ids answer not found on every route, a member
of the space reads and uses plugins but changes only their own."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bootstrap.settings import Settings
from tests.api.plugin.documents import CLOCK_JSON, WEATHER_YAML
from tests.support.plugin_world import PluginWorld, manifest, plugin_world


@pytest.fixture
async def w(settings: Settings) -> AsyncIterator[PluginWorld]:
    async with plugin_world(settings) as world:
        yield world


async def test_another_spaces_plugin_ids_are_not_found(w: PluginWorld) -> None:
    plugin_id = await w.register(w.alice, WEATHER_YAML)
    tool_id = (await w.tools(plugin_id))[0]["api_id"]
    await w.as_user(w.bob)
    probes = {
        "get_plugin_info": {"plugin_id": plugin_id},
        "get_plugin_apis": {"plugin_id": plugin_id},
        "update": {"plugin_id": plugin_id, "openapi": CLOCK_JSON},
        "update_plugin_meta": {"plugin_id": plugin_id, "name": "mine"},
        "create_api": {"plugin_id": plugin_id, "name": "x", "desc": ""},
        "update_api": {"plugin_id": plugin_id, "api_id": tool_id, "name": "y"},
        "delete_api": {"plugin_id": plugin_id, "api_id": tool_id},
        "batch_create_api": {"plugin_id": plugin_id, "openapi": CLOCK_JSON},
        "publish_plugin": {"plugin_id": plugin_id, "version_name": "v1.0.0"},
        "get_plugin_next_version": {"plugin_id": plugin_id, "space_id": w.alice.space_id},
        "get_plugin_publish_history": {"plugin_id": plugin_id},
        "del_plugin": {"plugin_id": plugin_id},
        "get_dev_plugin_list": {"space_id": w.alice.space_id},
        "register": {"space_id": w.alice.space_id, "ai_plugin": manifest(), "openapi": CLOCK_JSON},
        "register_plugin_meta": {"space_id": w.alice.space_id, "name": "n", "desc": ""},
    }
    for route, body in probes.items():
        answer = await w.post(route, body)
        assert answer.status_code == 404, (route, answer.text)
        assert "Weather" not in answer.text
    await w.as_user(w.alice)
    assert len(await w.tools(plugin_id)) == 2  # untouched
    info = await w.call("get_plugin_info", {"plugin_id": plugin_id})
    assert info["meta_info"]["name"] == "Weather"


async def test_a_member_uses_others_plugins_and_changes_only_their_own(w: PluginWorld) -> None:
    await w.as_user(w.alice)
    team = (await w.client.post("/api/playground_api/space/save", json={"name": "Team"})).json()["data"]["id"]
    added = await w.client.post("/api/space/member/add", json={"space_id": team, "user_id": str(w.bob.id)})
    assert added.status_code == 200, added.text
    made = await w.call("register", {"space_id": team, "ai_plugin": manifest(), "openapi": WEATHER_YAML})
    plugin_id = made["data"]["plugin_id"]
    tool_id = (await w.tools(plugin_id))[0]["api_id"]

    await w.as_user(w.bob)
    assert (await w.call("get_plugin_info", {"plugin_id": plugin_id}))["meta_info"]["name"] == "Weather"
    listed = await w.call("get_dev_plugin_list", {"space_id": team})
    assert listed["plugin_list"][0]["can_edit"] is False
    for route, body in {
        "update_plugin_meta": {"plugin_id": plugin_id, "name": "taken"},
        "update_api": {"plugin_id": plugin_id, "api_id": tool_id, "disabled": True},
        "publish_plugin": {"plugin_id": plugin_id, "version_name": "v1.0.0"},
        "del_plugin": {"plugin_id": plugin_id},
    }.items():
        answer = await w.post(route, body)
        assert answer.status_code == 403 and answer.json()["code"] == 4101, (route, answer.text)
    own = await w.call("register", {"space_id": team, "ai_plugin": manifest("Clock"), "openapi": CLOCK_JSON})
    own_id = own["data"]["plugin_id"]
    await w.call("update_plugin_meta", {"plugin_id": own_id, "name": "Bob's clock"})
    await w.call("publish_plugin", {"plugin_id": own_id, "version_name": "v1.0.0"})
    await w.call("del_plugin", {"plugin_id": own_id})
