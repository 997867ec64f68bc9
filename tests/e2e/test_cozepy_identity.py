"""The official Coze SDK (cozepy 0.20.0, unmodified) against a running `cozeplus serve`,
with a token minted by `cozeplus admin create-token`."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator

import pytest
from cozepy import COZE_CN_BASE_URL, Coze, CozeAPIError, TokenAuth

from tests.support.processes import COZEPLUS, cozeplus_env, free_port, start, wait_http


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    tmp = tmp_path_factory.mktemp("cozepy")
    port = free_port()
    env = cozeplus_env(COZEPLUS_DATA_DIR=str(tmp / "data"), COZEPLUS_PORT=str(port))
    subprocess.run([*COZEPLUS, "migrate"], env=env, check=True, capture_output=True)
    proc = start(["serve"], tmp, env, tmp / "serve.log")
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz")
        yield f"http://127.0.0.1:{port}", env
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)


def cli(env: dict[str, str], *args: str) -> str:
    out = subprocess.run([*COZEPLUS, "admin", *args], env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_users_me_and_workspaces_list(server: tuple[str, dict[str, str]]) -> None:
    base_url, env = server
    user_id = cli(env, "create-user", "--email", "sdk@example.com", "--password", "sdk password 1")
    token = cli(env, "create-token", "--email", "sdk@example.com", "--name", "sdk", "--days", "7")
    assert token.startswith("pat_") and "\n" not in token  # stdout carries only the token

    coze = Coze(auth=TokenAuth(token), base_url=base_url)
    me = coze.users.me()
    assert me.user_id == user_id
    assert me.nick_name == "sdk"
    assert me.response.logid  # read from the x-tt-logid header

    spaces = coze.workspaces.list()
    items = list(spaces)
    assert len(items) == 1 and spaces.total == 1
    assert items[0].workspace_type.value == "personal"
    assert items[0].role_type.value == "owner"


def test_scoped_token_and_wrong_token(server: tuple[str, dict[str, str]]) -> None:
    base_url, env = server
    cli(env, "create-user", "--email", "scoped@example.com", "--password", "sdk password 1")
    scoped = cli(
        env, "create-token", "--email", "scoped@example.com", "--name", "s", "--days", "1", "--scope", "chat"
    )
    with pytest.raises(CozeAPIError) as denied:
        Coze(auth=TokenAuth(scoped), base_url=base_url).users.me()
    assert denied.value.code == 4101

    with pytest.raises(CozeAPIError) as refused:
        Coze(auth=TokenAuth("pat_" + "x" * 43), base_url=base_url).users.me()
    assert refused.value.code == 4100
    assert refused.value.logid
    assert base_url != COZE_CN_BASE_URL
