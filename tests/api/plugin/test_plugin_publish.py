"""Publishing: a version freezes the draft (document, tools, meta); names grow; a plugin without an
activated tool is not published; the chat engine's contract reads the published tools only."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bootstrap.settings import Settings
from crossdomain.plugin import ToolRef
from tests.api.plugin.documents import WEATHER_YAML
from tests.support.plugin_world import PluginWorld, manifest, plugin_world, service_auth


@pytest.fixture
async def w(settings: Settings) -> AsyncIterator[PluginWorld]:
    async with plugin_world(settings) as world:
        yield world


async def test_publish_freezes_versions_whose_names_grow(w: PluginWorld) -> None:
    plugin_id = await w.register(w.alice, WEATHER_YAML, manifest(auth=service_auth("tok-1")))
    forecast, alerts = await w.tools(plugin_id)
    nxt = await w.call("get_plugin_next_version", {"plugin_id": plugin_id, "space_id": w.alice.space_id})
    assert nxt["next_version_name"] == "v1.0.0"
    for tool in (forecast, alerts):
        await w.call("update_api", {"plugin_id": plugin_id, "api_id": tool["api_id"], "disabled": True})
    refused = await w.post("publish_plugin", {"plugin_id": plugin_id, "version_name": "v1.0.0"})
    assert refused.status_code == 409 and refused.json()["code"] == 4090, refused.text
    await w.call("update_api", {"plugin_id": plugin_id, "api_id": forecast["api_id"], "disabled": False})

    first = await w.call(
        "publish_plugin", {"plugin_id": plugin_id, "version_name": "v1.0.0", "version_desc": "one"}
    )
    assert first["version_ts"].isdigit() and first["version_name"] == "v1.0.0"
    info = await w.call("get_plugin_info", {"plugin_id": plugin_id})
    assert info["published"] is True and info["status"] is False
    apis = {t["name"]: t for t in await w.tools(plugin_id)}
    assert apis["get_forecast"]["online_status"] == 1
    nxt = await w.call("get_plugin_next_version", {"plugin_id": plugin_id, "space_id": w.alice.space_id})
    assert nxt["next_version_name"] == "v1.0.1"

    for name in ("v1.0.0", "v0.9.9", "1.0.1", "v1.0"):
        refused = await w.post("publish_plugin", {"plugin_id": plugin_id, "version_name": name})
        assert refused.status_code in (400, 409), (name, refused.text)

    space = w.alice.space_id
    refs = [ToolRef(int(plugin_id), int(forecast["api_id"])), ToolRef(int(plugin_id), int(alerts["api_id"]))]
    (tool,) = await w.published(space, refs)  # the deactivated tool is left out
    assert (tool.name, tool.method, tool.path, tool.version) == (
        "get_forecast",
        "get",
        "/forecast/{city}",
        "v1.0.0",
    )
    assert tool.server_url == "https://weather.example.com/api"
    assert tool.auth.kind == 1 and tool.auth.token_name == "X-Api-Key"
    assert tool.auth.sealed_token and tool.auth.sealed_token != "tok-1"
    assert [a.name for a in tool.routing] == ["city", "days"]

    # The draft changes; the published version does not, until the next publish.
    changed = WEATHER_YAML.replace("https://weather.example.com/api", "https://v2.weather.example.com")
    await w.call("update", {"plugin_id": plugin_id, "openapi": changed})
    assert (await w.call("get_plugin_info", {"plugin_id": plugin_id}))["status"] is True
    (tool,) = await w.published(space, refs)
    assert tool.server_url == "https://weather.example.com/api"
    await w.call("publish_plugin", {"plugin_id": plugin_id, "version_name": "v1.2.0", "version_desc": "two"})
    (tool,) = await w.published(space, refs)
    assert (tool.server_url, tool.version) == ("https://v2.weather.example.com", "v1.2.0")
    (pinned,) = await w.published(space, refs, {int(plugin_id): "v1.0.0"})
    assert pinned.server_url == "https://weather.example.com/api"
    assert await w.published(w.bob.space_id, refs) == []  # another space's plugin

    history = await w.call(
        "get_plugin_publish_history", {"plugin_id": plugin_id, "space_id": w.alice.space_id}
    )
    assert [v["version_name"] for v in history["plugin_publish_info_list"]] == ["v1.2.0", "v1.0.0"]
    assert history["total"] == 2 and history["plugin_publish_info_list"][1]["version_desc"] == "one"
    assert history["plugin_publish_info_list"][0]["publisher_id"] == str(w.alice.id)
    listed = await w.call("get_dev_plugin_list", {"space_id": w.alice.space_id, "publish_status": True})
    (entry,) = listed["plugin_list"]
    assert entry["status"] == 4 and entry["version_name"] == "v1.2.0" and entry["version_ts"].isdigit()

    await w.call("del_plugin", {"plugin_id": plugin_id})
    assert await w.published(space, refs) == []
    gone = await w.post("get_plugin_info", {"plugin_id": plugin_id})
    assert gone.status_code == 404


async def test_a_plugin_without_tools_is_not_published(w: PluginWorld) -> None:
    await w.as_user(w.alice)
    made = await w.call("register_plugin_meta", {"space_id": w.alice.space_id, "name": "Empty", "desc": ""})
    refused = await w.post("publish_plugin", {"plugin_id": made["plugin_id"], "version_name": "v1.0.0"})
    assert refused.status_code == 409 and "activate" in refused.json()["msg"]
