"""AgentService, PublishService and the AgentDirectory over in-memory ports: rights and visibility,
icons from uploaded files, persona and model checks, versions, and rollback on refusal."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import pytest

from application.agent.access import AgentAccess
from application.agent.directory import AgentDirectoryService
from application.agent.icons import IconLinks
from application.agent.publish import PublishService
from application.agent.service import AgentService
from application.agent.views import AgentViews
from application.audit.service import AuditLog
from application.common.actor import Actor, TokenGrant
from application.permission.checker import CachedPermissionChecker
from crossdomain.agent import CONNECTOR_API, CONNECTOR_CHAT_SDK
from crossdomain.upload import UploadedFile
from domain.agent.entities import AgentChanges, AgentDraft, AgentVersion, PublishRecord
from domain.agent.errors import (
    AgentActionDenied,
    AgentNotFound,
    AgentNotPublished,
    InvalidAgentConfig,
    InvalidPersona,
    UnknownModel,
)
from domain.agent.ports import ModelChoice
from domain.agent.values import ClientToolSpec, Variable
from domain.openauth.errors import ScopeNotGranted
from domain.openauth.values import Scope
from domain.space.errors import SpaceNotFound
from infra.permission.casbin_engine import CasbinPolicyEngine
from infra.prompt.persona import SandboxedPersonaRenderer
from tests.support.fakes import CountingIds, FakeClock, FakeStore, InMemoryAuditRepository
from tests.support.permission import Grants, Membership, NoTransaction, Roles

SPACE, OTHER_SPACE = 10, 20
OWNER, MEMBER, STRANGER = Actor(1), Actor(2), Actor(3)


class Agents:
    def __init__(self, store: FakeStore) -> None:
        self.store = store
        store.tables.update(agents={}, versions={}, records={})

    @property
    def rows(self) -> dict[Any, Any]:
        return self.store.tables["agents"]

    async def get(self, agent_id: int, *, for_update: bool = False) -> AgentDraft | None:
        d = self.rows.get(agent_id)
        return None if d is None or d.deleted else replace(d)

    async def add(self, draft: AgentDraft) -> None:
        self.rows[draft.id] = replace(draft)

    async def save(self, draft: AgentDraft) -> None:
        self.rows[draft.id] = replace(draft)

    async def list_in_space(
        self, space_id: int, offset: int, limit: int, name: str | None = None, **_: Any
    ) -> tuple[Sequence[AgentDraft], int]:
        found = [d for d in self.rows.values() if d.space_id == space_id and not d.deleted]
        found = [d for d in found if not name or name.lower() in d.name.lower()]
        found.sort(key=lambda d: (d.updated_at, d.id), reverse=True)
        return found[offset : offset + limit], len(found)


class Versions:
    def __init__(self, store: FakeStore) -> None:
        self.store = store

    @property
    def rows(self) -> dict[Any, Any]:
        return self.store.tables["versions"]

    async def publish(self, versions: Sequence[AgentVersion]) -> None:
        for v in versions:
            for key, old in list(self.rows.items()):
                if (old.agent_id, old.connector_id) == (v.agent_id, v.connector_id):
                    self.rows[key] = replace(old, live=False)
            self.rows[(v.agent_id, v.connector_id, v.version)] = v

    async def live(self, agent_id: int, connector_id: int) -> AgentVersion | None:
        return next(
            (
                v
                for v in self.rows.values()
                if (v.agent_id, v.connector_id) == (agent_id, connector_id) and v.live
            ),
            None,
        )

    async def newest_live(self, agent_id: int) -> AgentVersion | None:
        found = [v for v in self.rows.values() if v.agent_id == agent_id and v.live]
        return max(found, key=lambda v: v.version, default=None)

    async def live_connectors(self, agent_ids: Sequence[int]) -> dict[int, dict[int, AgentVersion]]:
        out: dict[int, dict[int, AgentVersion]] = {}
        for v in self.rows.values():
            if v.agent_id in agent_ids and v.live:
                out.setdefault(v.agent_id, {})[v.connector_id] = v
        return out

    async def unpublish(self, agent_id: int, connector_id: int | None = None) -> int:
        hit = [
            k
            for k, v in self.rows.items()
            if v.agent_id == agent_id and v.live and connector_id in (None, v.connector_id)
        ]
        for k in hit:
            self.rows[k] = replace(self.rows[k], live=False)
        return len(hit)

    async def list_live(
        self, space_id: int, connector_id: int, offset: int, limit: int
    ) -> tuple[Sequence[AgentVersion], int]:
        found = [
            v
            for v in self.rows.values()
            if (v.space_id, v.connector_id, v.live) == (space_id, connector_id, True)
        ]
        return found[offset : offset + limit], len(found)


class Records:
    def __init__(self, store: FakeStore) -> None:
        self.store = store

    async def add(self, record: PublishRecord) -> None:
        self.store.tables["records"][record.id] = record

    async def list(self, agent_id: int, offset: int, limit: int) -> tuple[Sequence[PublishRecord], int]:
        found = sorted(
            (r for r in self.store.tables["records"].values() if r.agent_id == agent_id), key=lambda r: -r.id
        )
        return found[offset : offset + limit], len(found)


class Models:
    choices = {7: ModelChoice(7, "echo", True), 8: ModelChoice(8, "retired", False)}

    async def find(self, model_id: int) -> ModelChoice | None:
        return self.choices.get(model_id)


class Files:
    def __init__(self) -> None:
        self.files = {
            50: UploadedFile(
                50, OWNER.user_id, "a.png", "image/png", 10, "files/a.png", "https://s/a.png?sig=1"
            ),
            51: UploadedFile(51, OWNER.user_id, "a.txt", "text/plain", 10, "files/a.txt", "https://s/a.txt"),
        }
        self.reads = 0

    async def get(self, file_id: int, owner_id: int) -> UploadedFile | None:
        self.reads += 1
        found = self.files.get(file_id)
        if found is None or found.owner_id != owner_id:
            return None
        return replace(found, url=f"{found.url}&n={self.reads}")  # a fresh link every time


@dataclass
class World:
    store: FakeStore
    agents: AgentService
    publishing: PublishService
    directory: AgentDirectoryService
    audit: InMemoryAuditRepository
    files: Files


@pytest.fixture
def world() -> World:
    store, clock, ids = FakeStore(), FakeClock(), CountingIds()
    membership = Membership()
    membership.roles.update({(SPACE, OWNER.user_id): "owner", (SPACE, MEMBER.user_id): "member"})
    membership.roles[(OTHER_SPACE, STRANGER.user_id)] = "owner"
    checker = CachedPermissionChecker(
        NoTransaction, Roles(clock.current), Grants(), CasbinPolicyEngine(), membership, clock
    )
    agents, versions, records = Agents(store), Versions(store), Records(store)
    files = Files()
    icons = IconLinks(files)
    access = AgentAccess(agents, membership, checker)
    views = AgentViews(icons, Models())
    entries = InMemoryAuditRepository()
    audit = AuditLog(NoTransaction, entries, ids, clock)
    service = AgentService(
        store.uow,
        agents,
        versions,
        access,
        views,
        icons,
        Models(),
        SandboxedPersonaRenderer(),
        audit,
        ids,
        clock,
    )
    publishing = PublishService(store.uow, agents, versions, records, access, views, audit, ids, clock)
    return World(
        store, service, publishing, AgentDirectoryService(store.uow, agents, versions, icons), entries, files
    )


async def test_create_read_update_with_audit(world: World) -> None:
    made = await world.agents.create(
        OWNER, SPACE, "Helper", "d", AgentChanges(persona_prompt="Hi {{ x }}", model={"model_id": 7})
    )
    assert (made.model_name, made.config.persona_prompt) == ("echo", "Hi {{ x }}")
    got = await world.agents.update(OWNER, made.id, AgentChanges(name="Renamed"))
    assert got.name == "Renamed" and got.config.persona_prompt == "Hi {{ x }}"
    assert [e.action for e in world.audit.entries] == ["agent.create", "agent.update"]
    assert world.audit.entries[1].detail == {"fields": ["name"]}


async def test_refusals_write_nothing(world: World) -> None:
    with pytest.raises(InvalidPersona):
        await world.agents.create(OWNER, SPACE, "A", changes=AgentChanges(persona_prompt="{{ x.__class__ }}"))
    with pytest.raises(UnknownModel):
        await world.agents.create(OWNER, SPACE, "A", changes=AgentChanges(model={"model_id": 99}))
    with pytest.raises(UnknownModel):  # disabled models cannot be chosen
        await world.agents.create(OWNER, SPACE, "A", changes=AgentChanges(model={"model_id": 8}))
    assert world.store.tables["agents"] == {} and world.audit.entries == []
    made = await world.agents.create(OWNER, SPACE, "A")
    with pytest.raises(InvalidPersona):
        await world.agents.update(OWNER, made.id, AgentChanges(name="B", persona_prompt="{% for %}"))
    assert (await world.agents.get(OWNER, made.id)).name == "A"


async def test_a_model_disabled_later_does_not_block_other_edits(world: World) -> None:
    made = await world.agents.create(OWNER, SPACE, "A", changes=AgentChanges(model={"model_id": 7}))
    Models.choices[7] = ModelChoice(7, "echo", False)
    try:
        assert (await world.agents.update(OWNER, made.id, AgentChanges(name="B"))).name == "B"
        with pytest.raises(UnknownModel):
            await world.agents.update(OWNER, made.id, AgentChanges(model={"model_id": 8}))
    finally:
        Models.choices[7] = ModelChoice(7, "echo", True)


async def test_visibility_and_rights(world: World) -> None:
    made = await world.agents.create(OWNER, SPACE, "A")
    for call in (
        world.agents.get(STRANGER, made.id),
        world.agents.update(STRANGER, made.id, AgentChanges(name="x")),
        world.publishing.publish(STRANGER, made.id, [CONNECTOR_API]),
        world.agents.get(OWNER, 424242),
        world.agents.get(replace(OWNER, token=TokenGrant(1, space_id=OTHER_SPACE)), made.id),
    ):
        with pytest.raises(AgentNotFound):
            await call
    with pytest.raises(SpaceNotFound):
        await world.agents.create(STRANGER, SPACE, "intruder")
    with pytest.raises(SpaceNotFound):
        await world.agents.list(STRANGER, SPACE)
    # a member reads everyone's agents but changes only their own
    assert (await world.agents.get(MEMBER, made.id)).name == "A"
    for denied in (
        world.agents.update(MEMBER, made.id, AgentChanges(name="x")),
        world.agents.delete(MEMBER, made.id),
        world.publishing.publish(MEMBER, made.id, [CONNECTOR_API]),
    ):
        with pytest.raises(AgentActionDenied):
            await denied
    own = await world.agents.create(MEMBER, SPACE, "Mine")
    await world.agents.update(MEMBER, own.id, AgentChanges(name="Still mine"))
    await world.publishing.publish(MEMBER, own.id, [CONNECTOR_CHAT_SDK])
    reader = replace(OWNER, token=TokenGrant(1, frozenset({Scope.BOT_READ})))
    with pytest.raises(ScopeNotGranted):
        await world.agents.update(reader, made.id, AgentChanges(name="x"))


async def test_icons_from_uploaded_files_are_signed_on_every_read(world: World) -> None:
    made = await world.agents.create(OWNER, SPACE, "A", icon_file_id=50)
    assert made.icon_uri == "files/a.png" and made.icon_url.startswith("https://s/a.png?sig=1&n=")
    again = await world.agents.get(OWNER, made.id)
    assert again.icon_url != made.icon_url  # a fresh link
    snap = await world.directory.draft(made.id)
    assert snap is not None and snap.icon_url.startswith("https://s/a.png")
    # the uploader's file serves other members' reads too
    assert (await world.agents.get(MEMBER, made.id)).icon_url.startswith("https://s/a.png")
    for file_id, actor in ((51, OWNER), (50, MEMBER), (404, OWNER)):
        with pytest.raises(InvalidAgentConfig):
            await world.agents.create(actor, SPACE, "B", icon_file_id=file_id)
    stored = world.store.tables["agents"][made.id].icon
    assert await IconLinks(None).url(stored) == ""  # without the upload context: no link


async def test_publish_versions_history_unpublish_delete(world: World) -> None:
    made = await world.agents.create(
        OWNER,
        SPACE,
        "A",
        changes=AgentChanges(
            persona_prompt="Be {{ mood }}",
            variables=(Variable("mood", "calm"),),
            client_tools=(ClientToolSpec("ping"),),
        ),
    )
    first = await world.publishing.publish(OWNER, made.id, [CONNECTOR_API, CONNECTOR_CHAT_SDK])
    await world.agents.update(OWNER, made.id, AgentChanges(name="A2"))
    second = await world.publishing.publish(OWNER, made.id, [CONNECTOR_API])
    assert int(second.version) > int(first.version)
    api = await world.directory.published(made.id)
    sdk = await world.directory.published(made.id, CONNECTOR_CHAT_SDK)
    assert api is not None and (api.version, api.name) == (second.version, "A2")
    assert sdk is not None and (sdk.version, sdk.name) == (first.version, "A")
    assert api.variables[0].keyword == "mood" and api.client_tools[0].name == "ping"
    history = await world.publishing.history(OWNER, made.id, 1, 1)
    assert (history.total, history.has_more, history.items[0].version) == (2, True, second.version)
    assert (await world.publishing.published(OWNER, made.id, None)).version == second.version

    await world.publishing.unpublish(OWNER, made.id, CONNECTOR_API, "done")
    assert await world.directory.published(made.id) is None
    with pytest.raises(AgentNotPublished):
        await world.publishing.unpublish(OWNER, made.id, CONNECTOR_API)
    with pytest.raises(AgentNotPublished):
        await world.publishing.published(OWNER, made.id)

    await world.agents.delete(OWNER, made.id)
    assert await world.directory.draft(made.id) is None
    assert await world.directory.published(made.id, CONNECTOR_CHAT_SDK) is None
    actions = [e.action for e in world.audit.entries]
    assert (
        actions.count("agent.publish") == 2 and "agent.unpublish" in actions and actions[-1] == "agent.delete"
    )


async def test_duplicate_stays_in_its_space(world: World) -> None:
    made = await world.agents.create(OWNER, SPACE, "A", changes=AgentChanges(persona_prompt="p"))
    await world.publishing.publish(OWNER, made.id, [CONNECTOR_API])
    copy = await world.agents.duplicate(MEMBER, made.id)
    assert (copy.space_id, copy.owner_id, copy.config.persona_prompt, copy.live_versions) == (
        SPACE,
        MEMBER.user_id,
        "p",
        {},
    )
    with pytest.raises(AgentNotFound):
        await world.agents.duplicate(OWNER, made.id, OTHER_SPACE)
    page = await world.agents.list(OWNER, SPACE)
    assert page.total == 2 and {s.is_published for s in page.items} == {True, False}
