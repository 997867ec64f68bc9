"""A signed-in user with a token and a published echo bot, for chat API tests; and a strict SSE
reader that parses a body the way cozepy does (exactly `event:` then `data:`, nothing else)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
from litestar.testing import AsyncTestClient

from bootstrap.settings import Settings
from tests.support.identity import create_user, sign_in

T = TypeVar("T")
PAT = "/api/permission_api/pat"
Client = AsyncTestClient  # type: ignore[type-arg]
WEATHER_TOOL = {
    "name": "get_weather",
    "description": "weather in a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}


@dataclass
class ChatUser:
    client: Client
    user_id: int
    email: str
    space: str
    model: str
    bearer: dict[str, str]
    bots: list[str] = field(default_factory=list)

    @property
    def bot(self) -> str:
        return self.bots[0]

    async def post(self, path: str, body: Any = None, **kw: Any) -> dict[str, Any]:
        r = await self.client.post(path, json=body, headers=self.bearer, **kw)
        data: dict[str, Any] = r.json()
        data["_status"] = r.status_code
        return data

    async def new_bot(self, *, publish: bool = True, **config: Any) -> str:
        model = {"model_id": self.model}
        body = {"space_id": self.space, "name": "Echo", "model_info_config": model, **config}
        made = await self.post("/v1/bot/create", body)
        assert made["code"] == 0, made
        bot = str(made["data"]["bot_id"])
        if publish:
            published = await self.post("/v1/bot/publish", {"bot_id": bot, "connector_ids": ["1024"]})
            assert published["code"] == 0, published
        self.bots.append(bot)
        return bot

    def chat_body(self, text: str = "hello", **extra: Any) -> dict[str, Any]:
        return {
            "bot_id": self.bot,
            "user_id": "end-user-1",
            "additional_messages": [{"role": "user", "content": text, "content_type": "text"}],
            **extra,
        }

    async def stream(
        self, text: str = "hello", conversation_id: str = "", **extra: Any
    ) -> list[dict[str, Any]]:
        r = await self.client.post(
            "/v3/chat",
            params={"conversation_id": conversation_id},
            json=self.chat_body(text, stream=True, **extra),
            headers=self.bearer,
        )
        assert r.headers["content-type"].startswith("text/event-stream"), r.text
        return parse_sse(r.content)


async def chat_user(client: Client, settings: Settings, **bot: Any) -> ChatUser:
    user = await create_user(settings)
    await sign_in(client, user["email"])
    space = (await client.post("/api/playground_api/space/save", json={"name": "Chats"})).json()["data"]["id"]
    models = (await client.post("/api/bot/get_type_list", json={})).json()["data"]["model_list"]
    echo = next(m["model_type"] for m in models if m["model_name"] == "builtin-echo")
    made = await client.post(
        f"{PAT}/create_personal_access_token_and_permission", json={"name": "chat", "duration_day": "1"}
    )
    bearer = {"authorization": f"Bearer {made.json()['data']['token']}"}
    me = ChatUser(client, int(user["id"]), user["email"], str(space), echo, bearer)
    await me.new_bot(**bot)
    return me


def parse_sse(body: bytes) -> list[dict[str, Any]]:
    """Events as cozepy reads them: lines split like str.splitlines, blank lines skipped, and each
    event exactly one `event:` line and one `data:` line. Anything else fails the test."""
    lines = [ln.strip() for ln in body.decode().splitlines() if ln.strip()]
    assert len(lines) % 2 == 0, f"odd number of lines: {lines[-3:]}"
    events = []
    for kind_line, data_line in zip(lines[::2], lines[1::2], strict=True):
        assert kind_line.startswith("event:"), kind_line
        assert data_line.startswith("data:"), data_line
        events.append({"event": kind_line[6:].strip(), "data": json.loads(data_line[5:].strip())})
    return events


def in_app_loop(client: Client, work: Callable[[httpx.AsyncClient], Awaitable[T]]) -> T:
    """Run `work` on the app's own event loop with a client of its own, so that requests can overlap:
    Litestar's test client runs the app behind a blocking portal, one request at a time."""

    async def run() -> T:
        transport = httpx.ASGITransport(app=client.app)
        async with httpx.AsyncClient(
            transport=transport, base_url=str(client.base_url), cookies=client.cookies, headers=client.headers
        ) as inner:
            return await work(inner)

    with client.portal() as portal:
        return portal.call(run)
