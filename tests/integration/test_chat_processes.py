"""Two `cozeplus serve` processes over one MariaDB and one NATS: a chat started on one survives its
client hanging up, is read to the end on the other, and is cancelled from the other."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from infra.nats.connection import NatsConnection
from tests.support.databases import empty_database
from tests.support.processes import COZEPLUS, cozeplus_env, free_port, start, wait_http
from tests.support.servers import server_url

PASSWORD = "two processes 1"
WORDS = [f"w{i}" for i in range(40)]
SLOW = "/slow " + " ".join(WORDS)  # one word every 200 ms: about 8 s


@dataclass
class Node:
    url: str
    client: httpx.Client

    def spa(self, path: str, body: dict[str, Any]) -> httpx.Response:
        return self.client.post(f"{self.url}{path}", json=body, headers={"origin": self.url})


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Node, Node, dict[str, str]]]:
    mysql = server_url("COZEPLUS_TEST_MYSQL_URL")
    nats = server_url("COZEPLUS_TEST_NATS_URL")
    assert mysql and nats
    tmp = tmp_path_factory.mktemp("chat-processes")
    tag = uuid.uuid4().hex[:8]
    with empty_database("mysql", tmp) as database_url:
        shared = {
            "COZEPLUS_DATABASE_URL": database_url,
            "COZEPLUS_NATS_URL": nats,
            "COZEPLUS_SECRET_KEY": "x" * 40,
            # Streams and buckets of their own, so parallel test runs do not meet.
            "COZEPLUS_RUNSTREAM_STREAM": f"CPT_CHAT_{tag}",
            "COZEPLUS_RUNSTREAM_SUBJECT_PREFIX": f"cpt.{tag}.runs",
            "COZEPLUS_KV_BUCKET": f"cpt_{tag}",
            "COZEPLUS_EVENTBUS_STREAM": f"CPT_EV_{tag}",
            "COZEPLUS_EVENTBUS_SUBJECT_PREFIX": f"cpt{tag}.events",
            "COZEPLUS_LOG_LEVEL": "warning",
        }
        env = cozeplus_env(**shared, COZEPLUS_DATA_DIR=str(tmp / "cli"))
        subprocess.run([*COZEPLUS, "migrate"], env=env, check=True, capture_output=True)
        procs, found = [], []
        try:
            for name in ("a", "b"):
                port = free_port()
                node_env = cozeplus_env(**shared, COZEPLUS_PORT=str(port), COZEPLUS_DATA_DIR=str(tmp / name))
                procs.append(start(["serve"], tmp, node_env, tmp / f"{name}.log"))
                url = f"http://127.0.0.1:{port}"
                wait_http(f"{url}/healthz")
                found.append(Node(url, httpx.Client(timeout=30)))
            yield found[0], found[1], env
        finally:
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
            for proc in procs:
                proc.wait(timeout=30)
            for node in found:
                node.client.close()
            asyncio.run(_drop_streams(nats, tag))


async def _drop_streams(url: str, tag: str) -> None:
    connection = NatsConnection(url)
    await connection.start()
    try:
        js = connection.jetstream()
        for info in await js.streams_info():
            if tag in info.config.name.lower():
                await js.delete_stream(info.config.name)
    finally:
        await connection.stop()


def cli(env: dict[str, str], *args: str) -> str:
    out = subprocess.run([*COZEPLUS, "admin", *args], env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def sse_events(lines: list[str]) -> list[tuple[str, dict[str, Any]]]:
    kept = [ln.strip() for ln in lines if ln.strip()]
    return [(k[6:], json.loads(d[5:])) for k, d in zip(kept[::2], kept[1::2], strict=True)]


def user_with_bot(a: Node, b: Node, env: dict[str, str]) -> tuple[str, str]:
    """A user signed in on both processes (one session), with a published agent; (bot id, token)."""
    email = f"{uuid.uuid4().hex[:8]}@example.com"
    cli(env, "create-user", "--email", email, "--password", PASSWORD)
    token = cli(env, "create-token", "--email", email, "--name", "t", "--days", "1")
    login = a.spa("/api/passport/web/email/login/", {"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    b.client.cookies.update(a.client.cookies)
    spaces = a.spa("/api/playground_api/space/list", {}).json()["data"]["bot_space_list"]
    space = next(s["id"] for s in spaces if s["space_type"] == 1)
    bot = a.spa("/api/draftbot/create", {"space_id": space, "name": "Slow echo"}).json()["data"]["bot_id"]
    published = a.spa("/api/draftbot/publish", {"bot_id": bot, "connectors": {"1024": {}}})
    assert published.json()["code"] == 0, published.text
    return str(bot), token


@pytest.mark.mysql
@pytest.mark.nats
def test_a_dropped_stream_is_resumed_on_the_other_process(nodes: tuple[Node, Node, dict[str, str]]) -> None:
    a, b, env = nodes
    bot, _ = user_with_bot(a, b, env)
    seen: list[str] = []
    with a.client.stream(
        "POST",
        f"{a.url}/api/conversation/chat",
        json={"bot_id": bot, "query": SLOW},
        headers={"origin": a.url},
    ) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        for line in r.iter_lines():
            seen.append(line)
            if sum(ln.startswith("data:") for ln in seen) == 5:
                break  # the ack and four words; then the client goes away
    first = sse_events(seen)
    last = first[-1][1]
    question = first[0][1]["message"]["message_id"]

    resumed = b.spa(
        "/api/conversation/chat/resume",
        {"conversation_id": last["conversation_id"], "message_id": question, "seq_id": last["seq_id"]},
    )
    rest = sse_events(resumed.text.splitlines())
    assert rest[-1][0] == "done" and rest[-1][1]["status"] == "completed"
    deltas = [d["message"]["content"] for k, d in first[1:] + rest if k == "message" and not d["is_finish"]]
    assert "".join(deltas).split() == WORDS  # every word once, in order, across the two processes
    answer = next(d["message"] for k, d in rest if k == "message" and d["is_finish"])
    assert answer["content"].split() == WORDS


@pytest.mark.mysql
@pytest.mark.nats
def test_cancel_on_the_other_process_stops_the_generation(nodes: tuple[Node, Node, dict[str, str]]) -> None:
    a, b, env = nodes
    bot, token = user_with_bot(a, b, env)
    bearer = {"authorization": f"Bearer {token}"}
    body = {
        "bot_id": bot,
        "user_id": "u1",
        "stream": False,
        "additional_messages": [{"role": "user", "content": SLOW, "content_type": "text"}],
    }
    chat = a.client.post(
        f"{a.url}/v3/chat", params={"conversation_id": ""}, json=body, headers=bearer
    ).json()["data"]
    where = {"conversation_id": chat["conversation_id"], "chat_id": chat["id"]}
    # Watch the answer grow from B (through the stream on NATS) until a few words are out.
    watched: list[str] = []
    with b.client.stream(
        "POST",
        f"{b.url}/api/conversation/chat/resume",
        json={"conversation_id": chat["conversation_id"], "chat_id": chat["id"]},
        headers={"origin": b.url},
    ) as r:
        for line in r.iter_lines():
            watched.append(line)
            if sum(ln.startswith("data:") for ln in watched) == 6:
                break
    seen_words = [
        d["message"]["content"] for k, d in sse_events(watched) if k == "message" and not d["is_finish"]
    ]
    words_before_cancel = len("".join(seen_words).split())

    canceled = b.client.post(f"{b.url}/v3/chat/cancel", json=where, headers=bearer).json()
    assert canceled["code"] == 0 and canceled["data"]["status"] == "canceled"
    listed = a.client.post(f"{a.url}/v3/chat/message/list", params=where, headers=bearer).json()["data"]
    partial = listed[0]["content"].split()
    assert partial == WORDS[: len(partial)]
    # Words come every 200 ms: stopping within a second leaves at most five more than were seen.
    assert words_before_cancel <= len(partial) <= words_before_cancel + 5
    retrieved = a.client.post(f"{a.url}/v3/chat/retrieve", params=where, headers=bearer).json()["data"]
    assert retrieved["status"] == "canceled"
