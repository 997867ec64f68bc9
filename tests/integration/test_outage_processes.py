"""Two `cozeplus serve` processes on one database and a private nats-server that is killed and
started again (issue 11): both keep serving what needs only the database, both refuse chat starts
with 503 / 5032, a token revoked on one during the outage is refused there at once and on the other
once NATS is back (its auth cache keeps entries 60 s, so only the event or the reconnect resync can
explain it), and both serve chats again without a restart."""

from __future__ import annotations

import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration.test_chat_processes import PASSWORD, Node, cli
from tests.support.databases import migrated_database
from tests.support.nats_server import PrivateNats
from tests.support.processes import cozeplus_env, free_port, start, wait_http

PAT = "/api/permission_api/pat"


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[tuple[Node, Node, dict[str, str], PrivateNats]]:
    nats = PrivateNats(tmp_path / "nats")
    nats.start()
    procs: list[subprocess.Popen[bytes]] = []
    nodes: list[Node] = []
    try:
        with migrated_database("sqlite", tmp_path) as database_url:
            shared = {
                "COZEPLUS_DATABASE_URL": database_url,
                "COZEPLUS_NATS_URL": nats.url,
                "COZEPLUS_SECRET_KEY": "y" * 40,
                "COZEPLUS_TOKEN_AUTH_CACHE_TTL_S": "60",
                "COZEPLUS_LOG_LEVEL": "warning",
            }
            env = cozeplus_env(**shared, COZEPLUS_DATA_DIR=str(tmp_path / "cli"))
            for name in ("a", "b"):
                port = free_port()
                node_env = cozeplus_env(
                    **shared, COZEPLUS_PORT=str(port), COZEPLUS_DATA_DIR=str(tmp_path / name)
                )
                procs.append(start(["serve"], tmp_path, node_env, tmp_path / f"{name}.log"))
                url = f"http://127.0.0.1:{port}"
                wait_http(f"{url}/healthz")
                nodes.append(Node(url, httpx.Client(timeout=30)))
            for node in nodes:
                until(lambda node=node: node.client.get(f"{node.url}/readyz").status_code == 200, "readiness")
            yield nodes[0], nodes[1], env, nats
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=30)
        for node in nodes:
            node.client.close()
        nats.stop()


def until(check: Callable[[], bool], what: str, within_s: float = 20.0) -> None:
    deadline = time.monotonic() + within_s
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def user_with_bot(a: Node, env: dict[str, str]) -> tuple[str, str, str]:
    """A user signed in on `a`, with a published agent; (email, bot id, token)."""
    email = f"{uuid.uuid4().hex[:8]}@example.com"
    cli(env, "create-user", "--email", email, "--password", PASSWORD)
    token = cli(env, "create-token", "--email", email, "--name", "chats", "--days", "1")
    login = a.spa("/api/passport/web/email/login/", {"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    spaces = a.spa("/api/playground_api/space/list", {}).json()["data"]["bot_space_list"]
    space = next(s["id"] for s in spaces if s["space_type"] == 1)
    bot = a.spa("/api/draftbot/create", {"space_id": space, "name": "Echo"}).json()["data"]["bot_id"]
    published = a.spa("/api/draftbot/publish", {"bot_id": bot, "connectors": {"1024": {}}})
    assert published.json()["code"] == 0, published.text
    return email, str(bot), token


def chat(node: Node, bot: str, bearer: dict[str, str]) -> httpx.Response:
    body = {
        "bot_id": bot,
        "user_id": "u",
        "stream": False,
        "additional_messages": [{"role": "user", "content": "hi", "content_type": "text"}],
    }
    return node.client.post(f"{node.url}/v3/chat", json=body, headers=bearer)


def me(node: Node, bearer: dict[str, str]) -> int:
    return node.client.get(f"{node.url}/v1/users/me", headers=bearer).status_code


def test_two_processes_through_a_nats_outage(cluster: tuple[Node, Node, dict[str, str], PrivateNats]) -> None:
    a, b, env, nats = cluster
    email, bot, chat_token = user_with_bot(a, env)
    chats = {"authorization": f"Bearer {chat_token}"}
    doomed = cli(env, "create-token", "--email", email, "--name", "doomed", "--days", "1")
    revoked = {"authorization": f"Bearer {doomed}"}
    for node in (a, b):
        assert chat(node, bot, chats).json()["code"] == 0
        assert me(node, revoked) == 200  # now cached on both for 60 s

    nats.stop()
    for node in (a, b):
        assert me(node, chats) == 200
        r = chat(node, bot, chats)
        assert (r.status_code, r.json()["code"]) == (503, 5032), r.text
        assert int(r.headers["retry-after"]) >= 1
        assert node.client.get(f"{node.url}/readyz").status_code == 503
    listed: Any = a.client.get(f"{a.url}{PAT}/list_personal_access_tokens", params={"size": 100}).json()
    token_id = next(t["id"] for t in listed["data"]["personal_access_tokens"] if t["name"] == "doomed")
    r = a.spa(f"{PAT}/delete_personal_access_token_and_permission", {"id": token_id})
    assert (r.status_code, r.json()["code"]) == (200, 0), r.text
    assert me(a, revoked) == 401  # at once where it was revoked
    assert me(b, revoked) == 200  # the other has not heard yet: the bus is down

    nats.start()
    until(lambda: me(b, revoked) == 401, "the other process to refuse the revoked token")
    for node in (a, b):
        until(lambda node=node: node.client.get(f"{node.url}/readyz").status_code == 200, "readiness")
        assert chat(node, bot, chats).json()["code"] == 0
        assert me(node, chats) == 200
