"""The cozeplus column of bench_chat: a served cozeplus with an echo agent, a chat token and one
conversation per client, set up over HTTP as a user and a script would.

Set-up: an account created in the database before the server starts (as `cozeplus admin
create-user` does), then over HTTP: sign in, a team space, the builtin-echo model's id from the
model list, a token for the agent (`bot:write`) and one for chats (`chat` only, so the turns go
through the scope check), an agent on builtin-echo created and published to the API connector
(1024), and the conversations. Turns POST /v3/chat?conversation_id=<the client's> with
`stream: true`, so each one writes the question, the answer and the run and relays the run stream.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.bench.http_harness import Server, http_json
from tests.bench.http_identity import TOKEN_PATH, Account, create_account, session_headers, sign_in
from tests.bench.sse_load import SseTarget, Turn

SPACE_PATH = "/api/playground_api/space/save"
MODELS_PATH = "/api/bot/get_type_list"
ECHO_MODEL = "builtin-echo"
API_CONNECTOR = "1024"
SETUP_THREADS = 8  # set-up and clean-up requests in flight at once


@dataclass(frozen=True, slots=True)
class ChatWorld:
    port: int
    bot_id: str
    bearer: dict[str, str]  # the chat-scoped token
    conversations: list[str]  # one per load client
    held: list[str]  # one per held (slow) stream


def _ok(port: int, method: str, path: str, body: object, headers: dict[str, str]) -> dict[str, object]:
    status, answer = http_json(port, method, path, body, headers)
    if status != 200 or not isinstance(answer, dict) or answer.get("code") != 0:
        raise RuntimeError(f"{method} {path} failed: {status} {answer}")
    return answer


def _token(port: int, cookie: str, name: str, scopes: list[str]) -> dict[str, str]:
    made = _ok(
        port,
        "POST",
        TOKEN_PATH,
        {"name": name, "duration_day": "30", "scopes": scopes},
        session_headers(port, cookie),
    )
    data = made["data"]
    assert isinstance(data, dict)
    return {"authorization": f"Bearer {data['token']}"}


def create_user(data_dir: Path, database_url: str) -> Account:
    """The bench's account, in the migrated database, before any server starts."""
    return create_account(data_dir, database_url, superuser=False)


def prepare(server: Server, account: Account, conversations: int, held: int) -> ChatWorld:
    port = server.port
    cookie = sign_in(port, account)
    signed_in = session_headers(port, cookie)
    space = _ok(port, "POST", SPACE_PATH, {"name": "Chat bench"}, signed_in)["data"]
    assert isinstance(space, dict)
    models = _ok(port, "POST", MODELS_PATH, {}, signed_in)["data"]
    assert isinstance(models, dict)
    echo = next(m["model_type"] for m in models["model_list"] if m["model_name"] == ECHO_MODEL)
    builder = _token(port, cookie, "bench-builder", ["bot:write", "bot:read"])
    bot = {"space_id": str(space["id"]), "name": "Echo", "model_info_config": {"model_id": echo}}
    made = _ok(port, "POST", "/v1/bot/create", bot, builder)["data"]
    assert isinstance(made, dict)
    bot_id = str(made["bot_id"])
    _ok(port, "POST", "/v1/bot/publish", {"bot_id": bot_id, "connector_ids": [API_CONNECTOR]}, builder)
    bearer = _token(port, cookie, "bench-chat", ["chat"])

    def conversation() -> str:
        data = _ok(port, "POST", "/v1/conversation/create", {"bot_id": bot_id}, bearer)["data"]
        assert isinstance(data, dict)
        return str(data["id"])

    with ThreadPoolExecutor(SETUP_THREADS) as pool:
        made = list(pool.map(lambda _: conversation(), range(conversations + held)))
    return ChatWorld(port, bot_id, bearer, made[:conversations], made[conversations:])


def chat_target(world: ChatWorld, conversations: list[str], body: bytes) -> SseTarget:
    """Client n's turns go to conversations[n]: one running chat per conversation, as Coze has it."""
    return SseTarget(
        "127.0.0.1",
        world.port,
        lambda client, _turn: Turn(f"/v3/chat?conversation_id={conversations[client]}", body),
        world.bearer,
    )


def cancel_held(world: ChatWorld, timeout_s: float = 30.0) -> int:
    """Cancel the held chats (their runs outlive the dropped connections); the number canceled."""
    deadline = time.monotonic() + timeout_s
    with ThreadPoolExecutor(SETUP_THREADS) as pool:
        return sum(pool.map(lambda conversation: _cancel(world, conversation, deadline), world.held))


def _cancel(world: ChatWorld, conversation: str, deadline: float) -> int:
    """Cancel the conversation's latest chat: 1 when canceled, 0 when it had ended already."""
    query = f"?conversation_id={conversation}"
    while True:
        listed = _ok(world.port, "POST", f"/v1/conversation/message/list{query}", {"limit": 1}, world.bearer)[
            "data"
        ]
        assert isinstance(listed, list)
        chat_id = listed[0]["chat_id"] if listed else None
        body = {"conversation_id": conversation, "chat_id": chat_id}
        status, answer = http_json(world.port, "POST", "/v3/chat/cancel", body, world.bearer)
        code = answer.get("code") if isinstance(answer, dict) else None
        if status == 200 and code == 0:
            return 1
        if code == 4104:  # not cancellable: it already ended
            return 0
        if time.monotonic() > deadline:
            raise RuntimeError(f"cancel of a held chat failed: {status} {answer}")
        time.sleep(0.05)


@contextmanager
def mysql_database(server_url: str) -> Iterator[str]:
    """A throw-away database on the MariaDB server at `server_url`, dropped afterwards."""
    server = server_url.rstrip("/") + "/"
    name = f"cz_bench_chat_{uuid.uuid4().hex[:8]}"
    asyncio.run(_execute(server, f"CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
    try:
        yield f"{server}{name}?charset=utf8mb4"
    finally:
        asyncio.run(_execute(server, f"DROP DATABASE IF EXISTS {name}"))


async def _execute(server: str, sql: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(server)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(sql))
    finally:
        await engine.dispose()
