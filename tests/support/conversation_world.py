"""Two users with personal spaces, tokens, and agents in the fake agent directory, on one app whose
conversation context asks those fakes."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from litestar.testing import AsyncTestClient

from bootstrap.container import build_container
from bootstrap.http import build_asgi
from bootstrap.settings import Settings
from tests.support.conversation_fakes import FakeAgentDirectory, FakeUploadedFiles, use_fakes
from tests.support.identity import create_user, sign_in

Client = AsyncTestClient[Any]
_agent_ids = itertools.count(7_000_001)


@dataclass
class Person:
    id: int
    email: str
    space_id: int
    token: str
    agent_id: int  # an agent in the person's personal space

    @property
    def bearer(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token}"}


@dataclass
class ConversationWorld:
    client: Client
    settings: Settings
    agents: FakeAgentDirectory
    files: FakeUploadedFiles
    alice: Person
    bob: Person

    async def as_user(self, who: Person) -> None:
        """Sign the client's session in as `who` (SPA calls); token calls pass who.bearer."""
        await sign_in(self.client, who.email)

    async def token(self, who: Person, **body: Any) -> str:
        await self.as_user(who)
        made = await self.client.post(
            "/api/permission_api/pat/create_personal_access_token_and_permission",
            json={"name": "t", "duration_day": "1", **body},
        )
        assert made.status_code == 200, made.text
        return str(made.json()["data"]["token"])

    def new_agent(self, space_id: int, owner: Person) -> int:
        agent_id = next(_agent_ids)
        self.agents.add(agent_id, space_id, owner.id)
        return agent_id


async def _person(c: Client, settings: Settings, agents: FakeAgentDirectory) -> Person:
    user = await create_user(settings)
    await sign_in(c, user["email"])
    spaces = (await c.post("/api/playground_api/space/list", json={})).json()["data"]["bot_space_list"]
    space_id = int(next(s["id"] for s in spaces if s["space_type"] == 1))
    made = await c.post(
        "/api/permission_api/pat/create_personal_access_token_and_permission",
        json={"name": "chat", "duration_day": "1"},
    )
    agent_id = next(_agent_ids)
    agents.add(agent_id, space_id, user["id"])
    return Person(user["id"], user["email"], space_id, made.json()["data"]["token"], agent_id)


@asynccontextmanager
async def conversation_world(settings: Settings) -> AsyncIterator[ConversationWorld]:
    container = build_container(settings)
    agents, files = FakeAgentDirectory(), FakeUploadedFiles()
    use_fakes(container, agents, files)
    async with AsyncTestClient(app=build_asgi(settings, container)) as c:  # type: ignore[arg-type]
        alice = await _person(c, settings, agents)
        bob = await _person(c, settings, agents)
        yield ConversationWorld(c, settings, agents, files, alice, bob)
