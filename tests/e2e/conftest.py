"""Shared e2e fixtures: one `cozeplus serve` per parametrisation for the whole session (embedded
defaults, then the real servers), an owner with an all-scopes token, and a published echo agent.

Starting a server is slow, so every cozepy module shares these; tests create their own
conversations and agents and never rely on another test's leftovers. The servers are kept in a
session pool: pytest-xdist runs a file's tests together, so the parametrisation switches at every
file, and a switch must not restart a server.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import pytest
from cozepy import AsyncCoze, AsyncHTTPClient, AsyncTokenAuth, BotModelInfo, Coze, SyncHTTPClient, TokenAuth

from tests.support.served import Account, Served, model_id, served_app, sign_up

SERVED_PARAMS = [
    pytest.param("embedded", id="embedded"),
    pytest.param("servers", id="servers", marks=[pytest.mark.mysql, pytest.mark.nats]),
]
ECHO_MODEL = "builtin-echo"
# Seconds between bytes before a call fails (cozepy's default is 600): a stuck stream fails the test.
READ_TIMEOUT_S = 30
API_CONNECTOR = "1024"


def coze_for(served: Served, token: str) -> Coze:
    http = SyncHTTPClient(timeout=READ_TIMEOUT_S)
    return Coze(auth=TokenAuth(token), base_url=served.base_url, http_client=http)


@pytest.fixture(scope="session")
def served_pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], Served]]:
    """Each kind's server, started when first asked for and kept until the session ends."""
    started: dict[str, Served] = {}
    with ExitStack() as stack:

        def get(kind: str) -> Served:
            if kind not in started:
                folder = tmp_path_factory.mktemp(f"served-{kind}")
                started[kind] = stack.enter_context(served_app(kind, folder))
            return started[kind]

        yield get
        for app in started.values():
            # A crash of the server would show up as connection errors; say so plainly.
            assert app.process.poll() is None, f"serve exited early:\n{app.log_tail()}"


@pytest.fixture(scope="session", params=SERVED_PARAMS)
def served(request: pytest.FixtureRequest, served_pool: Callable[[str], Served]) -> Served:
    return served_pool(str(request.param))


@pytest.fixture(scope="session")
def owner(served: Served) -> Iterator[Account]:
    account = sign_up(served, "owner")
    yield account
    account.web.close()


@pytest.fixture(scope="session")
def stranger(served: Served) -> Iterator[Account]:
    """Another user with a personal space of their own: sees none of the owner's things."""
    account = sign_up(served, "stranger")
    yield account
    account.web.close()


@pytest.fixture(scope="session")
def coze(served: Served, owner: Account) -> Coze:
    return coze_for(served, owner.token)


@pytest.fixture(scope="session")
def stranger_coze(served: Served, stranger: Account) -> Coze:
    return coze_for(served, stranger.token)


@pytest.fixture
async def acoze(served: Served, owner: Account) -> AsyncIterator[AsyncCoze]:
    http = AsyncHTTPClient(timeout=READ_TIMEOUT_S)
    yield AsyncCoze(auth=AsyncTokenAuth(owner.token), base_url=served.base_url, http_client=http)
    await http.aclose()


@pytest.fixture(scope="session")
def echo_model_id(owner: Account) -> str:
    return model_id(owner, ECHO_MODEL)


@dataclass(frozen=True)
class EchoBot:
    bot_id: str
    space_id: str
    model_id: str


def create_echo_bot(coze: Coze, owner: Account, echo_model_id: str, name: str, *, publish: bool) -> str:
    bot = coze.bots.create(
        space_id=owner.space_id,
        name=name,
        description="answers with the user's words",
        # No clock in the system prompt: input token counts are then exact across turns.
        model_info_config=BotModelInfo(model_id=echo_model_id, sp_current_time=False),
    )
    if publish:
        coze.bots.publish(bot_id=bot.bot_id, connector_ids=[API_CONNECTOR])
    return bot.bot_id


@pytest.fixture(scope="session")
def echo_bot(coze: Coze, owner: Account, echo_model_id: str) -> EchoBot:
    """An agent on builtin-echo, published to the API connector."""
    return EchoBot(
        create_echo_bot(coze, owner, echo_model_id, "echo", publish=True), owner.space_id, echo_model_id
    )


def give_client_tool(
    owner: Account, bot_id: str, name: str, description: str, parameters: dict[str, Any]
) -> None:
    """Add a client tool to the agent's draft through the SPA API (cozepy's bots.update has no
    field for it); publish afterwards for the token API to see it."""
    tool = {"name": name, "description": description, "parameters": parameters}
    owner.spa(
        "/api/playground_api/draftbot/update_draft_bot_info",
        {"bot_info": {"bot_id": bot_id, "client_tools": [tool]}},
    )
