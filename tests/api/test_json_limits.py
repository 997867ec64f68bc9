"""JSON a client sends, as a string inside a field or as the body itself, is bounded in depth and
size: a breach answers a 4000 envelope on every surface, and nothing is written (ADR 0032)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bootstrap.settings import Settings
from domain.common.jsonvalue import MAX_DEPTH
from domain.conversation.values import MAX_MESSAGE_CHARS
from tests.support.chat_world import ChatUser, Client, chat_user
from tests.support.identity import create_user, sign_in

NESTED = "[" * 5000
OVERSIZED = '[{"type": "text", "text": "' + "x" * MAX_MESSAGE_CHARS + '"}]'
TOO_DEEP = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
BAD_CONTENT = pytest.mark.parametrize("content", [NESTED, OVERSIZED, TOO_DEEP], ids=["5000", "big", "33"])
TABLES = ("conversation", "conversation_section", "conversation_message", "chat_run")


@pytest.fixture
async def me(anon_client: Client, settings: Settings) -> ChatUser:
    return await chat_user(anon_client, settings)


async def counts(settings: Settings) -> dict[str, int]:
    """Rows per conversation table, read from the database itself."""
    engine = create_async_engine(settings.database_url)
    try:
        async with engine.connect() as conn:
            return {t: (await conn.execute(text(f"SELECT COUNT(*) FROM {t}"))).scalar_one() for t in TABLES}
    finally:
        await engine.dispose()


def refused(r: Any) -> dict[str, Any]:
    assert r.status_code == 400, r.text
    body: dict[str, Any] = r.json()
    assert body["code"] == 4000, body
    assert body["msg"] and body["data"] is None and body["detail"]["logid"]
    return body


def part(content: str) -> dict[str, Any]:
    return {"role": "user", "content": content, "content_type": "object_string"}


@BAD_CONTENT
async def test_conversation_create(me: ChatUser, settings: Settings, content: str) -> None:
    before = await counts(settings)
    r = await me.client.post(
        "/v1/conversation/create", json={"bot_id": me.bot, "messages": [part(content)]}, headers=me.bearer
    )
    body = refused(r)
    assert "content" in body["msg"]
    assert await counts(settings) == before


@BAD_CONTENT
async def test_message_create(me: ChatUser, settings: Settings, content: str) -> None:
    made = await me.post("/v1/conversation/create", {"bot_id": me.bot})
    before = await counts(settings)
    r = await me.client.post(
        "/v1/conversation/message/create",
        params={"conversation_id": made["data"]["id"]},
        json=part(content),
        headers=me.bearer,
    )
    refused(r)
    assert await counts(settings) == before


@BAD_CONTENT
async def test_message_modify(me: ChatUser, settings: Settings, content: str) -> None:
    made = await me.post(
        "/v1/conversation/create", {"bot_id": me.bot, "messages": [part('[{"type":"text","text":"hi"}]')]}
    )
    cid = made["data"]["id"]
    listed = await me.post("/v1/conversation/message/list", {}, params={"conversation_id": cid})
    mid = listed["data"][0]["id"]
    r = await me.client.post(
        "/v1/conversation/message/modify",
        params={"conversation_id": cid, "message_id": mid},
        json={"content": content, "content_type": "object_string"},
        headers=me.bearer,
    )
    refused(r)
    got = await me.client.get(
        "/v1/conversation/message/retrieve",
        params={"conversation_id": cid, "message_id": mid},
        headers=me.bearer,
    )
    assert got.json()["data"]["content"] == '[{"type":"text","text":"hi"}]'


@BAD_CONTENT
@pytest.mark.parametrize("stream", [False, True])
async def test_chat(me: ChatUser, settings: Settings, content: str, stream: bool) -> None:
    before = await counts(settings)
    body = {**me.chat_body(), "additional_messages": [part(content)], "stream": stream}
    refused(await me.client.post("/v3/chat", json=body, headers=me.bearer))
    assert await counts(settings) == before


async def test_nested_object_string_within_the_limit_is_kept(me: ChatUser) -> None:
    fine = '[{"type": "text", "text": "deep but fine", "extra": ' + "[" * 20 + "]" * 20 + "}]"
    made = await me.post("/v1/conversation/create", {"bot_id": me.bot, "messages": [part(fine)]})
    assert made["code"] == 0, made


async def test_chat_parameters_nested_too_deep(me: ChatUser, settings: Settings) -> None:
    before = await counts(settings)
    deep: Any = {}
    for _ in range(MAX_DEPTH + 1):
        deep = {"a": deep}
    r = await me.client.post("/v3/chat", json={**me.chat_body(), "parameters": deep}, headers=me.bearer)
    assert "parameters" in refused(r)["msg"]
    assert await counts(settings) == before


@pytest.mark.parametrize(
    ("path", "surface"),
    [
        ("/v1/conversation/create", "token"),
        ("/v3/chat", "token"),
        ("/api/conversation/chat", "session"),
        ("/api/admin/settings/site.title", "admin"),
    ],
)
@pytest.mark.parametrize("raw", [b"[" * 5000, b'{"a":' * 5000, b'{"bot_id": ' + b"[" * 100_000])
async def test_deeply_nested_bodies(
    me: ChatUser, settings: Settings, path: str, surface: str, raw: bytes
) -> None:
    headers = {"content-type": "application/json"}
    if surface == "token":
        headers |= me.bearer
    elif surface == "admin":
        admin = await create_user(settings, superuser=True)
        await sign_in(me.client, admin["email"])
    method = "PUT" if surface == "admin" else "POST"
    before = await counts(settings)
    r = await me.client.request(method, path, content=raw, headers=headers)
    refused(r)
    assert r.headers["x-log-id"] == r.json()["detail"]["logid"]
    assert await counts(settings) == before
    if surface == "admin":
        assert (await me.client.get("/api/admin/settings")).json()["data"]["settings"] == []


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 900])
async def test_setting_value_nested_too_deep(me: ChatUser, settings: Settings, depth: int) -> None:
    """900 levels pass the body decoder; measuring the value's size would then recurse as deep."""
    admin = await create_user(settings, superuser=True)
    await sign_in(me.client, admin["email"])
    raw = b'{"value": ' + b"[" * depth + b"]" * depth + b"}"
    r = await me.client.put(
        "/api/admin/settings/site.title", content=raw, headers={"content-type": "application/json"}
    )
    assert "value" in refused(r)["msg"]
    assert (await me.client.get("/api/admin/settings")).json()["data"]["settings"] == []
