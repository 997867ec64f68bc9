"""The SPA's agent routes (Coze Studio paths, session cookie) on SQLite and MariaDB: every route,
rights inside a team space, other spaces' agents, bad input and nothing half-written."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from bootstrap.settings import Settings
from tests.support.identity import create_user, sign_in
from tests.support.plugin_world import published_tools

Client = AsyncTestClient  # type: ignore[type-arg]
DRAFT = "/api/playground_api/draftbot"


async def call(client: Client, path: str, body: dict[str, Any]) -> dict[str, Any]:
    r = await client.post(path, json=body)
    data: dict[str, Any] = r.json()
    data["_status"] = r.status_code
    return data


async def signed_in(client: Client, settings: Settings) -> tuple[str, str]:
    """A fresh user signed in on `client`, with a team space; (user id, space id)."""
    user = await create_user(settings)
    await sign_in(client, user["email"])
    space = (await client.post("/api/playground_api/space/save", json={"name": "Team"})).json()["data"]["id"]
    return str(user["id"]), space


async def echo_model(client: Client) -> str:
    models = (await client.post("/api/bot/get_type_list", json={})).json()["data"]["model_list"]
    return str(next(m["model_type"] for m in models if m["model_name"] == "builtin-echo"))


async def test_every_route_in_order(anon_client: Client, settings: Settings) -> None:
    c = anon_client
    _, space = await signed_in(c, settings)
    model = await echo_model(c)
    made = await call(
        c, "/api/draftbot/create", {"space_id": space, "name": "Tutor", "icon_uri": "https://i.test/a.png"}
    )
    assert made["code"] == 0 and made["data"]["check_not_pass"] is False
    bot = made["data"]["bot_id"]

    info = (await call(c, f"{DRAFT}/get_draft_bot_info", {"bot_id": bot}))["data"]
    assert info["bot_info"]["name"] == "Tutor" and info["bot_info"]["icon_url"] == "https://i.test/a.png"
    assert info["bot_info"]["space_id"] == space and info["published_versions"] == {}
    assert info["bot_info"]["suggest_reply_info"]["suggest_reply_mode"] == 2  # disabled by default

    plugin_id, tools = await published_tools(c, space)
    api_id = tools["search"]
    unknown = {"bot_id": bot, "plugin_info_list": [{"plugin_id": plugin_id, "api_id": "999"}]}
    refused = await call(c, f"{DRAFT}/update_draft_bot_info", {"bot_info": unknown})
    assert refused["code"] != 0 and "not a published" in refused["msg"], refused
    update = {
        "bot_id": bot,
        "prompt_info": {"prompt": "Teach {{ subject|default('maths') }}."},
        "model_info": {
            "model_id": model,
            "temperature": 0.2,
            "response_format": 1,
            "short_memory_policy": {"history_round": 7},
        },
        "onboarding_info": {"prologue": "Ready?", "suggested_questions": ["Fractions"]},
        "suggest_reply_info": {"suggest_reply_mode": 0},
        "plugin_info_list": [{"plugin_id": plugin_id, "api_id": api_id, "api_name": "search"}],
        "workflow_info_list": [{"workflow_id": "7"}],
        "knowledge": {
            "knowledge_info": [{"id": "8"}],
            "auto": True,
            "search_strategy": 20,
            "top_k": 4,
            "min_score": 0.35,
            "show_source": True,
            "no_recall_reply_mode": 1,
            "no_recall_reply_customize_prompt": "Outside my knowledge.",
            "recall_strategy": {"use_rewrite": True},
        },
        "variable_list": [{"key": "subject", "default_value": "maths", "prompt_disabled": False}],
        "shortcut_sort": ["9"],
        "client_tools": [{"name": "calculator", "parameters": {"type": "object", "properties": {}}}],
    }
    done = await call(c, f"{DRAFT}/update_draft_bot_info", {"bot_info": update})
    assert done["code"] == 0 and done["data"]["has_change"] is True
    b = (await call(c, f"{DRAFT}/get_draft_bot_info", {"bot_id": bot}))["data"]["bot_info"]
    assert b["prompt_info"]["prompt"].startswith("Teach")
    assert b["model_info"]["model_id"] == model and b["model_info"]["response_format"] == 1
    assert b["model_info"]["short_memory_policy"]["history_round"] == 7
    assert b["suggest_reply_info"]["suggest_reply_mode"] == 0
    k = b["knowledge"]
    assert k["knowledge_info"] == [{"id": "8", "name": ""}] and k["search_strategy"] == 20
    assert (k["top_k"], k["min_score"], k["show_source"], k["show_source_mode"]) == (4, 0.35, True, 0)
    assert (k["no_recall_reply_mode"], k["no_recall_reply_customize_prompt"]) == (1, "Outside my knowledge.")
    assert k["recall_strategy"] == {"use_rerank": False, "use_rewrite": True, "use_nl2sql": False}
    assert b["variable_list"][0]["key"] == "subject" and b["shortcut_sort"] == ["9"]
    assert b["client_tools"][0]["name"] == "calculator"
    # partial: a later change of one model setting keeps the others
    await call(
        c, f"{DRAFT}/update_draft_bot_info", {"bot_info": {"bot_id": bot, "model_info": {"top_p": 0.5}}}
    )
    b = (await call(c, f"{DRAFT}/get_draft_bot_info", {"bot_id": bot}))["data"]["bot_info"]
    assert (b["model_info"]["temperature"], b["model_info"]["top_p"]) == (0.2, 0.5)

    connectors = (await call(c, "/api/draftbot/publish/connector/list", {"bot_id": bot}))["data"]
    assert [x["id"] for x in connectors["publish_connector_list"]] == ["1024", "999"]
    first = await call(
        c,
        "/api/draftbot/publish",
        {"bot_id": bot, "connectors": {"1024": {}, "999": {}}, "history_info": "First release 🎉"},
    )
    assert first["code"] == 0 and set(first["data"]["publish_result"]) == {"1024", "999"}
    second = await call(c, "/api/draftbot/publish", {"bot_id": bot, "connectors": {"1024": {}}})
    assert int(second["data"]["version"]) > int(first["data"]["version"])
    info = (await call(c, f"{DRAFT}/get_draft_bot_info", {"bot_id": bot}))["data"]
    assert info["published_versions"] == {"999": first["data"]["version"], "1024": second["data"]["version"]}
    connectors = (await call(c, "/api/draftbot/publish/connector/list", {"bot_id": bot}))["data"]
    assert [x["last_publish_version"] for x in connectors["publish_connector_list"]] == [
        second["data"]["version"],
        first["data"]["version"],
    ]

    history = (await call(c, "/api/draftbot/list_draft_history", {"bot_id": bot, "page_size": 1}))["data"]
    assert history["total"] == 2 and history["has_more"] is True
    assert history["history_infos"][0]["version"] == second["data"]["version"]  # newest first
    page2 = (
        await call(c, "/api/draftbot/list_draft_history", {"bot_id": bot, "page_size": 1, "page_index": 2})
    )["data"]
    assert page2["history_infos"][0]["version"] == first["data"]["version"] and page2["has_more"] is False
    assert [x["id"] for x in page2["history_infos"][0]["connector_infos"]] == ["1024", "999"]
    assert page2["history_infos"][0]["info"] == "First release 🎉"  # the publisher's note is kept
    assert history["history_infos"][0]["info"] == ""  # a publish without one

    copy = (await call(c, "/api/draftbot/duplicate", {"bot_id": bot, "space_id": space}))["data"]
    assert copy["name"] == "Tutor (copy)" and copy["bot_id"] != bot
    copied = (await call(c, f"{DRAFT}/get_draft_bot_info", {"bot_id": copy["bot_id"]}))["data"]
    assert copied["bot_info"]["prompt_info"] == b["prompt_info"] and copied["published_versions"] == {}

    listing = (
        await call(
            c, "/api/intelligence_api/search/get_draft_intelligence_list", {"space_id": space, "size": 1}
        )
    )["data"]
    assert listing["total"] == 2 and listing["has_more"] is True
    rest = (
        await call(
            c,
            "/api/intelligence_api/search/get_draft_intelligence_list",
            {"space_id": space, "size": 1, "cursor_id": listing["next_cursor_id"]},
        )
    )["data"]
    ids = {listing["intelligences"][0]["basic_info"]["id"], rest["intelligences"][0]["basic_info"]["id"]}
    assert ids == {bot, copy["bot_id"]} and rest["has_more"] is False
    published = [
        i for i in listing["intelligences"] + rest["intelligences"] if i["publish_info"]["has_published"]
    ]
    assert [i["basic_info"]["id"] for i in published] == [bot]

    assert (await call(c, "/api/draftbot/delete", {"bot_id": bot}))["code"] == 0
    assert (await call(c, f"{DRAFT}/get_draft_bot_info", {"bot_id": bot}))["code"] == 4200
    listing = (
        await call(c, "/api/intelligence_api/search/get_draft_intelligence_list", {"space_id": space})
    )["data"]
    assert listing["total"] == 1


async def test_members_edit_their_own_agents_only(anon_client: Client, settings: Settings) -> None:
    c = anon_client
    _, space = await signed_in(c, settings)
    owners_bot = (await call(c, "/api/draftbot/create", {"space_id": space, "name": "Owner's"}))["data"][
        "bot_id"
    ]
    member = await create_user(settings)
    added = await call(c, "/api/space/member/add", {"space_id": space, "user_id": str(member["id"])})
    assert added["code"] == 0, added
    await sign_in(c, member["email"])
    assert (await call(c, f"{DRAFT}/get_draft_bot_info", {"bot_id": owners_bot}))["code"] == 0
    denied = await call(
        c, f"{DRAFT}/update_draft_bot_info", {"bot_info": {"bot_id": owners_bot, "name": "Mine"}}
    )
    assert (denied["_status"], denied["code"]) == (403, 4101)
    assert (await call(c, "/api/draftbot/publish", {"bot_id": owners_bot, "connectors": {"1024": {}}}))[
        "code"
    ] == 4101
    assert (await call(c, "/api/draftbot/delete", {"bot_id": owners_bot}))["code"] == 4101
    mine = (await call(c, "/api/draftbot/create", {"space_id": space, "name": "Member's"}))["data"]["bot_id"]
    assert (
        await call(c, f"{DRAFT}/update_draft_bot_info", {"bot_info": {"bot_id": mine, "name": "Renamed"}})
    )["code"] == 0
    assert (await call(c, "/api/draftbot/publish", {"bot_id": mine, "connectors": {"999": {}}}))["code"] == 0
    assert (await call(c, "/api/draftbot/delete", {"bot_id": mine}))["code"] == 0


async def test_other_spaces_agents_are_not_found(anon_client: Client, settings: Settings) -> None:
    c = anon_client
    _, space = await signed_in(c, settings)
    bot = (await call(c, "/api/draftbot/create", {"space_id": space, "name": "Private"}))["data"]["bot_id"]
    _, other_space = await signed_in(c, settings)
    for path, body in [
        (f"{DRAFT}/get_draft_bot_info", {"bot_id": bot}),
        (f"{DRAFT}/update_draft_bot_info", {"bot_info": {"bot_id": bot, "name": "x"}}),
        ("/api/draftbot/publish", {"bot_id": bot, "connectors": {"1024": {}}}),
        ("/api/draftbot/list_draft_history", {"bot_id": bot}),
        ("/api/draftbot/duplicate", {"bot_id": bot}),
        ("/api/draftbot/delete", {"bot_id": bot}),
        ("/api/draftbot/publish/connector/list", {"bot_id": bot}),
        ("/api/draftbot/create", {"space_id": space, "name": "x"}),
        ("/api/intelligence_api/search/get_draft_intelligence_list", {"space_id": space}),
        (f"{DRAFT}/get_draft_bot_info", {"bot_id": "4242424242"}),
    ]:
        r = await call(c, path, body)
        assert (r["_status"], r["code"]) == (404, 4200), (path, r)
    # a space_id beside the bot must be the bot's own
    mine = (await call(c, "/api/draftbot/create", {"space_id": other_space, "name": "Mine"}))["data"][
        "bot_id"
    ]
    for path in (f"{DRAFT}/get_draft_bot_info", "/api/draftbot/duplicate", "/api/draftbot/delete"):
        assert (await call(c, path, {"bot_id": mine, "space_id": space}))["code"] == 4200
    assert (await call(c, f"{DRAFT}/get_draft_bot_info", {"bot_id": mine}))["code"] == 0


@pytest.mark.parametrize(
    ("path", "body", "needle"),
    [
        ("/api/draftbot/create", {"space_id": "SPACE", "name": " "}, "name"),
        ("/api/draftbot/create", {"space_id": "SPACE", "name": "ok", "extra": 1}, ""),
        ("/api/draftbot/create", {"space_id": "x1", "name": "ok"}, "space_id"),
        ("/api/draftbot/create", {"space_id": "SPACE", "name": "ok", "icon_uri": "u" * 1025}, "icon_uri"),
        (
            f"{DRAFT}/update_draft_bot_info",
            {"bot_info": {"bot_id": "BOT", "prompt_info": {"prompt": "{{ x.y }}"}}},
            "getattr",
        ),
        (
            f"{DRAFT}/update_draft_bot_info",
            {"bot_info": {"bot_id": "BOT", "model_info": {"model_id": "77"}}},
            "77",
        ),
        (
            f"{DRAFT}/update_draft_bot_info",
            {"bot_info": {"bot_id": "BOT", "model_info": {"response_format": 5}}},
            "response_format",
        ),
        (
            f"{DRAFT}/update_draft_bot_info",
            {"bot_info": {"bot_id": "BOT", "suggest_reply_info": {"suggest_reply_mode": 9}}},
            "suggest",
        ),
        (
            f"{DRAFT}/update_draft_bot_info",
            {"bot_info": {"bot_id": "BOT", "shortcut_sort": [str(i) for i in range(1, 12)]}},
            "shortcut",
        ),
        (
            f"{DRAFT}/update_draft_bot_info",
            {"bot_info": {"bot_id": "BOT", "plugin_info_list": [{"plugin_id": "0", "api_id": "1"}]}},
            "plugin_id",
        ),
        (
            f"{DRAFT}/update_draft_bot_info",
            {"bot_info": {"bot_id": "BOT", "name": "x", "model_info": {"temperature": "hot"}}},
            "",
        ),
        ("/api/draftbot/publish", {"bot_id": "BOT", "connectors": {"10000010": {}}}, "10000010"),
        ("/api/draftbot/publish", {"bot_id": "BOT", "connectors": {}}, "connector"),
        (
            "/api/draftbot/publish",
            {"bot_id": "BOT", "connectors": {"1024": {}}, "history_info": "n" * 1001},
            "history_info",
        ),
        ("/api/draftbot/list_draft_history", {"bot_id": "BOT", "page_size": 1000}, "page_size"),
        (
            "/api/intelligence_api/search/get_draft_intelligence_list",
            {"space_id": "SPACE", "cursor_id": "-1"},
            "cursor",
        ),
    ],
)
async def test_bad_input_is_refused_and_changes_nothing(
    anon_client: Client, settings: Settings, path: str, body: dict[str, Any], needle: str
) -> None:
    c = anon_client
    _, space = await signed_in(c, settings)
    bot = (await call(c, "/api/draftbot/create", {"space_id": space, "name": "Stable"}))["data"]["bot_id"]
    before = (await call(c, f"{DRAFT}/get_draft_bot_info", {"bot_id": bot}))["data"]
    r = await c.post(path, json=_filled(body, {"SPACE": space, "BOT": bot}))
    assert (r.status_code, r.json()["code"]) == (400, 4000), r.text
    assert needle in r.json()["msg"]
    after = (await call(c, f"{DRAFT}/get_draft_bot_info", {"bot_id": bot}))["data"]
    assert after == before
    listing = (
        await call(c, "/api/intelligence_api/search/get_draft_intelligence_list", {"space_id": space})
    )["data"]
    assert listing["total"] == 1
    history = (await call(c, "/api/draftbot/list_draft_history", {"bot_id": bot}))["data"]
    assert history["total"] == 0


def _filled(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: _filled(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_filled(v, names) for v in value]
    return names.get(value, value) if isinstance(value, str) else value


async def test_the_list_searches_names(anon_client: Client, settings: Settings) -> None:
    """`name` keeps the agents whose name holds it, ignoring case; LIKE wildcards are plain text."""
    c = anon_client
    _, space = await signed_in(c, settings)
    for name in ("Maths tutor", "History TUTOR", "Chef", "100% sure", "snake_case"):
        assert (await call(c, "/api/draftbot/create", {"space_id": space, "name": name}))["code"] == 0
    path = "/api/intelligence_api/search/get_draft_intelligence_list"

    async def names(**body: Any) -> tuple[list[str], int]:
        r = await call(c, path, {"space_id": space, **body})
        assert r["code"] == 0, r
        return sorted(i["basic_info"]["name"] for i in r["data"]["intelligences"]), r["data"]["total"]

    assert await names(name="tutor") == (["History TUTOR", "Maths tutor"], 2)
    assert await names(name="  chef ") == (["Chef"], 1)
    assert await names(name="%") == (["100% sure"], 1)
    assert await names(name="_") == (["snake_case"], 1)
    assert await names(name="nothing") == ([], 0)
    assert (await names(name=""))[1] == 5
    first = await call(c, path, {"space_id": space, "name": "tutor", "size": 1})
    assert first["data"]["has_more"] is True
    rest = await call(
        c, path, {"space_id": space, "name": "tutor", "size": 1, "cursor_id": first["data"]["next_cursor_id"]}
    )
    assert rest["data"]["has_more"] is False and len(rest["data"]["intelligences"]) == 1
    too_long = await call(c, path, {"space_id": space, "name": "x" * 41})
    assert (too_long["_status"], too_long["code"]) == (400, 4000)
