"""cozepy 0.20.0, unmodified, drives the bots API of a running `cozeplus serve`: create, update,
publish, unpublish, retrieve (v1 and v2) and list (v1 and v2) paging to the end. Runs on the
shared served process of tests/e2e/conftest.py, once per parametrisation."""

from __future__ import annotations

from typing import Any

import pytest
from cozepy import (
    BotKnowledge,
    BotModelInfo,
    BotOnboardingInfo,
    BotPromptInfo,
    BotSuggestReplyInfo,
    Coze,
    CozeAPIError,
    PublishStatus,
    SuggestReplyMode,
)
from cozepy.bots import BotMode, PluginIDList, WorkflowIDList

from tests.e2e.conftest import coze_for
from tests.support.plugin_world import SEARCH_API, manifest
from tests.support.served import Account, Served


@pytest.fixture(scope="module")
def coze(served: Served, owner: Account, echo_model_id: str) -> tuple[Coze, str, str]:
    """A client with the session owner's token, its personal space id and the builtin-echo model id
    (the shared served process: embedded defaults, then the real servers)."""
    return coze_for(served, owner.token), owner.space_id, echo_model_id


@pytest.fixture(scope="module")
def search_tool(owner: Account) -> tuple[str, str]:
    """A published plugin tool of the owner's space (what an agent may bind): plugin id, api id."""

    def call(route: str, body: dict[str, Any]) -> dict[str, Any]:
        answer: dict[str, Any] = owner.web.post(f"/api/plugin_api/{route}", json=body).json()
        assert answer["code"] == 0, (route, answer)
        return answer

    made = call(
        "register", {"space_id": owner.space_id, "ai_plugin": manifest("Search"), "openapi": SEARCH_API}
    )
    plugin_id = str(made["data"]["plugin_id"])
    call("publish_plugin", {"plugin_id": plugin_id, "version_name": "v1.0.0"})
    apis = call("get_plugin_apis", {"plugin_id": plugin_id, "page": 1, "size": 10})
    return plugin_id, str(apis["api_info"][0]["api_id"])


def test_bot_life_cycle(coze: tuple[Coze, str, str], search_tool: tuple[str, str]) -> None:
    client, space, echo = coze
    plugin_id, api_id = search_tool
    created = client.bots.create(
        space_id=space,
        name="SDK helper",
        description="made by cozepy",
        prompt_info=BotPromptInfo(prompt="You are {{ role }}."),
        onboarding_info=BotOnboardingInfo(prologue="Hello", suggested_questions=["What now?"]),
        suggest_reply_info=BotSuggestReplyInfo(reply_mode=SuggestReplyMode.ENABLE),
        model_info_config=BotModelInfo(model_id=echo, temperature=0.4, context_round=6),
        plugin_id_list=PluginIDList(id_list=[PluginIDList.PluginIDInfo(plugin_id=plugin_id, api_id=api_id)]),
        workflow_id_list=WorkflowIDList(ids=[WorkflowIDList.WorkflowIDInfo(id="21")]),
    )
    bot_id = created.bot_id
    assert bot_id.isdigit() and created.response.logid

    client.bots.update(
        bot_id=bot_id,
        name="SDK helper 2",
        knowledge=BotKnowledge(dataset_ids=["31"], auto_call=False, search_strategy=1),
        model_info_config=BotModelInfo(model_id=echo, top_p=0.8),
    )
    draft = client.bots.retrieve(bot_id=bot_id, is_published=False, use_api_version=2)
    assert (draft.name, draft.description, draft.version) == ("SDK helper 2", "made by cozepy", "")
    assert draft.bot_mode is BotMode.SINGLE_AGENT
    assert draft.prompt_info is not None and draft.prompt_info.prompt == "You are {{ role }}."
    assert draft.onboarding_info is not None and draft.onboarding_info.suggested_questions == ["What now?"]
    assert draft.model_info is not None and draft.model_info.model_name == "builtin-echo"
    assert (draft.model_info.temperature, draft.model_info.top_p, draft.model_info.context_round) == (
        0.4,
        0.8,
        6,
    )
    assert draft.knowledge is not None and draft.knowledge.dataset_ids == ["31"]
    assert (
        draft.suggest_reply_info is not None
        and draft.suggest_reply_info.reply_mode == SuggestReplyMode.ENABLE
    )
    assert draft.plugin_info_list is not None and draft.plugin_info_list[0].plugin_id == plugin_id
    assert draft.workflow_info_list is not None and draft.workflow_info_list[0].id == "21"

    for retrieve in (
        lambda: client.bots.retrieve(bot_id=bot_id),
        lambda: client.bots.retrieve(bot_id=bot_id, use_api_version=2),
    ):
        with pytest.raises(CozeAPIError) as unpublished:
            retrieve()
        assert unpublished.value.code == 4015

    published = client.bots.publish(bot_id=bot_id)
    assert published.bot_id == bot_id and published.version
    online = client.bots.retrieve(bot_id=bot_id)
    assert (online.version, online.name) == (published.version, "SDK helper 2")
    client.bots.update(bot_id=bot_id, name="draft only")
    assert client.bots.retrieve(bot_id=bot_id, is_published=True, use_api_version=2).name == "SDK helper 2"

    client.bots.unpublish(bot_id=bot_id, connector_id="1024")
    with pytest.raises(CozeAPIError) as gone:
        client.bots.retrieve(bot_id=bot_id)
    assert gone.value.code == 4015
    with pytest.raises(CozeAPIError) as unknown:
        client.bots.retrieve(bot_id="123456789", is_published=False, use_api_version=2)
    assert unknown.value.code == 4200


def test_lists_page_to_the_end(coze: tuple[Coze, str, str]) -> None:
    client, _, _ = coze
    space = client.workspaces.list().items[0].id
    made = [client.bots.create(space_id=space, name=f"Listed {i}").bot_id for i in range(5)]
    for bot_id in made[:3]:
        client.bots.publish(bot_id=bot_id, connector_ids=["1024"])

    v1 = client.bots.list(space_id=space, page_size=2)
    v1_ids = [b.bot_id for b in v1]
    assert v1.total >= 3 and len(v1_ids) == len(set(v1_ids)) == v1.total
    assert set(made[:3]) <= set(v1_ids) and not set(made[3:]) & set(v1_ids)
    assert all(b.is_published and b.publish_time.isdigit() for b in v1)

    online = list(client.bots.list(space_id=space, page_size=2, use_api_version=2))
    assert [b.id for b in online if b.id in made] and {b.id for b in online} == set(v1_ids)
    every = client.bots.list(space_id=space, publish_status=PublishStatus.ALL, page_size=2, use_api_version=2)
    every_ids = [b.id for b in every]
    assert len(every_ids) == len(set(every_ids)) == every.total and set(made) <= set(every_ids)
    drafts = client.bots.list(
        space_id=space,
        publish_status=PublishStatus.UNPUBLISHED_DRAFT,
        connector_id="1024",
        page_size=2,
        use_api_version=2,
    )
    unpublished = {b.id for b in drafts}
    assert set(made[3:]) <= unpublished and not set(made[:3]) & unpublished
    assert all(not b.is_published and b.owner_user_id for b in drafts)
