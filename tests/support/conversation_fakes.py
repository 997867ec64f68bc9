"""In-memory stand-ins for the contracts the conversation context consumes (the agent directory,
the uploaded files), for its repositories, and for what the chat engine calls (models, personas,
permissions). Conversation tests register the agents and files they need here."""

from __future__ import annotations

import copy
import re
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dependency_injector import providers

from crossdomain.agent import (
    CONNECTOR_API,
    AgentKnowledge,
    AgentModelConfig,
    AgentPluginTool,
    AgentSnapshot,
    AgentVariable,
    ClientTool,
)
from crossdomain.permission import Action, Resource
from crossdomain.upload import UploadedFile
from domain.common.llm import ChatChunk, ChatModel, ChatRequest, EmbeddingModel, RerankModel
from domain.conversation.entities import ChatRun, Conversation, Message, Section
from domain.conversation.ports import MessageSlice
from domain.conversation.values import ListOrder
from tests.support.fakes import FakeStore


@dataclass
class FakeAgentDirectory:
    drafts: dict[int, AgentSnapshot] = field(default_factory=dict)
    published_to: dict[tuple[int, int], AgentSnapshot] = field(default_factory=dict)

    def add(self, agent_id: int, space_id: int, owner_id: int, *, publish: bool = True) -> AgentSnapshot:
        draft = AgentSnapshot(
            agent_id=agent_id,
            space_id=space_id,
            owner_id=owner_id,
            name=f"agent {agent_id}",
            description="",
            icon_url="",
            persona_prompt="You are helpful.",
            model=AgentModelConfig(model_id=None),
        )
        self.drafts[agent_id] = draft
        if publish:
            self.published_to[(agent_id, CONNECTOR_API)] = draft
        return draft

    def put(self, snapshot: AgentSnapshot, *, published: bool = True) -> AgentSnapshot:
        """Register a ready snapshot (as the draft, and as the API version when published)."""
        self.drafts[snapshot.agent_id] = snapshot
        if published:
            self.published_to[(snapshot.agent_id, CONNECTOR_API)] = snapshot
        return snapshot

    async def draft(self, agent_id: int) -> AgentSnapshot | None:
        return self.drafts.get(agent_id)

    async def published(self, agent_id: int, connector_id: int = CONNECTOR_API) -> AgentSnapshot | None:
        return self.published_to.get((agent_id, connector_id))


@dataclass
class FakeUploadedFiles:
    files: dict[int, UploadedFile] = field(default_factory=dict)

    def add(self, file_id: int, owner_id: int) -> UploadedFile:
        f = UploadedFile(
            file_id, owner_id, "a.png", "image/png", 3, f"files/{file_id}", f"http://x/{file_id}"
        )
        self.files[file_id] = f
        return f

    async def get(self, file_id: int, owner_id: int) -> UploadedFile | None:
        f = self.files.get(file_id)
        return f if f is not None and f.owner_id == owner_id else None


def use_fakes(container: Any, agents: FakeAgentDirectory, files: FakeUploadedFiles) -> None:
    """Make the conversation context of `container` ask these fakes."""
    container.conversation.agents.override(providers.Object(agents))
    container.conversation.files.override(providers.Object(files))


def fill_missing_contracts(container: Any) -> None:
    """Give the root container empty fakes for contracts no context provides yet.

    The agent and upload contexts implement them on their own branches; once they are composed in
    bootstrap/container.py the placeholders are gone and this does nothing."""
    for name, fake in (("agent_directory", FakeAgentDirectory()), ("uploaded_files", FakeUploadedFiles())):
        provider = getattr(container, name, None)
        if isinstance(provider, providers.Dependency) and not provider.is_defined:
            provider.override(providers.Object(fake))


class _Table:
    def __init__(self, store: FakeStore, name: str) -> None:
        self.store, self.name = store, name
        store.tables.setdefault(name, {})

    @property
    def rows(self) -> dict[Any, Any]:
        return self.store.tables[self.name]


class InMemoryConversations(_Table):
    def __init__(self, store: FakeStore) -> None:
        super().__init__(store, "conversations")

    async def add(self, conversation: Conversation) -> None:
        self.rows[conversation.id] = copy.deepcopy(conversation)

    async def get(self, conversation_id: int) -> Conversation | None:
        found = self.rows.get(conversation_id)
        return None if found is None or found.deleted_at is not None else copy.deepcopy(found)

    async def save(self, conversation: Conversation) -> None:
        self.rows[conversation.id] = copy.deepcopy(conversation)

    async def list_for(
        self, *, agent_id: int | None, creator_id: int, connector_id: int, offset: int, limit: int
    ) -> tuple[list[Conversation], bool]:
        found = sorted(
            (
                c
                for c in self.rows.values()
                if c.deleted_at is None
                and c.creator_id == creator_id
                and c.connector_id == connector_id
                and agent_id in (None, c.agent_id)
            ),
            key=lambda c: c.id,
            reverse=True,
        )
        return [copy.deepcopy(c) for c in found[offset : offset + limit]], len(found) > offset + limit

    async def set_leaf(self, conversation_id: int, leaf_message_id: int, at: datetime) -> None:
        row = self.rows.get(conversation_id)
        if row is not None:
            row.leaf_message_id, row.updated_at = leaf_message_id, at

    async def name_if_unnamed(self, conversation_id: int, name: str, at: datetime) -> bool:
        row = self.rows.get(conversation_id)
        if row is None or row.name or row.deleted_at is not None:
            return False
        row.name, row.updated_at = name, at
        return True

    async def claim(
        self,
        conversation_id: int,
        chat_id: int,
        now: datetime,
        stale_before: datetime,
        leaf_message_id: int | None = None,
    ) -> bool:
        row = self.rows.get(conversation_id)
        if row is None:
            return False
        held = row.running_chat_id not in (None, chat_id)
        if held and row.running_since is not None and row.running_since >= stale_before:
            return False
        row.running_chat_id, row.running_since = chat_id, now
        if leaf_message_id is not None:
            row.leaf_message_id, row.updated_at = leaf_message_id, now
        return True

    async def release(self, conversation_id: int, chat_id: int) -> None:
        row = self.rows.get(conversation_id)
        if row is not None and row.running_chat_id == chat_id:
            row.running_chat_id, row.running_since = None, None


class InMemorySections(_Table):
    def __init__(self, store: FakeStore) -> None:
        super().__init__(store, "sections")

    async def add(self, section: Section) -> None:
        self.rows[section.id] = section


class InMemoryMessages(_Table):
    def __init__(self, store: FakeStore) -> None:
        super().__init__(store, "messages")

    async def add(self, message: Message) -> None:
        self.rows[message.id] = copy.deepcopy(message)

    async def add_many(self, messages: Sequence[Message]) -> None:
        for message in messages:
            await self.add(message)

    async def get(self, message_id: int) -> Message | None:
        found = self.rows.get(message_id)
        return None if found is None or found.deleted_at is not None else copy.deepcopy(found)

    async def save(self, message: Message) -> None:
        self.rows[message.id] = copy.deepcopy(message)

    async def page(
        self,
        conversation_id: int,
        *,
        order: ListOrder,
        limit: int,
        before_id: int | None = None,
        after_id: int | None = None,
        chat_id: int | None = None,
    ) -> MessageSlice:
        found = sorted(
            (
                m
                for m in self.rows.values()
                if m.conversation_id == conversation_id
                and m.deleted_at is None
                and chat_id in (None, m.chat_id)
            ),
            key=lambda m: m.id,
            reverse=order is ListOrder.DESC,
        )
        ids = [m.id for m in found]
        if after_id is not None and after_id in ids:
            found = found[ids.index(after_id) + 1 :]
        elif before_id is not None and before_id in ids:
            found = found[max(0, ids.index(before_id) - limit) : ids.index(before_id)]
        return MessageSlice([copy.deepcopy(m) for m in found[:limit]], len(found) > limit)

    async def for_chat(self, chat_id: int) -> list[Message]:
        found = sorted(
            (m for m in self.rows.values() if m.chat_id == chat_id and m.deleted_at is None),
            key=lambda m: m.id,
        )
        return [copy.deepcopy(m) for m in found]

    async def path(self, leaf_id: int, section_id: int, limit: int) -> list[Message]:
        out: list[Message] = []
        current = self.rows.get(leaf_id)
        while current is not None and current.section_id == section_id and len(out) < limit:
            if current.deleted_at is None:
                out.append(copy.deepcopy(current))
            current = self.rows.get(current.parent_id) if current.parent_id is not None else None
        out.reverse()
        return out

    async def delete_conversation(self, conversation_id: int, at: datetime) -> None:
        for m in self.rows.values():
            if m.conversation_id == conversation_id:
                m.deleted_at = at


class InMemoryRuns(_Table):
    def __init__(self, store: FakeStore) -> None:
        super().__init__(store, "runs")

    async def add(self, run: ChatRun) -> None:
        self.rows[run.id] = copy.deepcopy(run)

    async def get(self, chat_id: int) -> ChatRun | None:
        return copy.deepcopy(self.rows.get(chat_id))

    async def save(self, run: ChatRun) -> None:
        self.rows[run.id] = copy.deepcopy(run)

    async def save_unless_ended(self, run: ChatRun) -> bool:
        stored = self.rows.get(run.id)
        if stored is None or stored.status.terminal:
            return False
        self.rows[run.id] = copy.deepcopy(run)
        return True


def agent_snapshot(
    agent_id: int = 100,
    space_id: int = 10,
    *,
    persona: str = "",
    history_rounds: int = 3,
    variables: tuple[AgentVariable, ...] = (),
    tools: tuple[str, ...] = (),
    current_time: bool = True,
    name: str = "Helper",
    knowledge: AgentKnowledge | None = None,
    plugin_tools: tuple[AgentPluginTool, ...] = (),
) -> AgentSnapshot:
    return AgentSnapshot(
        agent_id=agent_id,
        space_id=space_id,
        owner_id=1,
        name=name,
        description="",
        icon_url="",
        persona_prompt=persona,
        model=AgentModelConfig(None, {}, history_rounds, current_time),
        version="1",
        connector_id=CONNECTOR_API,
        variables=variables,
        client_tools=tuple(ClientTool(t, f"the {t} tool") for t in tools),
        knowledge=knowledge or AgentKnowledge(),
        plugin_tools=plugin_tools,
    )


class FakePersonaRenderer:
    """`{{ name }}` placeholders only; unknown ones render empty."""

    def check(self, template: str) -> None:
        if "{{" in template and "}}" not in template:
            raise ValueError("unclosed placeholder")

    def render(self, template: str, variables: Mapping[str, str]) -> str:
        return re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: variables.get(m.group(1), ""), template)


@dataclass
class FakePermissions:
    allowed: bool = True
    asked: list[tuple[str, str, str]] = field(default_factory=list)

    async def check(self, actor: Any, resource: Resource, action: Action) -> bool:
        self.asked.append((resource.domain, resource.obj, action.value))
        return self.allowed

    async def require(self, actor: Any, resource: Resource, action: Action) -> None:
        if not await self.check(actor, resource, action):
            raise PermissionError(resource.obj)


class RecordingModel:
    """A chat model that records the requests it gets and streams what it is given."""

    def __init__(self, inner: ChatModel) -> None:
        self.inner = inner
        self.requests: list[ChatRequest] = []

    def stream(self, request: ChatRequest) -> AsyncIterator[ChatChunk]:
        self.requests.append(request)
        return self.inner.stream(request)


@dataclass
class FakeModelRuntime:
    model: ChatModel
    asked: list[int | None] = field(default_factory=list)

    async def chat_model(self, model_id: int | None = None) -> ChatModel:
        self.asked.append(model_id)
        return self.model

    async def embedding_model(self, model_id: int | None = None) -> EmbeddingModel:
        raise NotImplementedError

    async def rerank_model(self, model_id: int | None = None) -> RerankModel:
        raise NotImplementedError


@dataclass
class FakeModelFacts:
    builtin: bool = False

    async def is_builtin(self, model_id: int | None) -> bool:
        return self.builtin
