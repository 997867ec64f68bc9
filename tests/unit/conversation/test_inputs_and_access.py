"""Coze's limits on what callers send, object_string parsing, the caller checks and the one access
rule, with in-memory fakes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from application.common.actor import Actor, TokenGrant
from application.conversation.access import ConversationAccess, space_of_new_conversation
from application.conversation.inputs import MessageInput, MessageInputs
from crossdomain.permission import Action, Principal, Resource
from domain.conversation.entities import Conversation, checked_meta_data, parse_object_string
from domain.conversation.errors import (
    AgentNotAvailable,
    ConversationNotFound,
    InvalidMessage,
    MetaDataTooLarge,
)
from domain.conversation.values import ContentType, MessageRole, MessageType
from domain.openauth.errors import ScopeNotGranted
from domain.openauth.values import Scope
from tests.support.conversation_fakes import FakeAgentDirectory, FakeUploadedFiles

T0 = datetime(2026, 3, 1, tzinfo=UTC)
ALICE, BOB = Actor(1), Actor(2)


@pytest.mark.parametrize(
    "meta",
    [
        {f"k{i}": "v" for i in range(17)},
        {"k" * 65: "v"},
        {"": "v"},
        {"k": "v" * 513},
        {"k": 1},
        {"k": None},
        ["k", "v"],
        "k=v",
    ],
)
def test_meta_data_beyond_cozes_limits_is_refused(meta: object) -> None:
    with pytest.raises(MetaDataTooLarge):
        checked_meta_data(meta)  # type: ignore[arg-type]


def test_meta_data_at_the_limits_is_kept() -> None:
    edge = {f"{i:02d}" + "k" * 62: "v" * 512 for i in range(16)}
    assert checked_meta_data(edge) == edge
    assert checked_meta_data(None) == {} and checked_meta_data({}) == {}


def test_object_string_parts() -> None:
    parts = parse_object_string(
        json.dumps(
            [
                {"type": "text", "text": "look"},
                {"type": "image", "file_id": "42"},
                {"type": "file", "file_id": 43},
                {"type": "audio", "file_url": "https://example.com/a.mp3"},
            ]
        )
    )
    assert [(p.type, p.text, p.file_id, p.file_url) for p in parts] == [
        ("text", "look", None, ""),
        ("image", "", 42, ""),
        ("file", "", 43, ""),
        ("audio", "", None, "https://example.com/a.mp3"),
    ]


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        "{}",
        "[]",
        '"text"',
        "[1]",
        '[{"text": "no type"}]',
        '[{"type": "video", "file_id": "1"}]',
        '[{"type": "text"}]',
        '[{"type": "text", "text": 5}]',
        '[{"type": "image"}]',
        '[{"type": "image", "file_id": "abc"}]',
        '[{"type": "image", "file_url": ""}]',
    ],
)
def test_malformed_object_strings_are_refused(content: str) -> None:
    with pytest.raises(InvalidMessage):
        parse_object_string(content)


async def test_caller_messages_are_checked() -> None:
    files = FakeUploadedFiles()
    files.add(7, owner_id=1)
    files.add(8, owner_id=2)
    inputs = MessageInputs(files)

    ok = await inputs.check(ALICE, MessageInput("user", "hello", "text", {"a": "b"}))
    assert (ok.role, ok.type, ok.content_type, ok.meta_data) == (
        MessageRole.USER,
        MessageType.UNKNOWN,
        ContentType.TEXT,
        {"a": "b"},
    )
    answer = await inputs.check(ALICE, MessageInput("assistant", "hi", "text", None, "answer"))
    assert answer.type is MessageType.ANSWER
    rich = json.dumps([{"type": "image", "file_id": "7"}])
    assert len((await inputs.check(ALICE, MessageInput("user", rich, "object_string"))).parts) == 1

    for bad in [
        MessageInput("system", "x"),
        MessageInput(None, "x"),
        MessageInput("user", ""),
        MessageInput("user", " \n"),
        MessageInput("user", None),
        MessageInput("user", ["x"]),
        MessageInput("user", "x", "card"),
        MessageInput("user", "x", "image"),
        MessageInput("user", "x", 1),
        MessageInput("user", "x", "text", None, "answer"),
        MessageInput("assistant", "x", "text", None, "question"),
        MessageInput("user", "x", "text", None, "function_call"),
        MessageInput("user", "x" * 100_001),
        MessageInput("user", json.dumps([{"type": "text", "text": " "}]), "object_string"),
        MessageInput("user", json.dumps([{"type": "image", "file_id": "8"}]), "object_string"),  # Bob's
        MessageInput("user", json.dumps([{"type": "image", "file_id": "9"}]), "object_string"),  # unknown
    ]:
        with pytest.raises(InvalidMessage):
            await inputs.check(ALICE, bad)
    with pytest.raises(MetaDataTooLarge):
        await inputs.check(ALICE, MessageInput("user", "x", "text", {"k": "v" * 600}))


@dataclass
class Conversations:
    items: dict[int, Conversation] = field(default_factory=dict)

    async def get(self, conversation_id: int) -> Conversation | None:
        return self.items.get(conversation_id)


@dataclass
class Rights:
    """Allows reading exactly the listed (domain, object) pairs."""

    readable: set[tuple[str, str]] = field(default_factory=set)

    async def check(self, actor: Principal, resource: Resource, action: Action) -> bool:
        return action is Action.READ and (resource.domain, resource.obj) in self.readable

    async def require(self, actor: Principal, resource: Resource, action: Action) -> None:
        raise NotImplementedError


def conversation(cid: int, *, creator: int = 1, agent: int | None = 50, space: int = 5) -> Conversation:
    return Conversation(cid, space, agent, creator, 1024, 900 + cid, created_at=T0, updated_at=T0)


async def test_only_the_creator_with_rights_sees_a_conversation() -> None:
    store = Conversations({c.id: c for c in [conversation(1), conversation(2, agent=None, space=0)]})
    agents = FakeAgentDirectory()
    agents.add(50, space_id=5, owner_id=1)
    rights = Rights({("space:5", "agent:50")})
    access = ConversationAccess(store, agents, rights)  # type: ignore[arg-type]

    assert (await access.load(ALICE, 1)).id == 1
    assert (await access.load(ALICE, 2)).id == 2
    chat_token = Actor(1, token=TokenGrant(9, frozenset({Scope.CHAT}), space_id=None))
    assert (await access.load(chat_token, 1)).id == 1

    for actor, cid in [
        (BOB, 1),  # not the creator
        (ALICE, 3),  # unknown
        (Actor(1, token=TokenGrant(9, frozenset(), space_id=6)), 1),  # token bound to another space
        (Actor(1, token=TokenGrant(9, frozenset(), space_id=6)), 2),  # ... which also hides no-space ones
        (Actor(2, is_superuser=True), 1),  # not even a super admin reads someone's conversation
    ]:
        with pytest.raises(ConversationNotFound):
            await access.load(actor, cid)
    with pytest.raises(ScopeNotGranted):
        await access.load(Actor(1, token=TokenGrant(9, frozenset({Scope.USER_READ}))), 1)

    rights.readable.clear()  # Alice lost the right to read the agent (left the space)
    with pytest.raises(ConversationNotFound):
        await access.load(ALICE, 1)
    assert (await access.load(ALICE, 2)).id == 2  # no agent, nothing to lose

    store.items[2].deleted_at = T0
    with pytest.raises(ConversationNotFound):
        await access.load(ALICE, 2)


async def test_agents_out_of_reach_are_not_available() -> None:
    agents = FakeAgentDirectory()
    agents.add(50, space_id=5, owner_id=1)
    agents.add(60, space_id=6, owner_id=2)
    access = ConversationAccess(Conversations(), agents, Rights({("space:5", "agent:50")}))  # type: ignore[arg-type]
    assert (await access.agent(ALICE, 50)).space_id == 5
    for actor, agent_id in [
        (ALICE, 60),
        (ALICE, 70),
        (Actor(1, token=TokenGrant(9, frozenset(), space_id=6)), 50),
    ]:
        with pytest.raises(AgentNotAvailable):
            await access.agent(actor, agent_id)
    assert space_of_new_conversation(ALICE) == 0
    assert space_of_new_conversation(Actor(1, token=TokenGrant(9, frozenset(), space_id=6))) == 6
