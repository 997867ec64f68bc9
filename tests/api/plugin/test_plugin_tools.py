"""A plugin made from the form (Coze's register_plugin_meta) and edited: meta and auth, tools
created, changed and deleted one by one, added from another document; the draft document follows
every edit and tool ids stay."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import yaml

from bootstrap.settings import Settings
from tests.api.plugin.documents import MORE_TOOLS, WEATHER_YAML
from tests.support.plugin_world import PluginWorld, plugin_world

TOKEN = "form-token-55e1"


@pytest.fixture
async def w(settings: Settings) -> AsyncIterator[PluginWorld]:
    async with plugin_world(settings) as world:
        yield world


async def _form_plugin(w: PluginWorld) -> str:
    await w.as_user(w.alice)
    made = await w.call(
        "register_plugin_meta",
        {
            "space_id": w.alice.space_id,
            "name": "Shop",
            "desc": "Orders",
            "url": "https://shop.example.com/v1",
            "icon": {"uri": "https://cdn.example.com/shop.png", "url": ""},
            "auth_type": 1,
            "sub_auth_type": 0,
            "location": 2,
            "key": "api_key",
            "service_token": TOKEN,
        },
    )
    return str(made["plugin_id"])


async def _document(w: PluginWorld, plugin_id: str) -> dict[str, object]:
    info = await w.call("get_plugin_info", {"plugin_id": plugin_id})
    return dict(yaml.safe_load(info["code_info"]["openapi_desc"]))


async def test_meta_edits_keep_the_stored_secret_and_move_the_server(w: PluginWorld) -> None:
    plugin_id = await _form_plugin(w)
    info = await w.call("get_plugin_info", {"plugin_id": plugin_id})
    meta = info["meta_info"]
    assert (meta["name"], meta["url"], meta["location"], meta["key"]) == (
        "Shop",
        "https://shop.example.com/v1",
        2,
        "api_key",
    )
    assert meta["icon"] == {
        "uri": "https://cdn.example.com/shop.png",
        "url": "https://cdn.example.com/shop.png",
    }
    assert await w.tools(plugin_id) == []

    edited = await w.call(
        "update_plugin_meta",
        {
            "plugin_id": plugin_id,
            "name": "Shop 2",
            "url": "https://shop2.example.com",
            "auth_type": 1,
            "location": 1,
            "key": "Authorization",
            "service_token": "",  # a form cannot send the secret back: the stored one stays
        },
    )
    assert edited["edit_version"] >= 2
    meta = (await w.call("get_plugin_info", {"plugin_id": plugin_id}))["meta_info"]
    assert (meta["name"], meta["url"], meta["location"], meta["key"]) == (
        "Shop 2",
        "https://shop2.example.com",
        1,
        "Authorization",
    )
    assert meta["service_token_set"] is True
    document = await _document(w, plugin_id)
    assert document["servers"] == [{"url": "https://shop2.example.com"}]
    assert document["info"]["title"] == "Shop 2"  # type: ignore[index]

    await w.call("update_plugin_meta", {"plugin_id": plugin_id, "auth_type": 0})
    meta = (await w.call("get_plugin_info", {"plugin_id": plugin_id}))["meta_info"]
    assert meta["auth_type"] == [0] and meta["service_token_set"] is False
    refused = await w.post("update_plugin_meta", {"plugin_id": plugin_id, "url": "file:///etc/passwd"})
    assert refused.status_code == 400 and refused.json()["code"] == 4000
    refused = await w.post("update_plugin_meta", {"plugin_id": plugin_id, "auth_type": 1, "key": "k"})
    assert refused.status_code == 400  # a service token is required when none is stored
    assert all(TOKEN not in text for text in w.answers)


async def test_tools_are_created_changed_and_deleted_one_by_one(w: PluginWorld) -> None:
    plugin_id = await _form_plugin(w)
    made = await w.call(
        "create_api",
        {
            "plugin_id": plugin_id,
            "name": "get_order",
            "desc": "One order",
            "path": "/orders/{order_id}",
            "method": 1,
            "request_params": [
                {"name": "order_id", "type": 1, "location": 1, "is_required": True, "desc": "the order"},
                {"name": "expand", "type": 6, "location": 2},
            ],
            "response_params": [
                {"name": "total", "type": 3, "location": 3},
                {
                    "name": "lines",
                    "type": 5,
                    "location": 3,
                    "sub_parameters": [
                        {
                            "name": "[Array Item]",
                            "type": 4,
                            "location": 3,
                            "sub_parameters": [
                                {"name": "sku", "type": 1, "location": 3, "is_required": True}
                            ],
                        }
                    ],
                },
            ],
        },
    )
    order_id = made["api_id"]
    second = (await w.call("create_api", {"plugin_id": plugin_id, "name": "list_orders", "desc": "All"}))[
        "api_id"
    ]
    (order, listed) = await w.tools(plugin_id)
    assert order["api_id"] == order_id and listed["api_id"] == second
    assert (listed["path"], listed["method"]) == ("/list_orders", 1)  # Coze's defaults for a new tool
    assert [p["name"] for p in order["request_params"]] == ["order_id", "expand"]
    lines = next(p for p in order["response_params"] if p["name"] == "lines")
    assert lines["sub_parameters"][0]["sub_parameters"][0]["name"] == "sku"
    document = await _document(w, plugin_id)
    assert set(document["paths"]) == {"/orders/{order_id}", "/list_orders"}  # type: ignore[arg-type]

    # the same method and path, or the same name, is another tool already
    clash = await w.post(
        "create_api", {"plugin_id": plugin_id, "name": "again", "desc": "", "path": "/list_orders"}
    )
    assert clash.status_code == 409, clash.text
    clash = await w.post(
        "create_api", {"plugin_id": plugin_id, "name": "get_order", "desc": "", "path": "/x"}
    )
    assert clash.status_code == 400 and "operationId" in clash.json()["msg"], clash.text

    await w.call(
        "update_api",
        {
            "plugin_id": plugin_id,
            "api_id": second,
            "name": "search_orders",
            "desc": "Orders matching a query",
            "path": "/orders",
            "method": 2,
            "request_params": [{"name": "query", "type": 1, "location": 3, "is_required": True}],
            "disabled": True,
        },
    )
    (_, search) = await w.tools(plugin_id)
    assert search["api_id"] == second  # renamed and moved, still the same tool
    assert (search["name"], search["path"], search["method"], search["disabled"]) == (
        "search_orders",
        "/orders",
        2,
        True,
    )
    assert search["desc"] == "Orders matching a query"
    assert search["request_params"][0]["location"] == 3
    document = await _document(w, plugin_id)
    assert "/list_orders" not in document["paths"]  # type: ignore[operator]
    assert document["paths"]["/orders"]["post"]["requestBody"]  # type: ignore[index]

    await w.call("delete_api", {"plugin_id": plugin_id, "api_id": order_id})
    assert [t["api_id"] for t in await w.tools(plugin_id)] == [second]
    gone = await w.post("delete_api", {"plugin_id": plugin_id, "api_id": order_id})
    assert gone.status_code == 404
    picked = await w.call("get_plugin_apis", {"plugin_id": plugin_id, "api_ids": [second]})
    assert picked["total"] == 1 and picked["api_info"][0]["name"] == "search_orders"


async def test_a_batch_adds_tools_and_replaces_same_paths_only_when_asked(w: PluginWorld) -> None:
    plugin_id = await w.register(w.alice, WEATHER_YAML)
    before = {t["name"]: t["api_id"] for t in await w.tools(plugin_id)}
    body = {"plugin_id": plugin_id, "space_id": w.alice.space_id, "openapi": MORE_TOOLS, "ai_plugin": ""}
    answer = await w.call("batch_create_api", {**body, "replace_same_paths": False})
    assert [(d["method"], d["path"]) for d in answer["paths_duplicated"]] == [(2, "/alerts")]
    assert answer["paths_created"] == []
    assert {t["name"] for t in await w.tools(plugin_id)} == set(before)  # nothing written

    answer = await w.call("batch_create_api", {**body, "replace_same_paths": True})
    assert {c["name"] for c in answer["paths_created"]} == {"subscribe_alerts_v2", "get_history"}
    after = {t["name"]: t["api_id"] for t in await w.tools(plugin_id)}
    assert set(after) == {"get_forecast", "subscribe_alerts_v2", "get_history"}
    assert after["get_forecast"] == before["get_forecast"]
    assert after["subscribe_alerts_v2"] == before["subscribe_alerts"]  # replaced at its path, same id
    other = await w.post("batch_create_api", {**body, "space_id": w.bob.space_id, "replace_same_paths": True})
    assert other.status_code == 404


async def test_replacing_the_document_keeps_tools_that_stay(w: PluginWorld) -> None:
    plugin_id = await w.register(w.alice, WEATHER_YAML)
    before = {t["name"]: t["api_id"] for t in await w.tools(plugin_id)}
    changed = WEATHER_YAML.replace("The forecast of a city", "Tomorrow's weather").replace(
        "operationId: subscribe_alerts", "operationId: alerts_subscribe"
    )
    updated = await w.call("update", {"plugin_id": plugin_id, "ai_plugin": "", "openapi": changed})
    assert updated["data"]["res"] is True
    after = {t["name"]: (t["api_id"], t["desc"]) for t in await w.tools(plugin_id)}
    assert after["get_forecast"] == (before["get_forecast"], "Tomorrow's weather")
    assert after["alerts_subscribe"][0] == before["subscribe_alerts"]  # same method and path
    broken = await w.post("update", {"plugin_id": plugin_id, "openapi": "openapi: 3.0.1\npaths: [1]"})
    assert broken.status_code == 400 and broken.json()["code"] == 4000
    assert {t["name"] for t in await w.tools(plugin_id)} == set(after)


async def test_listing_searches_by_name_and_filters(w: PluginWorld) -> None:
    await w.register(w.alice, WEATHER_YAML)
    await _form_plugin(w)
    space = w.alice.space_id
    found = await w.call("get_dev_plugin_list", {"space_id": space, "name": "sho"})
    assert [p["name"] for p in found["plugin_list"]] == ["Shop"]
    paged = await w.call("get_dev_plugin_list", {"space_id": space, "page": 2, "size": 1})
    assert paged["total"] == "2" and len(paged["plugin_list"]) == 1
    assert (await w.call("get_dev_plugin_list", {"space_id": space, "publish_status": True}))["total"] == "0"
    assert (await w.call("get_dev_plugin_list", {"space_id": space, "scope_type": 1}))["total"] == "2"
