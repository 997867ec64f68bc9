"""Registering plugins from code (Coze's `register`): YAML and JSON documents, refusals that name
the JSON pointer, duplicate operations, size limits, and secrets that never come back."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
import yaml

from bootstrap.settings import Settings
from tests.api.plugin.documents import CLOCK_JSON, DUPLICATE_IDS, WEATHER_YAML
from tests.support.plugin_world import PluginWorld, manifest, plugin_world, service_auth

SECRET = "sk-weather-7f3a9c1e5b"


@pytest.fixture
async def w(settings: Settings) -> AsyncIterator[PluginWorld]:
    async with plugin_world(settings) as world:
        yield world


async def test_a_yaml_document_becomes_one_tool_per_operation(w: PluginWorld) -> None:
    plugin_id = await w.register(w.alice, WEATHER_YAML, manifest(auth=service_auth(SECRET)))
    info = await w.call("get_plugin_info", {"plugin_id": plugin_id})
    meta = info["meta_info"]
    assert meta["name"] == "Weather" and meta["desc"] == "Weather for people"
    assert meta["url"] == "https://weather.example.com/api"
    assert meta["auth_type"] == [1] and meta["key"] == "X-Api-Key" and meta["location"] == 1
    assert meta["service_token"] == "" and meta["service_token_set"] is True
    assert info["published"] is False and info["creator"]["self"] is True
    document = yaml.safe_load(info["code_info"]["openapi_desc"])
    assert set(document["paths"]) == {"/forecast/{city}", "/alerts"}
    assert json.loads(info["code_info"]["plugin_desc"])["auth"]["type"] == "service_http"

    forecast, alerts = await w.tools(plugin_id)
    assert (forecast["name"], forecast["method"], forecast["path"]) == ("get_forecast", 1, "/forecast/{city}")
    assert forecast["desc"] == "The forecast of a city" and forecast["disabled"] is False
    params = {p["name"]: p for p in forecast["request_params"]}
    assert params["city"]["location"] == 1 and params["city"]["is_required"] is True
    assert params["days"]["location"] == 2 and params["days"]["type"] == 2
    assert params["days"]["global_default"] == "3"
    assert {p["name"] for p in forecast["response_params"]} == {"temperature", "summary"}
    body = {p["name"]: p for p in alerts["request_params"]}  # the $ref is inlined
    assert body["email"]["location"] == 3 and body["email"]["is_required"] is True
    assert body["regions"]["type"] == 5 and body["regions"]["sub_parameters"][0]["type"] == 1
    assert all(SECRET not in text for text in w.answers)


async def test_a_json_document_registers_too(w: PluginWorld) -> None:
    plugin_id = await w.register(w.alice, CLOCK_JSON, manifest("Clock"))
    (now,) = await w.tools(plugin_id)
    assert now["name"] == "now" and now["desc"] == "The current time"
    listed = await w.call("get_dev_plugin_list", {"space_id": w.alice.space_id, "dev_id": str(w.alice.id)})
    assert listed["total"] == "1"
    (entry,) = listed["plugin_list"]
    assert entry["id"] == plugin_id and entry["name"] == "Clock" and entry["status"] == 0
    assert [a["name"] for a in entry["plugin_apis"]] == ["now"]


@pytest.mark.parametrize(
    ("document", "pointer"),
    [
        (
            WEATHER_YAML.replace("operationId: get_forecast", "operationId: 'bad name!'"),
            "/paths/~1forecast~1{city}/get/operationId",
        ),
        (
            WEATHER_YAML.replace('"#/components/schemas/Subscription"', '"#/components/schemas/Nothing"'),
            "/paths/~1alerts/post/requestBody/content/application~1json/schema/$ref",
        ),
        (DUPLICATE_IDS, "/paths/~1b/get/operationId"),
        (
            WEATHER_YAML.replace("https://weather.example.com/api", "ftp://weather.example.com"),
            "/servers/0/url",
        ),
    ],
    ids=["operation-id", "dangling-ref", "duplicate-operation-id", "server-url"],
)
async def test_an_invalid_document_answers_400_naming_its_json_pointer(
    w: PluginWorld, document: str, pointer: str
) -> None:
    await w.as_user(w.alice)
    answer = await w.post(
        "register", {"space_id": w.alice.space_id, "ai_plugin": manifest(), "openapi": document}
    )
    assert answer.status_code == 400, answer.text
    assert answer.json()["code"] == 4000 and pointer in answer.json()["msg"], answer.json()
    listed = await w.call("get_dev_plugin_list", {"space_id": w.alice.space_id})
    assert listed["plugin_list"] == []  # nothing was written


async def test_an_invalid_manifest_names_its_field(w: PluginWorld) -> None:
    await w.as_user(w.alice)
    bad = json.loads(manifest())
    del bad["name_for_human"]
    answer = await w.post(
        "register", {"space_id": w.alice.space_id, "ai_plugin": json.dumps(bad), "openapi": WEATHER_YAML}
    )
    assert answer.status_code == 400 and "/name_for_human" in answer.json()["msg"], answer.text


async def test_oversized_documents_and_bodies_are_refused(w: PluginWorld) -> None:
    await w.as_user(w.alice)
    padded = WEATHER_YAML + "\n# " + "x" * 1_000_001
    answer = await w.post(
        "register", {"space_id": w.alice.space_id, "ai_plugin": manifest(), "openapi": padded}
    )
    assert answer.status_code == 400 and answer.json()["code"] == 4000, answer.text[:300]
    huge = "x" * (w.settings.max_body_bytes + 1)
    answer = await w.post(
        "register", {"space_id": w.alice.space_id, "ai_plugin": manifest(), "openapi": huge}
    )
    assert answer.status_code == 413, answer.text[:300]
    listed = await w.call("get_dev_plugin_list", {"space_id": w.alice.space_id})
    assert listed["plugin_list"] == []


async def test_secrets_are_never_answered(w: PluginWorld) -> None:
    """A service token and an OAuth client secret, through every read and edit route."""
    plugin_id = await w.register(w.alice, WEATHER_YAML, manifest(auth=service_auth(SECRET)))
    oauth_secret = "oauth-client-secret-91d2"
    oauth = json.dumps(
        {
            "client_id": "weather-app",
            "client_secret": oauth_secret,
            "token_url": "https://id.example.com/token",
        }
    )
    made = await w.call(
        "register_plugin_meta",
        {
            "space_id": w.alice.space_id,
            "name": "Calendar",
            "desc": "Dates",
            "url": "https://calendar.example.com",
            "icon": {"uri": ""},
            "auth_type": 3,
            "sub_auth_type": 10,
            "oauth_info": oauth,
        },
    )
    other = made["plugin_id"]
    await w.call("create_api", {"plugin_id": other, "name": "today", "desc": "Today's date"})
    await w.call("update_plugin_meta", {"plugin_id": plugin_id, "desc": "still secret"})
    for pid in (plugin_id, other):
        info = await w.call("get_plugin_info", {"plugin_id": pid})
        await w.tools(pid)
        await w.call("publish_plugin", {"plugin_id": pid, "version_name": "v1.0.0", "version_desc": "first"})
        await w.call("get_plugin_publish_history", {"plugin_id": pid})
    assert info["meta_info"]["client_secret_set"] is True and info["code_info"]["client_secret"] == ""
    assert json.loads(info["meta_info"]["oauth_info"]) == {
        "client_id": "weather-app",
        "token_url": "https://id.example.com/token",
        "scope": "",
    }
    await w.call("get_dev_plugin_list", {"space_id": w.alice.space_id})
    assert len(w.answers) >= 12
    for text in w.answers:
        assert SECRET not in text and oauth_secret not in text
    # and they are kept sealed, not in the clear, in the database
    from sqlalchemy import text as sql
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(w.settings.database_url)
    try:
        async with engine.connect() as conn:
            rows = (await conn.execute(sql("SELECT auth FROM plugin"))).scalars().all()
            versions = (await conn.execute(sql("SELECT meta FROM plugin_version"))).scalars().all()
    finally:
        await engine.dispose()
    stored = " ".join(str(r) for r in [*rows, *versions])
    assert "sealed_token" in stored and SECRET not in stored and oauth_secret not in stored
