"""debug_api runs a draft tool with the editor's inputs (request shown with secrets masked, answer
as the model reads it, the tool marked debugged); convert_to_openapi turns curl, Postman or Swagger 2
into a document and manifest that register takes."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bootstrap.settings import Settings
from tests.support.plugin_upstream import API_KEY, PluginUpstream, upstream_settings
from tests.support.plugin_world import PluginWorld, manifest, plugin_world, service_auth


@pytest.fixture
def settings(database_url: str, tmp_path: Path, upstream: PluginUpstream) -> Settings:
    return upstream_settings(database_url, tmp_path, upstream)


@pytest.fixture
async def w(settings: Settings) -> AsyncIterator[PluginWorld]:
    async with plugin_world(settings) as world:
        yield world


def api(base_url: str) -> str:
    def get(operation_id: str, **extra: Any) -> dict[str, Any]:
        return {"get": {"operationId": operation_id, "responses": {"200": {"description": "ok"}}, **extra}}

    days = {"name": "days", "in": "query", "schema": {"type": "integer"}}
    return json.dumps(
        {
            "openapi": "3.0.1",
            "info": {"title": "Secure", "version": "1"},
            "servers": [{"url": f"{base_url}/v1"}],
            "paths": {"/secure": get("secure", parameters=[days]), "/broken": get("broken")},
        }
    )


async def _tools(w: PluginWorld, plugin_id: str) -> dict[str, dict[str, Any]]:
    return {t["name"]: t for t in await w.tools(plugin_id)}


async def test_debugging_calls_the_draft_tool_and_masks_the_secret(
    w: PluginWorld, upstream: PluginUpstream
) -> None:
    plugin_id = await w.register(w.alice, api(upstream.url), manifest(auth=service_auth(API_KEY)))
    tools = await _tools(w, plugin_id)
    assert tools["secure"]["debug_status"] == 0
    body = {
        "plugin_id": plugin_id,
        "api_id": tools["secure"]["api_id"],
        "parameters": '{"days": 2}',
        "operation": 1,
    }
    answer = await w.call("debug_api", body)
    assert answer["success"] is True and answer["reason"] == ""
    assert json.loads(answer["resp"]) == {"ok": True}
    sent = json.loads(answer["raw_req"])
    assert sent["method"] == "GET" and "days=2" in sent["url"]
    assert API_KEY not in answer["raw_req"] and "******" in answer["raw_req"]
    assert upstream.seen[-1].headers["x-api-key"] == API_KEY  # the real one went to the API only
    assert (await _tools(w, plugin_id))["secure"]["debug_status"] == 1
    assert all(API_KEY not in text for text in w.answers)


async def test_a_failing_or_refused_debug_call_says_why(w: PluginWorld, upstream: PluginUpstream) -> None:
    plugin_id = await w.register(w.alice, api(upstream.url))
    tools = await _tools(w, plugin_id)
    broken = await w.call("debug_api", {"plugin_id": plugin_id, "api_id": tools["broken"]["api_id"]})
    assert (
        broken["success"] is False and "500" in broken["reason"] and "upstream exploded" in broken["raw_resp"]
    )
    assert (await _tools(w, plugin_id))["broken"]["debug_status"] == 0
    wrong = {"plugin_id": plugin_id, "api_id": tools["secure"]["api_id"], "parameters": '{"days": "x"}'}
    refused = await w.call("debug_api", wrong)
    assert refused["success"] is False and "integer" in refused["reason"] and refused["raw_req"] == ""
    for parameters in ("[1]", "{not json"):
        bad = await w.post("debug_api", {**wrong, "parameters": parameters})
        assert bad.status_code == 400, bad.text
    # Another space's plugin is not found, and nothing is called.
    seen = len(upstream.seen)
    await w.as_user(w.bob)
    hidden = await w.post("debug_api", {"plugin_id": plugin_id, "api_id": tools["secure"]["api_id"]})
    assert hidden.status_code == 404 and len(upstream.seen) == seen


CURL = (
    "curl -X POST 'https://api.example.com/v2/notes?draft=1' -H 'Content-Type: application/json'"
    ' -d \'{"title": "hi"}\''
)


async def test_a_curl_command_converts_into_a_document_register_takes(w: PluginWorld) -> None:
    await w.as_user(w.alice)
    converted = await w.call(
        "convert_to_openapi", {"space_id": w.alice.space_id, "data": CURL, "plugin_name": "Notes"}
    )
    assert converted["plugin_data_format"] == 2
    document = yaml.safe_load(converted["openapi"])
    assert document["servers"] == [{"url": "https://api.example.com"}]
    (path,) = document["paths"]
    assert path == "/v2/notes" and "post" in document["paths"][path]
    manifest_data = json.loads(converted["ai_plugin"])
    assert manifest_data["name_for_human"] == "Notes" and manifest_data["auth"] == {"type": "none"}
    plugin_id = await w.register(w.alice, converted["openapi"], converted["ai_plugin"])
    assert len(await w.tools(plugin_id)) == 1


async def test_unusable_input_is_refused_with_where(w: PluginWorld) -> None:
    await w.as_user(w.alice)
    for data in ("just some words", '{"swagger": "2.0", "info": 3}'):
        refused = await w.post("convert_to_openapi", {"space_id": w.alice.space_id, "data": data})
        assert refused.status_code == 400, refused.text
    other = await w.post("convert_to_openapi", {"space_id": w.bob.space_id, "data": CURL})
    assert other.status_code == 404, other.text
