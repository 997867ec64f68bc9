"""Faults: the NATS server behind run streams, key-value and the event bus dies (SIGKILL) or stalls
(SIGSTOP) while chats stream. Every reader — cozepy's unmodified `coze.chat.stream` on the token API
and httpx on the SPA's chat and resume, on the generating process and on another one — gets the
chat's terminal events (`conversation.chat.failed` whose last_error names the cause, then `done`;
the SPA's `error`, then `done`) and the stream closes. The run is failed in the database; retrieve
and resume report it, during the outage and after; once the server is back, new chats work without
restarting cozeplus.

The servers are private: a nats-server of our own on a free loopback port (killed, stalled and
restarted here) and `cozeplus serve` on SQLite (one process) or on a fresh MariaDB schema (two
processes). The bound on "within a few seconds" is the pytest timeout, not a wall-clock assertion.
"""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from cozepy import ChatEventType, ChatStatus, Coze, CozeAPIError, Message, SyncHTTPClient, TokenAuth

from tests.e2e.conftest import create_echo_bot
from tests.support.databases import empty_database
from tests.support.nats_server import PrivateNats
from tests.support.processes import COZEPLUS, cozeplus_env, free_port, start, wait_http
from tests.support.served import Account, Served, model_id, sign_up

pytestmark = pytest.mark.timeout(90)

WORDS = [f"w{i}" for i in range(40)]
SLOW = "/slow " + " ".join(WORDS)  # one word every 200 ms: about 8 s, far longer than the test waits
STREAM_INTERRUPTED = 5038
FAULTS = ["kill", "stall"]
WAIT_S = 60  # longest wait for a reader to see what it waits for; the pytest timeout bounds all


@dataclass
class Deployment:
    nats: PrivateNats
    nodes: list[Served]
    owner: Account
    bot_id: str

    def coze(self, node: Served) -> Coze:
        return Coze(
            auth=TokenAuth(self.owner.token),
            base_url=node.base_url,
            http_client=SyncHTTPClient(timeout=WAIT_S),
        )


@contextmanager
def _serve(env: dict[str, str], directory: Path, name: str) -> Iterator[Served]:
    port = free_port()
    env = {**env, "COZEPLUS_PORT": str(port), "COZEPLUS_DATA_DIR": str(directory / name)}
    log = directory / f"{name}.log"
    process = start(["serve"], directory, env, log)
    served = Served("faults", f"http://127.0.0.1:{port}", env, log, process)
    try:
        wait_http(f"{served.base_url}/healthz", seconds=60)
        yield served
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def _deployment(tmp: Path, processes: int, database_url: str | None) -> Iterator[Deployment]:
    nats = PrivateNats(tmp / "nats-store")
    nats.start()
    with ExitStack() as stack:
        stack.callback(nats.stop)
        env = cozeplus_env(
            COZEPLUS_NATS_URL=nats.url,  # run streams, key-value and the event bus
            COZEPLUS_SECRET_KEY="s" * 40,  # one deployment: sessions and tokens valid on every process
            COZEPLUS_RATE_LIMIT_TOKEN_PER_MIN="0",
            COZEPLUS_RATE_LIMIT_USER_PER_MIN="0",
            COZEPLUS_DATA_DIR=str(tmp / "migrate"),
            **({"COZEPLUS_DATABASE_URL": database_url} if database_url else {}),
        )
        if database_url is None:  # SQLite: one file every process of this test would share
            env["COZEPLUS_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp / 'chat.db'}"
        migrated = subprocess.run(
            [*COZEPLUS, "migrate"], env=env, capture_output=True, text=True, check=False
        )
        assert migrated.returncode == 0, migrated.stderr[-3000:]
        nodes = [stack.enter_context(_serve(env, tmp, f"node{i}")) for i in range(processes)]
        owner = sign_up(nodes[0], "faults")
        stack.callback(owner.web.close)
        coze = Coze(auth=TokenAuth(owner.token), base_url=nodes[0].base_url)
        bot = create_echo_bot(coze, owner, model_id(owner, "builtin-echo"), "slow echo", publish=True)
        yield Deployment(nats, nodes, owner, bot)


@pytest.fixture(scope="module")
def single(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """One `cozeplus serve` on SQLite with its streams, key-value and event bus on a private NATS."""
    with _deployment(tmp_path_factory.mktemp("faults-one"), 1, None) as deployment:
        yield deployment


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """Two `cozeplus serve` processes over a fresh MariaDB schema and a private NATS."""
    tmp = tmp_path_factory.mktemp("faults-two")
    with empty_database("mysql", tmp) as database_url, _deployment(tmp, 2, database_url) as deployment:
        yield deployment


# -- readers, each in a thread of its own ---------------------------------------------------------
@dataclass
class Reader:
    """Reads one stream to its end in a thread; `events` as (name, data) in arrival order."""

    events: list[tuple[str, Any]] = field(default_factory=list)
    error: BaseException | None = None
    started: threading.Event = field(default_factory=threading.Event)  # the chat is known
    flowing: threading.Event = field(default_factory=threading.Event)  # two deltas seen
    thread: threading.Thread | None = None
    chat: dict[str, str] = field(default_factory=dict)

    def run(self, target: Any) -> Reader:
        def body() -> None:
            try:
                target(self)
            except BaseException as exc:
                self.error = exc
            finally:
                self.started.set()
                self.flowing.set()

        self.thread = threading.Thread(target=body, daemon=True)
        self.thread.start()
        return self

    def saw(self, name: str, data: Any, delta: bool) -> None:
        self.events.append((name, data))
        if delta and sum(1 for n, _ in self.events if n == name) >= 2:
            self.flowing.set()

    def wait_flowing(self) -> None:
        assert self.flowing.wait(WAIT_S), "the chat never streamed"
        assert self.error is None, repr(self.error)

    def wait_end(self) -> None:
        """The stream closed (the thread's read loop returned): the terminal events are in."""
        assert self.thread is not None
        self.thread.join(WAIT_S)
        assert not self.thread.is_alive(), f"the stream never ended; events so far: {self.events[-3:]}"
        assert self.error is None, repr(self.error)


def token_chat(coze: Coze, bot_id: str, text: str) -> Reader:
    """cozepy's `coze.chat.stream`, unmodified, to its end (cozepy swallows `done`)."""

    def read(reader: Reader) -> None:
        stream = coze.chat.stream(
            bot_id=bot_id, user_id="u1", additional_messages=[Message.build_user_question_text(text)]
        )
        for item in stream:
            if item.event == ChatEventType.CONVERSATION_CHAT_CREATED:
                assert item.chat is not None
                reader.chat = {"id": item.chat.id, "conversation_id": item.chat.conversation_id}
                reader.started.set()
            reader.saw(item.event.value, item, item.event == ChatEventType.CONVERSATION_MESSAGE_DELTA)

    return Reader().run(read)


def spa_stream(node: Served, owner: Account, path: str, body: dict[str, Any]) -> Reader:
    """An SPA chat (or resume) read with httpx as server-sent events, to the end of the body."""

    def read(reader: Reader) -> None:
        with httpx.stream(
            "POST",
            f"{node.base_url}{path}",
            json=body,
            cookies=owner.web.cookies,
            headers={"origin": node.base_url},
            timeout=WAIT_S,
        ) as response:
            assert response.headers["content-type"].startswith("text/event-stream"), response.read()
            name = ""
            for line in response.iter_lines():
                if line.startswith("event:"):
                    name = line[len("event:") :].strip()
                elif line.startswith("data:"):
                    data = json.loads(line[len("data:") :])
                    delta = name == "message" and not data.get("is_finish", True)
                    reader.saw(name, data, delta)
                    if name == "message" and data["message"]["type"] == "ack":
                        reader.chat = {
                            "id": data["message"]["extra_info"]["chat_id"],
                            "conversation_id": data["conversation_id"],
                        }
                        reader.started.set()

    return Reader().run(read)


def spa_chat(node: Served, owner: Account, bot_id: str, text: str) -> Reader:
    return spa_stream(node, owner, "/api/conversation/chat", {"bot_id": bot_id, "query": text})


def spa_resume(node: Served, owner: Account, chat: dict[str, str]) -> Reader:
    body = {"conversation_id": chat["conversation_id"], "chat_id": chat["id"], "seq_id": 0}
    return spa_stream(node, owner, "/api/conversation/chat/resume", body)


# -- what every reader must have seen ---------------------------------------------------------------
def assert_token_failed(reader: Reader) -> None:
    name, item = reader.events[-1]
    assert name == ChatEventType.CONVERSATION_CHAT_FAILED.value, [n for n, _ in reader.events[-4:]]
    assert item.chat.status == ChatStatus.FAILED
    assert_interrupted(item.chat.last_error.code, item.chat.last_error.msg)


def assert_spa_failed(reader: Reader) -> None:
    (error, failure), (done, end) = reader.events[-2:]
    assert (error, done) == ("error", "done"), [n for n, _ in reader.events[-4:]]
    assert_interrupted(failure["code"], failure["msg"])
    assert end["status"] == "failed"


def assert_interrupted(code: int, msg: str) -> None:
    assert code == STREAM_INTERRUPTED, msg
    assert "event stream was interrupted" in msg and "NATS" in msg, msg


def assert_stored_failed(deployment: Deployment, node: Served, chat: dict[str, str]) -> None:
    stored = deployment.coze(node).chat.retrieve(conversation_id=chat["conversation_id"], chat_id=chat["id"])
    assert stored.status == ChatStatus.FAILED
    assert stored.last_error is not None
    assert_interrupted(stored.last_error.code, stored.last_error.msg)


def fault(deployment: Deployment, kind: str) -> None:
    if kind == "kill":
        deployment.nats.kill()
    else:
        deployment.nats.pause()


def recover(deployment: Deployment, kind: str) -> None:
    if kind == "kill":
        deployment.nats.start()  # same port, same store
    else:
        deployment.nats.resume()
    for node in deployment.nodes:
        wait_ready(node)


def wait_ready(node: Served) -> None:
    """Until the process has its NATS connection and run streams back (no restart of cozeplus)."""
    deadline = time.monotonic() + WAIT_S
    while True:
        ready = httpx.get(f"{node.base_url}/readyz", timeout=10).json()
        if all(ready["components"][name]["ok"] for name in ("nats", "runstream", "kv")):
            return
        assert time.monotonic() < deadline, ready
        time.sleep(0.2)


def assert_new_chat_works(deployment: Deployment, node: Served) -> None:
    reader = token_chat(deployment.coze(node), deployment.bot_id, "back again")
    reader.wait_end()
    names = [n for n, _ in reader.events]
    assert names[-1] == ChatEventType.CONVERSATION_CHAT_COMPLETED.value, names
    answer = [
        item.message.content
        for n, item in reader.events
        if n == ChatEventType.CONVERSATION_MESSAGE_COMPLETED.value and item.message.type.value == "answer"
    ]
    assert answer == ["back again"]


# -- the cases ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", FAULTS)
def test_one_process_readers_end_when_nats_fails(single: Deployment, kind: str) -> None:
    node = single.nodes[0]
    token = token_chat(single.coze(node), single.bot_id, SLOW)
    spa = spa_chat(node, single.owner, single.bot_id, SLOW)
    token.wait_flowing()
    spa.wait_flowing()

    fault(single, kind)
    try:
        token.wait_end()
        spa.wait_end()
        assert_token_failed(token)
        assert_spa_failed(spa)
        # During the outage: the database has the failure; a resume reports it and ends.
        assert_stored_failed(single, node, token.chat)
        assert_stored_failed(single, node, spa.chat)
        during = spa_resume(node, single.owner, spa.chat)
        during.wait_end()
        assert_spa_failed(during)
        # A chat started now is refused before its stream begins, with the cause (cozepy raises).
        with pytest.raises(CozeAPIError) as refused:
            list(
                single.coze(node).chat.stream(
                    bot_id=single.bot_id,
                    user_id="u1",
                    additional_messages=[Message.build_user_question_text("too early")],
                )
            )
        assert refused.value.code == 5032 and "NATS" in str(refused.value.msg), refused.value
    finally:
        recover(single, kind)

    after = spa_resume(node, single.owner, token.chat)  # its stream exists again, without an end
    after.wait_end()
    assert_spa_failed(after)
    assert_new_chat_works(single, node)


@pytest.mark.mysql
@pytest.mark.parametrize("kind", FAULTS)
def test_reader_on_another_process_ends_when_nats_fails(pair: Deployment, kind: str) -> None:
    writer, other = pair.nodes
    token = token_chat(pair.coze(writer), pair.bot_id, SLOW)  # generated on the first process
    assert token.started.wait(WAIT_S) and token.chat, token.error
    remote = spa_resume(other, pair.owner, token.chat)  # read through NATS by the second one
    remote.wait_flowing()

    fault(pair, kind)
    try:
        token.wait_end()
        remote.wait_end()
        assert_token_failed(token)
        assert_spa_failed(remote)
        assert_stored_failed(pair, other, token.chat)
    finally:
        recover(pair, kind)

    after = spa_resume(other, pair.owner, token.chat)
    after.wait_end()
    assert_spa_failed(after)
    assert_new_chat_works(pair, other)
    assert_new_chat_works(pair, writer)
