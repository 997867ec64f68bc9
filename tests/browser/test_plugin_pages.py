"""The plugin pages in Debian's Chromium: a curl command converted and registered, its tool listed,
debugged (the guard refuses a host that does not resolve here, and the page says why), switched off
and on, and the plugin published; another user finds neither the plugin nor its page."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tests.browser.conftest import Person, sign_up

if TYPE_CHECKING:
    from playwright.sync_api import Page

CURL = "curl -X POST 'https://notes.invalid/v2/notes' -H 'Content-Type: application/json' -d '{\"t\": 1}'"
PLUGIN_URL = re.compile(r"/spaces/([0-9]+)/plugins/([0-9]+)$")


def test_convert_register_debug_toggle_publish(page: Page, person: Person) -> None:
    sign_up(page, person)
    page.get_by_role("link", name="Plugins").first.click()
    page.get_by_role("heading", name="Plugins", exact=True).wait_for()
    page.get_by_role("link", name="Register plugin").first.click()
    page.get_by_role("heading", name="Register a plugin", exact=True).wait_for()

    page.get_by_label("curl command, Postman collection or Swagger 2 document").fill(CURL)
    page.get_by_role("button", name="Convert").click()
    page.get_by_text("Converted: check the document and the manifest, then register.").wait_for()
    assert "/v2/notes" in page.get_by_label("OpenAPI document (YAML or JSON)").input_value()
    page.get_by_role("button", name="Register", exact=True).click()
    page.wait_for_url(PLUGIN_URL)
    plugin_path = urlsplit(page.url).path

    row = page.get_by_test_id("tool-row")
    row.wait_for()
    assert row.count() == 1 and "POST" in row.inner_text() and "/v2/notes" in row.inner_text()
    assert "not debugged" in row.inner_text().lower()  # a badge (upper case by style)

    row.get_by_role("button", name=re.compile(r"^Debug ")).click()
    page.get_by_role("button", name="Run").click()
    result = page.get_by_test_id("debug-result")
    result.get_by_text(re.compile(r"^Failed: ")).wait_for()
    page.get_by_role("button", name="Close").click()

    switch = row.get_by_role("switch")
    assert switch.is_checked()
    switch.click(force=True)
    page.wait_for_function(
        '() => !document.querySelector(\'[data-testid="tool-row"] input[role="switch"]\').checked'
    )
    switch.click(force=True)
    page.wait_for_function(
        '() => document.querySelector(\'[data-testid="tool-row"] input[role="switch"]\').checked'
    )

    page.get_by_role("button", name="Publish").first.click()
    dialog = page.get_by_role("dialog")
    from playwright.sync_api import expect

    expect(dialog.get_by_label("Version")).to_have_value("v1.0.0")  # once the next version came
    dialog.get_by_role("button", name="Publish").click()
    page.get_by_text("Published v1.0.0").first.wait_for()

    page.get_by_role("link", name="← Plugins").click()
    listed = page.get_by_role("link", name=re.compile("notes", re.IGNORECASE)).first
    listed.wait_for()

    # Another account: the plugin's page is not found.
    page.context.clear_cookies()
    tag = uuid.uuid4().hex[:8]
    sign_up(page, Person(name=f"Eve {tag}", email=f"eve-{tag}@browser.example.com"))
    page.goto(plugin_path)
    page.get_by_text(re.compile("not found", re.IGNORECASE)).first.wait_for()
