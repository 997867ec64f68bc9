"""Token API for bots (/v1/bot*, /v1/bots*, /v1/space/published_bots_list) on SQLite and MariaDB:
the whole life cycle in cozepy's shapes, bad input with the right codes, and nothing half-written."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from bootstrap.settings import Settings
from tests.support.identity import create_user, sign_in
from tests.support.plugin_world import published_tools

PAT = "/api/permission_api/pat"
Client = AsyncTestClient  # type: ignore[type-arg]


@dataclass
class Caller:
    client: Client
    space: str
    model: str
    bearer: dict[str, str]

    async def post(self, path: str, body: Any, **kw: Any) -> dict[str, Any]:
        r = await self.client.post(path, json=body, headers=self.bearer, **kw)
        data: dict[str, Any] = r.json()
        data["_status"] = r.status_code
        return data

    async def get(self, path: str, **params: Any) -> dict[str, Any]:
        r = await self.client.get(path, params=params, headers=self.bearer)
        data: dict[str, Any] = r.json()
        data["_status"] = r.status_code
        return data

    async def token(self, **extra: Any) -> dict[str, str]:
        r = await self.client.post(
            f"{PAT}/create_personal_access_token_and_permission",
            json={"name": "t", "duration_day": "1", **extra},
        )
        return {"authorization": f"Bearer {r.json()['data']['token']}"}

    async def create(self, name: str = "Helper", **extra: Any) -> str:
        made = await self.post("/v1/bot/create", {"space_id": self.space, "name": name, **extra})
        assert made["code"] == 0, made
        return str(made["data"]["bot_id"])


async def caller_for(client: Client, settings: Settings) -> Caller:
    user = await create_user(settings)
    await sign_in(client, user["email"])
    space = (await client.post("/api/playground_api/space/save", json={"name": "Bots"})).json()["data"]["id"]
    models = (await client.post("/api/bot/get_type_list", json={})).json()["data"]["model_list"]
    echo = next(m["model_type"] for m in models if m["model_name"] == "builtin-echo")
    c = Caller(client, space, echo, {})
    c.bearer = await c.token()
    return c


@pytest.fixture
async def me(anon_client: Client, settings: Settings) -> Caller:
    return await caller_for(anon_client, settings)


FULL = {
    "description": "answers questions",
    "prompt_info": {"prompt": "You are {{ role }}. {% if tone %}Be {{ tone }}.{% endif %}"},
    "onboarding_info": {"prologue": "Hi!", "suggested_questions": ["What can you do?", " "]},
    "suggest_reply_info": {"reply_mode": "customized", "customized_prompt": "three short follow-ups"},
    "workflow_id_list": {"ids": [{"id": "21"}]},
    "knowledge": {"dataset_ids": ["31"], "auto_call": False, "search_strategy": 1},
    "variables": [{"keyword": "role", "default_value": "a helper"}, {"keyword": "tone"}],
    "client_tools": [
        {
            "name": "get_weather",
            "description": "weather in a city",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
        }
    ],
}


async def test_life_cycle(me: Caller) -> None:
    model = {"model_id": me.model, "temperature": 0.3, "context_round": 5, "response_format": "markdown"}
    plugin_id, tools = await published_tools(me.client, me.space)
    search, suggest = tools["search"], tools["suggest"]
    plugins = {
        "id_list": [{"plugin_id": plugin_id, "api_id": search}, {"plugin_id": plugin_id, "api_id": suggest}]
    }
    bot = await me.create(model_info_config=model, plugin_id_list=plugins, **FULL)

    draft = await me.get(f"/v1/bots/{bot}", is_published="false")
    d = draft["data"]
    assert d["bot_id"] == bot and d["version"] == "" and d["bot_mode"] == 0
    assert d["prompt_info"]["prompt"].startswith("You are {{ role }}")
    assert d["onboarding_info"] == {"prologue": "Hi!", "suggested_questions": ["What can you do?"]}
    assert d["model_info"]["model_id"] == me.model and d["model_info"]["model_name"] == "builtin-echo"
    assert (d["model_info"]["temperature"], d["model_info"]["context_round"]) == (0.3, 5)
    assert d["suggest_reply_info"] == {
        "reply_mode": "customized",
        "customized_prompt": "three short follow-ups",
    }
    assert d["plugin_info_list"][0]["plugin_id"] == plugin_id
    assert [a["api_id"] for a in d["plugin_info_list"][0]["api_info_list"]] == [search, suggest]
    assert d["workflow_info_list"][0]["id"] == "21"
    assert d["knowledge"] == {
        "dataset_ids": ["31"],
        "auto_call": False,
        "search_strategy": 1,
        "top_k": 3,
        "min_score": 0.5,
        "show_source": False,
        "show_source_mode": 0,
        "no_recall_reply_mode": 0,
        "no_recall_reply_customize_prompt": "",
        "recall_strategy": {"use_rerank": False, "use_rewrite": False, "use_nl2sql": False},
    }
    # The knowledge settings beyond cozepy's three are kept when a later update names only those.
    settings = {"top_k": 6, "min_score": 0.2, "show_source": True, "no_recall_reply_mode": 1}
    custom = {**settings, "no_recall_reply_customize_prompt": "Not in my notes."}
    assert (await me.post("/v1/bot/update", {"bot_id": bot, "knowledge": custom}))["code"] == 0
    plain = {"dataset_ids": ["31", "32"], "auto_call": True, "search_strategy": 20}
    assert (await me.post("/v1/bot/update", {"bot_id": bot, "knowledge": plain}))["code"] == 0
    k = (await me.get(f"/v1/bots/{bot}", is_published="false"))["data"]["knowledge"]
    assert {n: k[n] for n in [*plain, *custom]} == {**plain, **custom}
    assert [v["keyword"] for v in d["variables"]] == ["role", "tone"]
    assert d["client_tools"][0]["name"] == "get_weather"

    # Not published yet: v1 retrieve, v2 default and the published lists say so.
    assert (await me.get("/v1/bot/get_online_info", bot_id=bot))["code"] == 4015
    assert (await me.get(f"/v1/bots/{bot}"))["code"] == 4015
    assert (await me.get("/v1/space/published_bots_list", space_id=me.space))["data"] == {
        "space_bots": [],
        "total": 0,
    }

    # Partial update: only what is named changes.
    upd = await me.post(
        "/v1/bot/update",
        {"bot_id": bot, "name": "Helper 2", "model_info_config": {"model_id": me.model, "top_p": 0.9}},
    )
    assert upd["code"] == 0 and upd["data"] == {}
    d = (await me.get(f"/v1/bots/{bot}", is_published="false"))["data"]
    assert d["name"] == "Helper 2" and d["description"] == "answers questions"
    assert (d["model_info"]["temperature"], d["model_info"]["top_p"]) == (0.3, 0.9)

    pub = await me.post("/v1/bot/publish", {"bot_id": bot, "connector_ids": ["1024", "999"]})
    assert pub["code"] == 0 and pub["data"]["bot_id"] == bot and pub["data"]["version"].isdigit()
    online = (await me.get("/v1/bot/get_online_info", bot_id=bot))["data"]
    assert online["version"] == pub["data"]["version"] and online["name"] == "Helper 2"

    # The published version is frozen: a later draft change does not reach it.
    await me.post("/v1/bot/update", {"bot_id": bot, "name": "Helper 3"})
    assert (await me.get("/v1/bot/get_online_info", bot_id=bot))["data"]["name"] == "Helper 2"
    assert (await me.get(f"/v1/bots/{bot}", is_published="true"))["data"]["name"] == "Helper 2"
    v1 = (await me.get("/v1/space/published_bots_list", space_id=me.space, page_size="", page_index=""))[
        "data"
    ]
    assert v1["total"] == 1 and v1["space_bots"][0]["bot_name"] == "Helper 2"
    assert v1["space_bots"][0]["publish_time"].isdigit()

    v2 = (await me.get("/v1/bots", workspace_id=me.space))["data"]
    assert v2["total"] == 1 and v2["items"][0]["name"] == "Helper 2" and v2["items"][0]["is_published"]
    drafts = (await me.get("/v1/bots", workspace_id=me.space, publish_status="published_draft"))["data"]
    assert drafts["items"][0]["name"] == "Helper 3"
    assert (await me.get("/v1/bots", workspace_id=me.space, publish_status="unpublished_draft"))["data"][
        "total"
    ] == 0

    gone = await me.post(
        f"/v1/bots/{bot}/unpublish", {"bot_id": bot, "connector_id": "1024", "unpublish_reason": None}
    )
    assert gone["code"] == 0
    assert (await me.get("/v1/bot/get_online_info", bot_id=bot))["code"] == 4015
    assert (await me.post(f"/v1/bots/{bot}/unpublish", {"bot_id": bot, "connector_id": "1024"}))[
        "code"
    ] == 4015
    # still live on the Chat SDK connector
    assert (await me.get(f"/v1/bots/{bot}"))["data"]["version"] == pub["data"]["version"]
    unpublished = await me.get(
        "/v1/bots", workspace_id=me.space, publish_status="unpublished_draft", connector_id="1024"
    )
    assert unpublished["data"]["total"] == 1 and not unpublished["data"]["items"][0]["is_published"]


async def test_paging_to_the_end_without_duplicates(me: Caller) -> None:
    bots = [await me.create(f"Bot {i}") for i in range(5)]
    for b in bots:
        assert (await me.post("/v1/bot/publish", {"bot_id": b}))["code"] == 0
    seen: list[str] = []
    for page in (1, 2, 3):
        data = (
            await me.get("/v1/space/published_bots_list", space_id=me.space, page_size=2, page_index=page)
        )["data"]
        assert data["total"] == 5
        seen += [b["bot_id"] for b in data["space_bots"]]
    assert sorted(seen) == sorted(bots)
    seen = []
    for page in (1, 2, 3):
        data = (
            await me.get(
                "/v1/bots", workspace_id=me.space, publish_status="all", page_size=2, page_index=page
            )
        )["data"]
        seen += [b["id"] for b in data["items"]]
    assert sorted(seen) == sorted(bots)


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"name": 5}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 41}, "name"),
        ({"name": "ok", "prompt_info": {"prompt": "x" * 20_001}}, "prompt"),
        ({"name": "ok", "prompt_info": {"prompt": "{{ oops"}}, "template"),
        ({"name": "ok", "prompt_info": {"prompt": "{{ ''.__class__.__mro__ }}"}}, "getattr"),
        ({"name": "ok", "prompt_info": {"prompt": "{{ cycler.__init__.__globals__ }}"}}, "getattr"),
        ({"name": "ok", "prompt_info": {"prompt": "{% for i in range(99999) %}{% endfor %}"}}, "for"),
        ({"name": "ok", "model_info_config": {"model_id": "999999"}}, "999999"),
        ({"name": "ok", "model_info_config": {"model_id": "abc"}}, "model_id"),
        ({"name": "ok", "model_info_config": {"model_id": "1", "temperature": 9}}, ""),
        ({"name": "ok", "suggest_reply_info": {"reply_mode": "customized"}}, "customized_prompt"),
        ({"name": "ok", "suggest_reply_info": {"reply_mode": "sometimes"}}, "reply_mode"),
        ({"name": "ok", "workflow_id_list": {"ids": [{"id": "-1"}]}}, "workflow"),
        ({"name": "ok", "knowledge": {"dataset_ids": ["1"], "search_strategy": 7}}, "search_strategy"),
        ({"name": "ok", "knowledge": {"top_k": 21}}, "top_k"),
        ({"name": "ok", "knowledge": {"min_score": -0.1}}, "min_score"),
        ({"name": "ok", "knowledge": {"no_recall_reply_mode": 1}}, "no_recall_reply_customize_prompt"),
        ({"name": "ok", "knowledge": {"recall_strategy": {"use_nl2sql": "yes"}}}, "nl2sql"),
        ({"name": "ok", "variables": [{"keyword": "1bad"}]}, "keyword"),
        ({"name": "ok", "variables": [{"keyword": "a"}, {"keyword": "a"}]}, "twice"),
        ({"name": "ok", "client_tools": [{"name": "bad name"}]}, "client tool"),
        ({"name": "ok", "client_tools": [{"name": "t", "parameters": {"type": "string"}}]}, "object"),
        ({"name": "ok", "plugin_id_list": {"id_list": [{"plugin_id": "1", "api_id": "x"}]}}, "api_id"),
        ({"name": "ok", "surprise": 1}, ""),
    ],
)
async def test_bad_create_is_refused_and_writes_nothing(
    me: Caller, body: dict[str, Any], needle: str
) -> None:
    r = await me.post("/v1/bot/create", {"space_id": me.space, **body})
    assert (r["_status"], r["code"]) == (400, 4000), r
    assert needle in r["msg"], r["msg"]
    listed = await me.get("/v1/bots", workspace_id=me.space, publish_status="all")
    assert listed["data"]["total"] == 0


async def test_a_refused_update_changes_nothing(me: Caller) -> None:
    bot = await me.create(prompt_info={"prompt": "kept"})
    r = await me.post(
        "/v1/bot/update", {"bot_id": bot, "name": "new name", "prompt_info": {"prompt": "{% broken"}}
    )
    assert r["code"] == 4000
    d = (await me.get(f"/v1/bots/{bot}", is_published="false"))["data"]
    assert (d["name"], d["prompt_info"]["prompt"]) == ("Helper", "kept")


async def test_unknown_and_foreign_bots_are_not_found(
    me: Caller, anon_client: Client, settings: Settings
) -> None:
    mine = await me.create()
    for path in ("/v1/bot/get_online_info",):
        r = await me.get(path, bot_id="123456789")
        assert (r["_status"], r["code"]) == (404, 4200)
    assert (await me.post("/v1/bot/update", {"bot_id": "123456789", "name": "x"}))["code"] == 4200
    assert (await me.post("/v1/bot/publish", {"bot_id": "123456789"}))["code"] == 4200

    other = await caller_for(anon_client, settings)
    for r in (
        await other.get(f"/v1/bots/{mine}", is_published="false"),
        await other.get("/v1/bot/get_online_info", bot_id=mine),
        await other.post("/v1/bot/update", {"bot_id": mine, "name": "taken"}),
        await other.post("/v1/bot/publish", {"bot_id": mine}),
        await other.post(f"/v1/bots/{mine}/unpublish", {"connector_id": "1024"}),
        await other.get("/v1/bots", workspace_id=me.space),
        await other.get("/v1/space/published_bots_list", space_id=me.space),
        await other.post("/v1/bot/create", {"space_id": me.space, "name": "intruder"}),
    ):
        assert (r["_status"], r["code"]) == (404, 4200), r


async def test_bad_parameters(me: Caller) -> None:
    bot = await me.create()
    cases = [
        await me.post("/v1/bot/publish", {"bot_id": bot, "connector_ids": ["5"]}),
        await me.post("/v1/bot/publish", {"bot_id": bot, "connector_ids": ["api"]}),
        await me.post("/v1/bot/publish", {"bot_id": bot, "connector_ids": "1024"}),
        await me.post(f"/v1/bots/{bot}/unpublish", {"connector_id": "77"}),
        await me.post(f"/v1/bots/{bot}/unpublish", {"bot_id": "1", "connector_id": "1024"}),
        await me.get("/v1/bots", workspace_id=me.space, page_size="500"),
        await me.get("/v1/bots", workspace_id=me.space, page_index="zero"),
        await me.get("/v1/bots", workspace_id=me.space, publish_status="hidden"),
        await me.get("/v1/bots"),
        await me.get("/v1/bot/get_online_info", bot_id=""),
        await me.get(f"/v1/bots/{bot}", is_published="maybe"),
    ]
    for r in cases:
        assert (r["_status"], r["code"]) == (400, 4000), r
    assert (await me.get("/v1/bots", workspace_id=me.space, publish_status="all"))["data"]["items"][0][
        "id"
    ] == bot


async def test_scopes_and_space_binding(me: Caller) -> None:
    bot = await me.create()
    reader = await me.token(scopes=["bot:read"])
    r = await me.client.post("/v1/bot/create", json={"space_id": me.space, "name": "x"}, headers=reader)
    assert r.json()["code"] == 4101
    r = await me.client.get(f"/v1/bots/{bot}", params={"is_published": "false"}, headers=reader)
    assert r.json()["code"] == 0
    chat_only = await me.token(scopes=["chat"])
    r = await me.client.get(f"/v1/bots/{bot}", params={"is_published": "false"}, headers=chat_only)
    assert r.json()["code"] == 4101
    personal = (await me.client.post("/api/playground_api/space/list", json={})).json()["data"][
        "bot_space_list"
    ]
    elsewhere = next(s["id"] for s in personal if s["id"] != me.space)
    bound = await me.token(space_id=elsewhere)
    r = await me.client.get(f"/v1/bots/{bot}", params={"is_published": "false"}, headers=bound)
    assert (r.status_code, r.json()["code"]) == (404, 4200)
