"""cozepy 0.20.0, unmodified, drives the bots API of a running `cozeplus serve`: create, update,
publish, unpublish, retrieve (v1 and v2) and list (v1 and v2) paging to the end."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator

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
    TokenAuth,
)
from cozepy.bots import BotMode, PluginIDList, WorkflowIDList

from tests.support.processes import COZEPLUS, cozeplus_env, free_port, start, wait_http


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    tmp = tmp_path_factory.mktemp("cozepy-bots")
    port = free_port()
    env = cozeplus_env(COZEPLUS_DATA_DIR=str(tmp / "data"), COZEPLUS_PORT=str(port))
    subprocess.run([*COZEPLUS, "migrate"], env=env, check=True, capture_output=True)
    proc = start(["serve"], tmp, env, tmp / "serve.log")
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz")
        yield f"http://127.0.0.1:{port}", env
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)


def run(env: dict[str, str], *args: str) -> str:
    out = subprocess.run([*COZEPLUS, *args], env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip()


@pytest.fixture(scope="module")
def coze(server: tuple[str, dict[str, str]]) -> tuple[Coze, str, str]:
    """A client with a fresh account's token, its personal space id and the builtin-echo model id."""
    base_url, env = server
    run(env, "admin", "create-user", "--email", "bots@example.com", "--password", "sdk password 1")
    token = run(env, "admin", "create-token", "--email", "bots@example.com", "--name", "bots", "--days", "1")
    client = Coze(auth=TokenAuth(token), base_url=base_url)
    space = next(iter(client.workspaces.list())).id
    echo = next(
        line.split("\t")[0] for line in run(env, "models", "list").splitlines() if "builtin-echo" in line
    )
    return client, space, echo


def test_bot_life_cycle(coze: tuple[Coze, str, str]) -> None:
    client, space, echo = coze
    created = client.bots.create(
        space_id=space,
        name="SDK helper",
        description="made by cozepy",
        prompt_info=BotPromptInfo(prompt="You are {{ role }}."),
        onboarding_info=BotOnboardingInfo(prologue="Hello", suggested_questions=["What now?"]),
        suggest_reply_info=BotSuggestReplyInfo(reply_mode=SuggestReplyMode.ENABLE),
        model_info_config=BotModelInfo(model_id=echo, temperature=0.4, context_round=6),
        plugin_id_list=PluginIDList(id_list=[PluginIDList.PluginIDInfo(plugin_id="11", api_id="12")]),
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
    assert draft.plugin_info_list is not None and draft.plugin_info_list[0].plugin_id == "11"
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
