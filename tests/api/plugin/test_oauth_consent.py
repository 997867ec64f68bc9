"""Plugins that act for each end user (OAuth 2 authorization code), against a real authorization
server (authlib's, tests/support/oauth_server.py): a tool the user has not authorized ends the chat
with a required action carrying a consent link; the callback keeps the user's tokens; the next chat
calls the API with that user's token, renewed before it expires; a forged or replayed state is
refused; one user's token is never used for another; revoking asks for consent again."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from bootstrap.settings import Settings
from tests.support.chat_world import ChatUser, Client, chat_user, parse_sse
from tests.support.identity import sign_in
from tests.support.oauth_server import CLIENT_ID, CLIENT_SECRET, OAuthProvider, oauth_provider
from tests.support.plugin_upstream import upstream_settings
from tests.support.plugin_world import manifest

STUDIO = "http://testserver.local"  # the test client's base: where the provider sends users back
CALLBACK = f"{STUDIO}/api/oauth/authorization_code"


@pytest.fixture(scope="module")
def provider() -> Iterator[OAuthProvider]:
    with oauth_provider(CALLBACK) as server:
        yield server


@pytest.fixture
def settings(database_url: str, tmp_path: Path, provider: OAuthProvider) -> Settings:
    return upstream_settings(database_url, tmp_path, provider.url, public_url=STUDIO)


def who_am_i_api(base_url: str) -> str:
    operation = {"operationId": "who_am_i", "summary": "Who the token belongs to"}
    responses = {"200": {"description": "ok"}}
    return json.dumps(
        {
            "openapi": "3.0.1",
            "info": {"title": "Me", "version": "1"},
            "servers": [{"url": f"{base_url}/api"}],
            "paths": {"/me": {"get": {**operation, "responses": responses}}},
        }
    )


def code_auth(provider: OAuthProvider, secret: str = CLIENT_SECRET) -> dict[str, Any]:
    payload = {
        "client_id": CLIENT_ID,
        "client_secret": secret,
        "client_url": f"{provider.url}/authorize",
        "authorization_url": f"{provider.url}/token",
        "scope": "read",
    }
    return {"type": "oauth", "sub_type": "authorization_code", "payload": json.dumps(payload)}


async def plugin_call(client: Client, route: str, body: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = (await client.post(f"/api/plugin_api/{route}", json=body)).json()
    assert answer["code"] == 0, (route, answer)
    return answer


async def published_oauth_plugin(me: ChatUser, provider: OAuthProvider) -> tuple[str, str]:
    await sign_in(me.client, me.email)
    body = {
        "space_id": me.space,
        "ai_plugin": manifest("Accounts", auth=code_auth(provider)),
        "openapi": who_am_i_api(provider.url),
    }
    plugin_id = str((await plugin_call(me.client, "register", body))["data"]["plugin_id"])
    await plugin_call(me.client, "publish_plugin", {"plugin_id": plugin_id, "version_name": "v1.0.0"})
    apis = await plugin_call(me.client, "get_plugin_apis", {"plugin_id": plugin_id, "page": 1, "size": 5})
    return plugin_id, str(apis["api_info"][0]["api_id"])


@pytest.fixture
async def alice(anon_client: Client, settings: Settings, provider: OAuthProvider) -> ChatUser:
    me = await chat_user(anon_client, settings, publish=False)
    me.bots.clear()
    plugin_id, api_id = await published_oauth_plugin(me, provider)
    await me.new_bot(plugin_id_list={"id_list": [{"plugin_id": plugin_id, "api_id": api_id}]})
    me.plugin = {"plugin_id": plugin_id, "api_id": api_id}  # type: ignore[attr-defined]
    return me


def chat_of(events: list[dict[str, Any]]) -> dict[str, Any]:
    ends = [
        e
        for e in events
        if e["event"].startswith("conversation.chat.") and e["event"] != "conversation.chat.created"
    ]
    data: dict[str, Any] = ends[-1]["data"]
    return data


def consent_link(chat: dict[str, Any]) -> str:
    assert chat["status"] == "requires_action", chat
    action = chat["required_action"]
    assert action["type"] == "authorize_plugin", action
    (plugin,) = action["authorize_plugin"]["plugins"]
    assert plugin["name"] == "Accounts"
    url: str = plugin["authorize_url"]
    return url


def consent_at_provider(link: str, login: str) -> str:
    """The user signs in at the provider and consents: where the provider sends them back."""
    answer = httpx.get(f"{link}&login={login}", follow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    location = answer.headers["location"]
    assert location.startswith(CALLBACK + "?"), location
    return location.removeprefix(STUDIO)


async def test_consent_then_the_chat_calls_the_api_with_the_users_token(
    alice: ChatUser, provider: OAuthProvider
) -> None:
    calls = len(provider.api_calls)
    events = await alice.stream("who am I? /tool who_am_i {}")
    chat = chat_of(events)
    link = consent_link(chat)
    query = parse_qs(urlsplit(link).query)
    assert link.startswith(f"{provider.url}/authorize?")
    assert query["client_id"] == [CLIENT_ID] and query["redirect_uri"] == [CALLBACK]
    assert query["code_challenge_method"] == ["S256"] and query["scope"] == ["read"]
    answer = [e["data"] for e in events if e["event"] == "conversation.message.completed"]
    assert any(link in m["content"] and m["type"] == "answer" for m in answer), answer
    assert CLIENT_SECRET not in json.dumps(events)
    assert len(provider.api_calls) == calls  # no call without the user's token

    back = await alice.client.get(consent_at_provider(link, "alice"), follow_redirects=False)
    assert back.status_code == 302 and back.headers["location"] == "/information/auth/success"
    assert back.headers["cache-control"] == "no-store"

    # A state works once: the same callback again is refused and keeps nothing new.
    replayed = await alice.client.get(consent_at_provider(link, "mallory"), follow_redirects=False)
    assert replayed.status_code == 400 and replayed.json()["code"] == 4000, replayed.text

    again = await alice.stream("who am I? /tool who_am_i {}", conversation_id=chat["conversation_id"])
    assert chat_of(again)["status"] == "completed", chat_of(again)
    responses = [e["data"] for e in again if e["event"] == "conversation.message.completed"]
    tool = next(m for m in responses if m["type"] == "tool_response")
    assert json.loads(tool["content"])["login"] == "alice"
    assert provider.api_calls[-1] == "alice"


async def test_forged_and_missing_states_are_refused(alice: ChatUser, provider: OAuthProvider) -> None:
    for query in (
        {"code": "x", "state": "forged-state"},
        {"code": "x"},
        {"code": "x", "state": "a" * 600},
    ):
        answer = await alice.client.get("/api/oauth/authorization_code", params=query)
        assert answer.status_code == 400, (query, answer.text)
    # A real state with the user declining at the provider: refused, and the state is spent.
    link = consent_link(chat_of(await alice.stream("/tool who_am_i {}")))
    declined = await alice.client.get(consent_at_provider(link, "refuse"), follow_redirects=False)
    assert declined.status_code == 400 and "not authorized" in declined.json()["msg"], declined.text
    assert chat_of(await alice.stream("/tool who_am_i {}"))["status"] == "requires_action"


async def test_each_user_has_their_own_token_renewed_before_it_expires(
    anon_client: Client, settings: Settings, alice: ChatUser, provider: OAuthProvider
) -> None:
    bob = await chat_user(anon_client, settings, publish=False)
    await sign_in(alice.client, alice.email)
    added = await alice.client.post(
        "/api/space/member/add", json={"space_id": alice.space, "user_id": str(bob.user_id)}
    )
    assert added.status_code == 200, added.text
    bob.space, bob.bots = alice.space, []
    await bob.new_bot(plugin_id_list={"id_list": [alice.plugin]})  # type: ignore[attr-defined]

    provider.lifetime_s = 30  # within the platform's renewal leeway: every use renews first
    calls = len(provider.api_calls)
    link = consent_link(chat_of(await alice.stream("/tool who_am_i {}")))
    assert (
        await alice.client.get(consent_at_provider(link, "alice"), follow_redirects=False)
    ).status_code == 302
    # Alice has consented; Bob has not, and is asked for his own consent, not given hers.
    bobs_link = consent_link(chat_of(await bob.stream("/tool who_am_i {}")))
    assert len(provider.api_calls) == calls
    assert (
        await bob.client.get(consent_at_provider(bobs_link, "bob"), follow_redirects=False)
    ).status_code == 302

    renewals = provider.grants_seen.count("refresh_token")
    for me, login in ((alice, "alice"), (bob, "bob"), (alice, "alice")):
        events = await me.stream("/tool who_am_i {}")
        assert chat_of(events)["status"] == "completed", chat_of(events)
        tool = next(
            e["data"]
            for e in events
            if e["event"] == "conversation.message.completed" and e["data"]["type"] == "tool_response"
        )
        assert json.loads(tool["content"])["login"] == login
    assert provider.grants_seen.count("refresh_token") == renewals + 3  # rotated each time
    assert provider.api_calls[calls:] == ["alice", "bob", "alice"]

    # The provider revokes Alice's tokens: the renewal fails, her grant goes, she is asked again;
    # Bob's grant is untouched.
    for token in provider.tokens:
        token.revoked = token.revoked or token.login == "alice"
    assert chat_of(await alice.stream("/tool who_am_i {}"))["status"] == "requires_action"
    assert chat_of(await bob.stream("/tool who_am_i {}"))["status"] == "completed"
    provider.lifetime_s = 3600


async def test_status_and_revoke(alice: ChatUser, provider: OAuthProvider) -> None:
    await sign_in(alice.client, alice.email)
    plugin_id = alice.plugin["plugin_id"]  # type: ignore[attr-defined]
    status = await plugin_call(alice.client, "get_oauth_status", {"plugin_id": plugin_id})
    assert (status["is_oauth"], status["status"]) == (True, 2)
    assert status["content"].startswith(f"{provider.url}/authorize?")
    assert (
        await alice.client.get(consent_at_provider(status["content"], "alice"), follow_redirects=False)
    ).status_code == 302
    status = await plugin_call(alice.client, "get_oauth_status", {"plugin_id": plugin_id})
    assert (status["status"], status["content"]) == (1, "")

    await plugin_call(alice.client, "revoke_auth_token", {"plugin_id": plugin_id})
    status = await plugin_call(alice.client, "get_oauth_status", {"plugin_id": plugin_id})
    assert status["status"] == 2
    assert chat_of(await alice.stream("/tool who_am_i {}"))["status"] == "requires_action"

    schema = await plugin_call(alice.client, "get_oauth_schema", {})
    kinds = {t["sub_type"] for t in json.loads(schema["oauth_schema"])["auth_types"]}
    assert kinds == {"client_credentials", "authorization_code"}
    missing = await alice.client.post("/api/plugin_api/get_oauth_status", json={"plugin_id": "123"})
    assert missing.status_code == 404 and missing.json()["code"] == 4200


async def test_the_studio_chat_ends_with_the_plugins_to_authorize(
    alice: ChatUser, provider: OAuthProvider
) -> None:
    await sign_in(alice.client, alice.email)
    r = await alice.client.post(
        "/api/conversation/chat", json={"bot_id": alice.bot, "draft_mode": True, "query": "/tool who_am_i {}"}
    )
    events = parse_sse(r.content)
    done = events[-1]
    assert done["event"] == "done" and done["data"]["status"] == "requires_action", done
    (asked,) = done["data"]["authorize_plugins"]
    assert asked["name"] == "Accounts" and asked["authorize_url"].startswith(f"{provider.url}/authorize?")
    assert asked["plugin_id"] == alice.plugin["plugin_id"]  # type: ignore[attr-defined]
