"""Two users with personal spaces and scoped tokens on one real app (SQLite or MariaDB, the embedded
vector store, full-text index and object storage), with the indexing consumers running in-process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from litestar.testing import AsyncTestClient

from bootstrap.container import Container, build_container
from bootstrap.http import build_asgi
from bootstrap.settings import Settings
from tests.support.conversation_fakes import fill_missing_contracts
from tests.support.identity import create_user, sign_in

Client = AsyncTestClient[Any]
DONE = (1, 2, 9)  # Coze document status: enabled, disabled, failed


@dataclass
class Member:
    id: int
    email: str
    space_id: int
    token: str  # knowledge:read and knowledge:write

    @property
    def bearer(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token}"}


@dataclass
class KnowledgeWorld:
    client: Client
    container: Container
    settings: Settings
    alice: Member
    bob: Member

    async def as_user(self, who: Member) -> None:
        await sign_in(self.client, who.email)

    async def call(self, path: str, body: dict[str, Any], *, expect: int = 0) -> Any:
        """One SPA call as the signed-in user; the envelope's data, after checking its code."""
        answer = await self.client.post(path, json=body)
        payload = answer.json()
        assert payload["code"] == expect, (path, answer.status_code, payload)
        return payload.get("data")

    async def dataset(self, who: Member, name: str = "kb", format_type: int = 0, **more: Any) -> str:
        await self.as_user(who)
        made = await self.call(
            "/api/knowledge/create",
            {"space_id": str(who.space_id), "name": name, "format_type": format_type, **more},
        )
        return str(made["dataset_id"])

    async def add_text(self, dataset_id: str, name: str, text: str, **more: Any) -> str:
        made = await self.call(
            "/api/knowledge/document/create",
            {
                "dataset_id": dataset_id,
                "document_bases": [{"name": name, "source_info": {"custom_content": text}}],
                **more,
            },
        )
        return str(made["document_infos"][0]["document_id"])

    async def settled(self, document_ids: list[str], timeout_s: float = 60.0) -> list[dict[str, Any]]:
        """Poll the progress route until every document is done (ready, disabled or failed)."""
        deadline = asyncio.get_running_loop().time() + timeout_s
        while True:
            rows = (await self.call("/api/knowledge/document/progress/get", {"document_ids": document_ids}))[
                "data"
            ]
            if all(r["status"] in DONE for r in rows):
                return list(rows)
            assert asyncio.get_running_loop().time() < deadline, rows
            await asyncio.sleep(0.05)


async def _member(c: Client, settings: Settings) -> Member:
    user = await create_user(settings)
    await sign_in(c, user["email"])
    spaces = (await c.post("/api/playground_api/space/list", json={})).json()["data"]["bot_space_list"]
    space_id = int(next(s["id"] for s in spaces if s["space_type"] == 1))
    made = await c.post(
        "/api/permission_api/pat/create_personal_access_token_and_permission",
        json={"name": "kb", "duration_day": "1", "scopes": ["knowledge:read", "knowledge:write"]},
    )
    assert made.status_code == 200, made.text
    return Member(user["id"], user["email"], space_id, made.json()["data"]["token"])


@asynccontextmanager
async def knowledge_world(
    settings: Settings, prepare: Callable[[Container], None] | None = None
) -> AsyncIterator[KnowledgeWorld]:
    """`prepare` may override the container's providers before the app is built."""
    container = build_container(settings)
    fill_missing_contracts(container)
    if prepare is not None:
        prepare(container)
    async with AsyncTestClient(app=build_asgi(settings, container)) as c:  # type: ignore[arg-type]
        alice = await _member(c, settings)
        bob = await _member(c, settings)
        yield KnowledgeWorld(c, container, settings, alice, bob)
