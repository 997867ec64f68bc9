"""A plugin that acts for each user, in a real browser against a real authorization server
(authlib's, on loopback): the playground's chat stops with a consent link, the provider's consent in
a new tab lands on the studio's "Authorized" page, the same question then gets the API's answer for
that user; the plugin's page shows the authorization and revokes it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import Person, browser_context, loopback_studio, sign_up
from tests.browser.test_playground import _post, make_agent, send
from tests.support.oauth_server import CLIENT_ID, CLIENT_SECRET, OAuthProvider, oauth_provider
from tests.support.plugin_world import manifest
from tests.support.served import Served

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


@pytest.fixture(scope="module")
def provider() -> Iterator[OAuthProvider]:
    with oauth_provider("http://127.0.0.1/unset") as server:  # the studio's callback is set below
        yield server


@pytest.fixture(scope="module")
def consent_studio(
    browser: Browser, provider: OAuthProvider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    with loopback_studio(tmp_path_factory.mktemp("consent-served"), provider.url) as served:
        provider.client.redirect_uris[:] = [f"{served.base_url}/api/oauth/authorization_code"]
        yield served


@pytest.fixture
def page(browser: Browser, consent_studio: Served) -> Iterator[Page]:
    with browser_context(browser, consent_studio) as ctx:
        yield ctx.new_page()


def accounts_plugin(page: Page, provider: OAuthProvider, space_id: str) -> tuple[str, str]:
    payload = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "client_url": f"{provider.url}/authorize",
        "authorization_url": f"{provider.url}/token",
        "scope": "read",
    }
    auth = {"type": "oauth", "sub_type": "authorization_code", "payload": json.dumps(payload)}
    document = {
        "openapi": "3.0.1",
        "info": {"title": "Accounts", "version": "1"},
        "servers": [{"url": f"{provider.url}/api"}],
        "paths": {"/me": {"get": {"operationId": "who_am_i", "responses": {"200": {"description": "ok"}}}}},
    }
    body = {
        "space_id": space_id,
        "ai_plugin": manifest("Accounts", auth=auth),
        "openapi": json.dumps(document),
    }
    plugin_id = str(_post(page, "/api/plugin_api/register", body)["data"]["plugin_id"])
    _post(page, "/api/plugin_api/publish_plugin", {"plugin_id": plugin_id, "version_name": "v1.0.0"})
    apis = _post(page, "/api/plugin_api/get_plugin_apis", {"plugin_id": plugin_id, "page": 1, "size": 5})
    return plugin_id, str(apis["api_info"][0]["api_id"])


def test_consent_from_the_playground_then_revoke_on_the_plugin_page(
    page: Page, person: Person, provider: OAuthProvider
) -> None:
    sign_up(page, person)
    chat = make_agent(page)
    space_id, agent_id = chat.split("/")[2], chat.split("/")[4]
    plugin_id, api_id = accounts_plugin(page, provider, space_id)
    binding = {"plugin_info_list": [{"plugin_id": plugin_id, "api_id": api_id}], "bot_id": agent_id}
    _post(page, "/api/playground_api/draftbot/update_draft_bot_info", {"bot_info": binding})

    page.goto(chat)
    page.get_by_role("heading", name="Playground", exact=True).wait_for()
    send(page, "/tool who_am_i {}")
    consent = page.get_by_test_id("consents").last.get_by_role("link", name="Authorize Accounts")
    consent.wait_for()
    assert (consent.get_attribute("href") or "").startswith(f"{provider.url}/authorize?")
    assert consent.get_attribute("target") == "_blank"

    # The provider's consent in a new tab; it sends the browser back to the studio.
    with page.context.expect_page() as opened:
        consent.click()
    done = opened.value
    done.get_by_role("heading", name="Authorized", exact=True).wait_for()
    assert done.url.endswith("/information/auth/success")
    done.close()

    send(page, "/tool who_am_i {}")
    result = page.get_by_test_id("tool-result").last
    result.filter(has_text='"login"').wait_for()
    assert json.loads(result.inner_text().split("\n")[-1])["login"] == "someone"

    page.goto(f"/spaces/{space_id}/plugins/{plugin_id}")
    status = page.get_by_test_id("oauth-status")
    status.filter(has_text="You have authorized this plugin").wait_for()
    status.get_by_role("button", name="Revoke").click()
    status.get_by_role("link", name="Authorize").wait_for()
