"""Two users with personal spaces on one real app (SQLite or MariaDB), for the plugin routes; every
answer's text is kept so that tests can check no secret ever left the server."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from litestar.testing import AsyncTestClient

from bootstrap.container import Container, build_container
from bootstrap.http import build_asgi
from bootstrap.runtime import Runtime
from bootstrap.settings import Settings
from crossdomain.plugin import PublishedTool, ToolRef
from tests.support.conversation_fakes import fill_missing_contracts
from tests.support.identity import create_user, sign_in

Client = AsyncTestClient[Any]


def manifest(name: str = "Weather", *, auth: dict[str, Any] | None = None) -> str:
    return json.dumps(
        {
            "schema_version": "v1",
            "name_for_model": name.lower(),
            "name_for_human": name,
            "description_for_model": f"{name} for the model",
            "description_for_human": f"{name} for people",
            "auth": auth or {"type": "none"},
            "logo_url": "",
            "api": {"type": "openapi"},
        }
    )


def service_auth(token: str, key: str = "X-Api-Key", location: str = "Header") -> dict[str, Any]:
    payload = {"key": key, "service_token": token, "location": location}
    return {"type": "service_http", "sub_type": "token/api_key", "payload": json.dumps(payload)}


@dataclass
class Member:
    id: int
    email: str
    space_id: str


@dataclass
class PluginWorld:
    client: Client
    container: Container
    settings: Settings
    alice: Member
    bob: Member
    answers: list[str] = field(default_factory=list)  # every response text, in order

    async def as_user(self, who: Member) -> None:
        await sign_in(self.client, who.email)

    async def post(self, route: str, body: dict[str, Any]) -> Any:
        answer = await self.client.post(f"/api/plugin_api/{route}", json=body)
        self.answers.append(answer.text)
        return answer

    async def call(self, route: str, body: dict[str, Any], *, expect: int = 0) -> dict[str, Any]:
        """One plugin route as the signed-in user; the whole answer, after checking its code."""
        answer = await self.post(route, body)
        payload: dict[str, Any] = answer.json()
        assert payload["code"] == expect, (route, answer.status_code, payload)
        return payload

    async def register(self, who: Member, openapi: str, ai_plugin: str | None = None) -> str:
        await self.as_user(who)
        made = await self.call(
            "register", {"space_id": who.space_id, "ai_plugin": ai_plugin or manifest(), "openapi": openapi}
        )
        return str(made["data"]["plugin_id"])

    async def published(
        self, space_id: str, refs: list[ToolRef], version: dict[int, str] | None = None
    ) -> list[PublishedTool]:
        """The chat engine's view (crossdomain.plugin), from a container of its own: the app's
        engine belongs to the app's event loop."""
        container = build_container(self.settings)
        runtime = Runtime(container, role="test")
        await runtime.start()
        try:
            return await container.plugin.published_tools().resolve(int(space_id), refs, version=version)
        finally:
            await runtime.stop()

    async def tools(self, plugin_id: str) -> list[dict[str, Any]]:
        listed = await self.call("get_plugin_apis", {"plugin_id": plugin_id, "page": 1, "size": 100})
        return list(listed["api_info"])


async def _member(c: Client, settings: Settings) -> Member:
    user = await create_user(settings)
    await sign_in(c, user["email"])
    spaces = (await c.post("/api/playground_api/space/list", json={})).json()["data"]["bot_space_list"]
    space_id = str(next(s["id"] for s in spaces if s["space_type"] == 1))
    return Member(user["id"], user["email"], space_id)


@asynccontextmanager
async def plugin_world(settings: Settings) -> AsyncIterator[PluginWorld]:
    container = build_container(settings)
    fill_missing_contracts(container)
    async with AsyncTestClient(app=build_asgi(settings, container)) as c:  # type: ignore[arg-type]
        alice = await _member(c, settings)
        bob = await _member(c, settings)
        yield PluginWorld(c, container, settings, alice, bob)


SEARCH_API = json.dumps(
    {
        "openapi": "3.0.1",
        "info": {"title": "Search", "version": "1"},
        "servers": [{"url": "https://search.example.com"}],
        "paths": {
            "/search": {"get": {"operationId": "search", "responses": {"200": {"description": "ok"}}}},
            "/suggest": {"get": {"operationId": "suggest", "responses": {"200": {"description": "ok"}}}},
        },
    }
)


async def published_tools(
    client: Client, space_id: str, openapi: str = SEARCH_API, name: str = "Search"
) -> tuple[str, dict[str, str]]:
    """A plugin registered and published in `space_id` by the signed-in user: its id and its tools'
    ids by name (what an agent may bind)."""

    async def call(route: str, body: dict[str, Any]) -> dict[str, Any]:
        answer: dict[str, Any] = (await client.post(f"/api/plugin_api/{route}", json=body)).json()
        assert answer["code"] == 0, (route, answer)
        return answer

    made = await call("register", {"space_id": space_id, "ai_plugin": manifest(name), "openapi": openapi})
    plugin_id = str(made["data"]["plugin_id"])
    await call("publish_plugin", {"plugin_id": plugin_id, "version_name": "v1.0.0"})
    apis = await call("get_plugin_apis", {"plugin_id": plugin_id, "page": 1, "size": 50})
    return plugin_id, {t["name"]: str(t["api_id"]) for t in apis["api_info"]}
