"""An MCP server registered as a plugin from the form, in Debian's Chromium against the real server
and a real MCP server (the `mcp` SDK's FastMCP, on loopback): its tools are the server's, listed on
the plugin's page without an editor, refreshed from the server, and debugged."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import Person, browser_context, loopback_studio, sign_up
from tests.support.mcp_server import serving_mcp
from tests.support.served import Served

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

PLUGIN_URL = re.compile(r"/spaces/([0-9]+)/plugins/([0-9]+)$")


@pytest.fixture(scope="module")
def mcp_url() -> Iterator[str]:
    with serving_mcp() as base:
        yield base


@pytest.fixture(scope="module")
def mcp_studio(browser: Browser, mcp_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with loopback_studio(tmp_path_factory.mktemp("mcp-served"), mcp_url) as served:
        yield served


@pytest.fixture
def page(browser: Browser, mcp_studio: Served) -> Iterator[Page]:
    with browser_context(browser, mcp_studio) as ctx:
        yield ctx.new_page()


def test_an_mcp_server_registered_from_the_form(page: Page, person: Person, mcp_url: str) -> None:
    sign_up(page, person)
    name = f"Tools {uuid.uuid4().hex[:6]}"
    page.get_by_role("link", name="Plugins").first.click()
    page.get_by_role("heading", name="Plugins", exact=True).wait_for()
    page.get_by_role("link", name="Register plugin").first.click()
    page.get_by_role("link", name="Register from a form instead").click()
    page.get_by_role("heading", name="Register a plugin from a form", exact=True).wait_for()
    page.get_by_text("MCP server", exact=True).click()
    assert page.get_by_text("OAuth authorization code", exact=True).count() == 0  # not for MCP
    page.get_by_role("textbox", name="Name", exact=True).fill(name)
    page.get_by_role("textbox", name="MCP server URL").fill(f"{mcp_url}/mcp")
    page.get_by_role("button", name="Register", exact=True).click()
    page.wait_for_url(PLUGIN_URL)
    page.get_by_role("heading", name=name, exact=True).wait_for()

    rows = page.get_by_test_id("tool-row")
    rows.filter(has_text="population").wait_for()
    assert rows.filter(has_text="add").count() == 1
    assert page.get_by_role("button", name="Add tool").count() == 0
    assert page.get_by_role("button", name="Edit add").count() == 0
    page.get_by_role("button", name="Refresh from the server").click()
    rows.filter(has_text="population").wait_for()

    page.get_by_role("button", name="Debug add").click()
    page.get_by_role("textbox", name="Inputs (a JSON object)").fill('{"a": 2, "b": 40}')
    page.get_by_role("button", name="Run").click()
    page.get_by_test_id("debug-response").filter(has_text="42").wait_for()
