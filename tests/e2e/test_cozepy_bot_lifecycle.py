"""Agents through cozepy 0.20.0's bots client, beyond test_cozepy_bots.py: versions across
republishing, exact listings (each test works in a team space of its own, so a listing holds exactly
what it created), other users' agents, and the core path with AsyncCoze."""

from __future__ import annotations

import pytest
from cozepy import (
    AsyncCoze,
    BotModelInfo,
    BotOnboardingInfo,
    Coze,
    CozeAPIError,
    PublishStatus,
)

from tests.e2e.conftest import API_CONNECTOR
from tests.support.cozepy_tools import all_pages, all_pages_async, items_of
from tests.support.served import Account


def team_space(owner: Account, name: str) -> str:
    return str(owner.spa("/api/playground_api/space/save", {"name": name})["id"])


def bot_ids(pages: list[object]) -> list[str]:
    return [b.bot_id for b in items_of(pages)]  # type: ignore[attr-defined]


def test_each_publish_is_a_new_immutable_version(coze: Coze, owner: Account, echo_model_id: str) -> None:
    space = team_space(owner, "bots versions")
    bot = coze.bots.create(
        space_id=space,
        name="helper",
        description="first words",
        onboarding_info=BotOnboardingInfo(prologue="hello"),
        model_info_config=BotModelInfo(model_id=echo_model_id),
    )
    coze.bots.update(bot_id=bot.bot_id, name="helper v1", onboarding_info=BotOnboardingInfo(prologue="hi"))
    first = coze.bots.publish(bot_id=bot.bot_id, connector_ids=[API_CONNECTOR])
    online = coze.bots.retrieve(bot_id=bot.bot_id)
    assert (online.bot_id, online.name, online.version) == (bot.bot_id, "helper v1", first.version)
    assert online.onboarding_info is not None and online.onboarding_info.prologue == "hi"
    assert online.description == "first words"  # untouched by the update
    assert online.owner_user_id == owner.user_id
    assert coze.bots.retrieve(bot_id=bot.bot_id, use_api_version=2).version == first.version

    # Later draft edits show only after the next publish, which is a new version.
    coze.bots.update(bot_id=bot.bot_id, name="helper v2", description="second words")
    assert coze.bots.retrieve(bot_id=bot.bot_id).name == "helper v1"
    assert coze.bots.retrieve(bot_id=bot.bot_id, is_published=False, use_api_version=2).name == "helper v2"
    second = coze.bots.publish(bot_id=bot.bot_id)
    assert second.version and second.version != first.version
    latest = coze.bots.retrieve(bot_id=bot.bot_id)
    assert (latest.name, latest.description, latest.version) == ("helper v2", "second words", second.version)

    # Published again after an unpublish: online once more, with the draft of the time.
    coze.bots.unpublish(bot_id=bot.bot_id, connector_id=API_CONNECTOR)
    with pytest.raises(CozeAPIError) as withdrawn:
        coze.bots.retrieve(bot_id=bot.bot_id)
    assert withdrawn.value.code == 4015
    third = coze.bots.publish(bot_id=bot.bot_id)
    assert coze.bots.retrieve(bot_id=bot.bot_id).version == third.version


def test_lists_page_to_the_end(coze: Coze, owner: Account, echo_model_id: str) -> None:
    space = team_space(owner, "bots listing")
    made = [
        coze.bots.create(
            space_id=space, name=f"bot {i}", model_info_config=BotModelInfo(model_id=echo_model_id)
        ).bot_id
        for i in range(5)
    ]
    published = made[:3]
    for bot_id in published:
        coze.bots.publish(bot_id=bot_id, connector_ids=[API_CONNECTOR])

    v1 = all_pages(coze.bots.list(space_id=space, page_size=2))
    assert sorted(bot_ids(v1)) == sorted(published) and len(v1) == 2
    assert v1[0].total == 3
    names = {b.bot_id: b.bot_name for b in items_of(v1)}
    assert names[published[0]] == "bot 0"

    online = all_pages(coze.bots.list(space_id=space, page_size=2, use_api_version=2))
    assert sorted(bot_ids(online)) == sorted(published)
    assert all(b.is_published for b in items_of(online))

    everything = all_pages(
        coze.bots.list(space_id=space, page_size=2, publish_status=PublishStatus.ALL, use_api_version=2)
    )
    listed = bot_ids(everything)
    assert len(listed) == len(set(listed)) == 5 and set(listed) == set(made)
    assert [len(p.items) for p in everything] == [2, 2, 1]
    assert {b.owner_user_id for b in items_of(everything)} == {owner.user_id}

    drafts = all_pages(
        coze.bots.list(
            space_id=space, page_size=2, publish_status=PublishStatus.UNPUBLISHED_DRAFT, use_api_version=2
        )
    )
    assert sorted(bot_ids(drafts)) == sorted(made[3:])

    coze.bots.unpublish(bot_id=published[0], connector_id=API_CONNECTOR)
    after = all_pages(coze.bots.list(space_id=space, page_size=2))
    assert sorted(bot_ids(after)) == sorted(published[1:])


def test_another_users_bot_is_not_found(
    coze: Coze, stranger_coze: Coze, owner: Account, echo_model_id: str
) -> None:
    bot = coze.bots.create(
        space_id=owner.space_id, name="mine", model_info_config=BotModelInfo(model_id=echo_model_id)
    )
    coze.bots.publish(bot_id=bot.bot_id)
    for call in (
        lambda: stranger_coze.bots.retrieve(bot_id=bot.bot_id),
        lambda: stranger_coze.bots.retrieve(bot_id=bot.bot_id, use_api_version=2),
        lambda: stranger_coze.bots.update(bot_id=bot.bot_id, name="taken"),
        lambda: stranger_coze.bots.publish(bot_id=bot.bot_id),
        lambda: stranger_coze.bots.unpublish(bot_id=bot.bot_id, connector_id=API_CONNECTOR),
    ):
        with pytest.raises(CozeAPIError) as hidden:
            call()
        assert hidden.value.code == 4200
    with pytest.raises(CozeAPIError) as foreign_space:
        stranger_coze.bots.list(space_id=owner.space_id, use_api_version=2)
    assert foreign_space.value.code in (4101, 4200)
    assert coze.bots.retrieve(bot_id=bot.bot_id).name == "mine"


async def test_async_bots(acoze: AsyncCoze, owner: Account, echo_model_id: str) -> None:
    space = team_space(owner, "async bots")
    made = []
    for i in range(3):
        bot = await acoze.bots.create(
            space_id=space, name=f"async {i}", model_info_config=BotModelInfo(model_id=echo_model_id)
        )
        made.append(bot.bot_id)
    await acoze.bots.update(bot_id=made[0], description="updated")
    published = await acoze.bots.publish(bot_id=made[0], connector_ids=[API_CONNECTOR])
    online = await acoze.bots.retrieve(bot_id=made[0])
    assert (online.description, online.version) == ("updated", published.version)
    draft = await acoze.bots.retrieve(bot_id=made[1], is_published=False, use_api_version=2)
    assert draft.name == "async 1"

    paged = await acoze.bots.list(
        space_id=space, page_size=2, publish_status=PublishStatus.ALL, use_api_version=2
    )
    pages = await all_pages_async(paged)
    assert sorted(b.bot_id for b in items_of(pages)) == sorted(made)
    v1 = await all_pages_async(await acoze.bots.list(space_id=space, page_size=2))
    assert [b.bot_id for b in items_of(v1)] == [made[0]]
    await acoze.bots.unpublish(bot_id=made[0], connector_id=API_CONNECTOR)
    with pytest.raises(CozeAPIError) as withdrawn:
        await acoze.bots.retrieve(bot_id=made[0])
    assert withdrawn.value.code == 4015
