"""Model management through the HTTP API: the admin flows of every provider against scripted local
servers, the member listing, bad input, and keys that never come back out."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bootstrap.settings import Settings
from tests.support.fake_anthropic import FakeAnthropic
from tests.support.fake_llm import ScriptedServer, Status, free_port, serving
from tests.support.fake_ollama import FakeOllama
from tests.support.fake_openai import FakeOpenAI
from tests.support.identity import create_user, sign_in

KEY = "sk-apitest-5a4b3c2d1e0f99887766"
CREATE = "/api/admin/config/model/create"
LIST = "/api/admin/config/model/list"
UPDATE = "/api/admin/config/model/update"
DELETE = "/api/admin/config/model/delete"
TEST = "/api/admin/config/model/test"
TYPE_LIST = "/api/bot/get_type_list"

Client = AsyncTestClient[Any]


@pytest.fixture(scope="module")
def openai_server() -> Iterator[ScriptedServer]:
    with serving(FakeOpenAI(), "/v1") as server:
        yield server


@pytest.fixture(scope="module")
def ollama_server() -> Iterator[ScriptedServer]:
    with serving(FakeOllama()) as server:
        yield server


@pytest.fixture(scope="module")
def anthropic_server() -> Iterator[ScriptedServer]:
    with serving(FakeAnthropic()) as server:
        yield server


def body(name: str, url: str, *, provider: str = "openai", key: str = KEY, **extra: Any) -> dict[str, Any]:
    return {
        "model_name": name,
        "provider": provider,
        "connection": {
            "base_conn_info": {"base_url": url, "api_key": key, "model": "fake-model"},
            "max_retries": 0,
        },
        **extra,
    }


def models_of(listing: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for group in listing["data"]["provider_model_list"] for m in group["model_list"]]


async def test_first_start_registers_the_builtins(client: Client) -> None:
    r = await client.get(LIST)
    assert r.status_code == 200, r.text
    models = {m["display_info"]["name"]: m for m in models_of(r.json())}
    assert set(models) == {"builtin-echo", "builtin-hash"}
    echo, hashing = models["builtin-echo"], models["builtin-hash"]
    assert (echo["type"], echo["is_default"], echo["builtin"]) == (0, True, True)
    assert (hashing["type"], hashing["is_default"], hashing["capability"]["embedding_dimension"]) == (
        1,
        True,
        256,
    )
    assert r.json()["data"]["provider_model_list"][0]["provider"]["key"] == "builtin"


async def test_admin_adds_tests_updates_and_deletes_an_openai_model(
    client: Client, openai_server: ScriptedServer, settings: Settings
) -> None:
    openai_server.clear()
    r = await client.post(CREATE, json=body("GPT via fake", openai_server.url, description="scripted"))
    assert r.status_code == 200, r.text
    created = r.json()["data"]
    model_id = created["id"]
    assert created["model"]["connection"]["base_conn_info"]["api_key"] == ""
    assert created["model"]["connection"]["api_key_set"] is True
    assert KEY not in r.text
    assert [p["name"] for p in created["model"]["parameters"]] == ["temperature", "top_p", "max_tokens"]

    r = await client.post(TEST, json={"id": model_id})
    result = r.json()["data"]
    assert result["ok"] is True, result
    assert result["latency_ms"] > 0 and result["error"] is None
    sent = openai_server.requests[-1]
    assert sent.headers["authorization"] == f"Bearer {KEY}"  # the sealed key was opened for the call
    assert 1 in (sent.body.get("max_tokens"), sent.body.get("max_completion_tokens"))  # a one-token request

    r = await client.post(UPDATE, json={"id": model_id, "model_name": "GPT renamed", "is_default": True})
    assert r.status_code == 200, r.text
    assert r.json()["data"]["is_default"] is True
    listing = {m["display_info"]["name"]: m for m in models_of((await client.get(LIST)).json())}
    assert listing["GPT renamed"]["is_default"] and not listing["builtin-echo"]["is_default"]
    assert listing["GPT renamed"]["connection"]["api_key_set"]  # an update without a key keeps it

    r = await client.post(DELETE, json={"id": model_id})
    assert r.status_code == 409 and r.json()["code"] == 4090  # the default: make another one first
    echo_id = listing["builtin-echo"]["id"]
    assert (await client.post(UPDATE, json={"id": echo_id, "is_default": True})).status_code == 200
    assert (await client.post(DELETE, json={"id": model_id})).status_code == 200
    assert "GPT renamed" not in {
        m["display_info"]["name"] for m in models_of((await client.get(LIST)).json())
    }
    r = await client.post(TEST, json={"id": model_id})
    assert r.status_code == 404 and r.json()["code"] == 4200

    audit = (await client.get("/api/admin/audit/list", params={"target_type": "model"})).json()["data"]
    actions = (
        {e["action"] for e in audit["items"]} if "items" in audit else {e["action"] for e in audit["entries"]}
    )
    assert {"admin.model.create", "admin.model.update", "admin.model.delete", "admin.model.test"} <= actions
    assert KEY not in str(audit)


async def test_api_keys_are_sealed_at_rest(
    client: Client, openai_server: ScriptedServer, settings: Settings
) -> None:
    r = await client.post(CREATE, json=body("sealed", openai_server.url))
    model_id = int(r.json()["data"]["id"])
    engine = create_async_engine(settings.resolved_database_url)
    try:
        async with engine.connect() as conn:
            stored = (
                await conn.execute(
                    text("SELECT api_key_sealed FROM model_instance WHERE id = :id"), {"id": model_id}
                )
            ).scalar_one()
    finally:
        await engine.dispose()
    assert stored.startswith("v1.") and KEY not in stored


@pytest.mark.parametrize(
    ("provider", "server_name"),
    [("ollama", "ollama_server"), ("anthropic", "anthropic_server"), ("deepseek", "openai_server")],
)
async def test_every_provider_can_be_added_and_tested(
    client: Client, provider: str, server_name: str, request: pytest.FixtureRequest
) -> None:
    server: ScriptedServer = request.getfixturevalue(server_name)
    key = "" if provider == "ollama" else KEY
    r = await client.post(CREATE, json=body(f"{provider} model", server.url, provider=provider, key=key))
    assert r.status_code == 200, r.text
    result = (await client.post(TEST, json={"id": r.json()["data"]["id"]})).json()["data"]
    assert result["ok"] is True, result


async def test_embedding_and_coze_model_class(client: Client, openai_server: ScriptedServer) -> None:
    # Coze Studio's shape: model_class 1 (GPT) instead of our provider key; type 1 = text embedding.
    payload = body("embed", openai_server.url, type=1, capability={"embedding_dimension": 8})
    del payload["provider"]
    payload["model_class"] = 1
    r = await client.post(CREATE, json=payload)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["model"]["provider"]["key"] == "openai"
    result = (await client.post(TEST, json={"id": r.json()["data"]["id"]})).json()["data"]
    assert (result["ok"], result["dimension"]) == (True, 8)


async def test_unsaved_settings_can_be_tried_before_saving(
    client: Client, openai_server: ScriptedServer
) -> None:
    r = await client.post(TEST, json={"model": body("draft", openai_server.url)})
    assert r.json()["data"]["ok"] is True, r.text
    assert "draft" not in {m["display_info"]["name"] for m in models_of((await client.get(LIST)).json())}


async def test_a_failing_provider_is_reported_without_the_key(
    client: Client, openai_server: ScriptedServer
) -> None:
    created = (await client.post(CREATE, json=body("refused", openai_server.url))).json()["data"]
    openai_server.enqueue(Status(401, {"error": {"message": f"Incorrect API key provided: {KEY}"}}))
    r = await client.post(TEST, json={"id": created["id"]})
    result = r.json()["data"]
    assert result["ok"] is False
    assert result["error"]["code"] == 5021
    assert "refused the credentials" in result["error"]["msg"]
    assert KEY not in r.text and KEY[:14] not in r.text

    openai_server.enqueue(Status(500, {"error": {"message": "upstream exploded"}}))
    result = (await client.post(TEST, json={"id": created["id"]})).json()["data"]
    assert (result["ok"], result["error"]["code"]) == (False, 5023)
    assert "upstream exploded" in result["error"]["msg"]

    r = await client.post(
        TEST,
        json={"model": body("nowhere", f"http://127.0.0.1:{free_port()}/v1")},
        headers={"accept-language": "zh-CN"},
    )
    result = r.json()["data"]
    assert (result["ok"], result["error"]["code"]) == (False, 5023)
    assert "不可用" in result["error"]["msg"]


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        ({"model_name": "x", "provider": "acme"}, "unknown model provider acme"),
        ({"model_name": "x", "model_class": 4242}, "model_class 4242"),
        (
            {"model_name": "x", "provider": "openai", "connection": {"base_conn_info": {"model": "m"}}},
            "needs an api_key",
        ),
        ({"model_name": "x", "provider": "ollama", "type": 7}, "type must be"),
        (
            {"model_name": "", "provider": "ollama", "connection": {"base_conn_info": {"model": "m"}}},
            "name must be",
        ),
        (
            {
                "model_name": "x",
                "provider": "anthropic",
                "type": 1,
                "connection": {"base_conn_info": {"model": "m", "api_key": "k"}},
            },
            "offers no text_embedding",
        ),
        (
            {
                "model_name": "x",
                "provider": "ollama",
                "connection": {"base_conn_info": {"model": "m"}},
                "parameters": [
                    {"name": "temperature", "type": 1, "default_val": "9", "min": "0", "max": "2"}
                ],
            },
            "default outside its range",
        ),
        (
            {
                "model_name": "x",
                "provider": "ollama",
                "fallback_id": "12345",
                "connection": {"base_conn_info": {"model": "m"}},
            },
            "fallback_id",
        ),
        ({"model_name": "x", "provider": "ollama", "surprise": 1}, "surprise"),
    ],
)
async def test_bad_model_settings_get_clear_errors(
    client: Client, payload: dict[str, Any], fragment: str
) -> None:
    r = await client.post(CREATE, json=payload)
    assert r.status_code == 400, r.text
    assert r.json()["code"] == 4000
    assert fragment in r.json()["msg"]


async def test_members_list_active_models_without_connection_details(
    client: Client, openai_server: ScriptedServer, settings: Settings
) -> None:
    await client.post(CREATE, json=body("offered", openai_server.url))
    await client.post(CREATE, json=body("switched off", openai_server.url, enabled=False))
    member = await create_user(settings)
    await sign_in(client, member["email"])
    assert (await client.get(LIST)).status_code == 403
    assert (await client.post(CREATE, json=body("sneaky", openai_server.url))).status_code == 403

    r = await client.post(TYPE_LIST, json={"model": True})
    assert r.status_code == 200, r.text
    listed = r.json()["data"]["model_list"]
    names = [m["name"] for m in listed]
    assert names[0] == "builtin-echo"  # the default first
    assert "offered" in names and "switched off" not in names and "builtin-hash" not in names
    assert "base_url" not in r.text and KEY not in r.text and openai_server.url not in r.text
    offered = next(m for m in listed if m["name"] == "offered")
    assert offered["model_class"] == 1 and offered["model_name"] == "fake-model"
    assert {p["name"] for p in offered["model_params"]} == {"temperature", "top_p", "max_tokens"}
    embeddings = (await client.post(TYPE_LIST, json={"kind": 1})).json()["data"]["model_list"]
    assert [m["name"] for m in embeddings] == ["builtin-hash"]

    spaces = (await client.post("/api/playground_api/space/list", json={})).json()["data"]["bot_space_list"]
    own = spaces[0]["id"]
    assert (await client.post(TYPE_LIST, json={"space_id": own})).status_code == 200
    r = await client.post(TYPE_LIST, json={"space_id": "999999999999"})
    assert r.status_code == 404


async def test_readiness_lists_the_llm_runtime(client: Client) -> None:
    r = await client.get("/readyz")
    llm = r.json()["components"]["llm"]
    assert llm["ok"] is True and llm["adapter"] == "builtin"
    assert "builtin-echo" in llm["detail"]
