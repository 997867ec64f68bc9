"""Agent persistence and the AgentDirectory through the real container, on SQLite and MariaDB:
a draft round-trips its whole configuration, publishing makes a version live per connector, a newer
publish replaces it, unpublish and delete take it away."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta

import pytest

from application.common.actor import Actor
from bootstrap.container import Container
from bootstrap.runtime import Runtime
from crossdomain.agent import CONNECTOR_API, CONNECTOR_CHAT_SDK, AgentKnowledge, AgentPluginTool
from domain.agent.config import AgentConfig
from domain.agent.entities import AgentDraft, Icon
from domain.agent.values import (
    ClientToolSpec,
    KnowledgeBinding,
    ModelSettings,
    NoRecallReply,
    Onboarding,
    PluginBinding,
    ResponseFormat,
    SuggestReply,
    SuggestReplyMode,
    Variable,
)

CONFIG = AgentConfig(
    persona_prompt="You are {{ role }}.",
    model=ModelSettings(model_id=7, temperature=0.5, max_tokens=512, response_format=ResponseFormat.JSON),
    onboarding=Onboarding("Hello!", ("What can you do?",)),
    suggest_reply=SuggestReply(SuggestReplyMode.CUSTOMIZED, "suggest three follow-ups"),
    plugins=(PluginBinding(11, 12, (("days", "3"), ("region", "eu")), ("region",)),),
    workflow_ids=(21,),
    knowledge=KnowledgeBinding(
        (31, 32),
        auto_call=False,
        search_strategy=20,
        top_k=7,
        min_score=0.2,
        show_source=True,
        no_recall_reply_mode=NoRecallReply.CUSTOM,
        no_recall_reply_customize_prompt="not in my notes",
        use_rewrite=True,
    ),
    variables=(Variable("role", "a helper", "who the agent is"),),
    shortcut_command_ids=(41,),
    client_tools=(
        ClientToolSpec(
            "get_weather",
            "weather for a city",
            {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
        ),
    ),
).checked()


@pytest.fixture
async def started(container: Container) -> AsyncIterator[Container]:
    runtime = Runtime(container, role="test")
    await runtime.start()
    try:
        yield container
    finally:
        await runtime.stop()


async def _space(c: Container) -> tuple[int, int]:
    user = await c.identity.account_service().create_by_admin(
        None, "agent-owner@example.com", "pass word 123"
    )
    spaces = await c.identity.space_service().list_for(Actor(user.id))
    return user.id, spaces.items[0].id


async def test_draft_round_trip_publish_unpublish_delete(started: Container) -> None:
    c = started
    owner, space = await _space(c)
    now = c.core.clock().now()
    draft = AgentDraft.create(1001, space, owner, "Helper", now, "desc", Icon("https://x.test/i.png"), CONFIG)
    agents, versions = c.agent.agents(), c.agent.versions()
    async with c.core.uow()() as uow:
        await agents.add(draft)
        await uow.commit()
    async with c.core.uow()():
        loaded = await agents.get(1001)
    assert loaded == draft

    directory = c.agent.directory()
    snap = await directory.draft(1001)
    assert snap is not None
    assert (snap.name, snap.icon_url, snap.version, snap.connector_id) == (
        "Helper",
        "https://x.test/i.png",
        "",
        0,
    )
    assert snap.model.model_id == 7
    assert dict(snap.model.parameters) == {"temperature": 0.5, "max_tokens": 512, "response_format": "json"}
    assert snap.follow_up_suggestions and snap.follow_up_prompt == "suggest three follow-ups"
    assert snap.client_tools[0].name == "get_weather"
    assert snap.plugin_tools == (AgentPluginTool(11, 12, (("days", "3"), ("region", "eu")), ("region",)),)
    assert snap.workflow_ids == (21,)
    assert snap.knowledge == AgentKnowledge(
        (31, 32), False, 20, 7, 0.2, True, "not in my notes", rewrite_query=True, rerank=False
    )
    assert not snap.knowledge.searched_first  # auto_call is off
    assert await directory.published(1001) is None

    async with c.core.uow()() as uow:
        await versions.publish([draft.version_for(CONNECTOR_API, 5, owner, now)])
        await versions.publish([draft.version_for(CONNECTOR_CHAT_SDK, 5, owner, now)])
        await uow.commit()
    renamed = replace(draft, name="Helper 2")
    async with c.core.uow()() as uow:
        await versions.publish([renamed.version_for(CONNECTOR_API, 6, owner, now + timedelta(seconds=1))])
        await uow.commit()
    live = await directory.published(1001)
    assert live is not None and (live.version, live.name) == ("6", "Helper 2")
    sdk = await directory.published(1001, CONNECTOR_CHAT_SDK)
    assert sdk is not None and (sdk.version, sdk.name) == ("5", "Helper")

    async with c.core.uow()() as uow:
        assert await versions.unpublish(1001, CONNECTOR_API) == 1
        await uow.commit()
    assert await directory.published(1001) is None  # the older version does not come back
    assert await directory.published(1001, CONNECTOR_CHAT_SDK) is not None

    draft.delete(now)
    async with c.core.uow()() as uow:
        await agents.save(draft)
        await versions.unpublish(1001)
        await uow.commit()
    assert await directory.draft(1001) is None
    assert await directory.published(1001, CONNECTOR_CHAT_SDK) is None
