"""The plugin pages' forms in Debian's Chromium against the real server: a plugin registered from
the form with a service token, its auth changed to OAuth and back without the stored secret ever
shown, tools added one by one and their parameters edited (the server's refusal shown), the
published versions listed; and in the agent editor a bound tool's default values and hidden
parameters, saved and shown again after a reload."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING

from tests.browser.conftest import Person, sign_up
from tests.browser.test_playground import _post

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from playwright.sync_api import Locator, Page

    Shot = Callable[[Page, str], Path]

PLUGIN_URL = re.compile(r"/spaces/([0-9]+)/plugins/([0-9]+)$")
KEPT = "Stored — leave empty to keep it"


def register_from_form(page: Page, name: str) -> None:
    """From the plugin list, through the form, with a service token in a header; ends on its page."""
    page.get_by_role("link", name="Plugins").first.click()
    page.get_by_role("heading", name="Plugins", exact=True).wait_for()
    page.get_by_role("link", name="Register plugin").first.click()
    page.get_by_role("link", name="Register from a form instead").click()
    page.get_by_role("heading", name="Register a plugin from a form", exact=True).wait_for()
    page.get_by_role("textbox", name="Name", exact=True).fill(name)
    page.get_by_role("textbox", name="Description").fill("Keeps notes")
    page.get_by_role("textbox", name="Server URL").fill("https://notes.invalid/v1")
    page.get_by_text("Service token", exact=True).click()
    page.get_by_role("textbox", name="Header or parameter name").fill("X-Api-Key")
    page.get_by_label("Token value").fill("first-secret")
    page.get_by_role("button", name="Register", exact=True).click()
    page.wait_for_url(PLUGIN_URL)
    page.get_by_role("heading", name=name, exact=True).wait_for()


def add_tool(page: Page, name: str, path: str, params: list[str]) -> None:
    page.get_by_role("button", name="Add tool").click()
    dialog = page.get_by_role("dialog", name="Add a tool")
    dialog.get_by_role("textbox", name="Tool name").fill(name)
    dialog.get_by_role("textbox", name="Path").fill(path)
    for n, param in enumerate(params, start=1):
        dialog.get_by_role("button", name="Add parameter").click()
        dialog.get_by_role("textbox", name=f"Name of parameter {n}", exact=True).fill(param)
    dialog.get_by_role("button", name="Save").click()
    dialog.wait_for(state="detached")
    page.get_by_test_id("tool-row").filter(has_text=name).wait_for()


def choose(page: Page, field: Locator, option: str) -> None:
    field.click()
    page.get_by_role("option", name=option, exact=True).click()


def test_register_from_the_form_then_edit_meta_and_add_tools(
    page: Page, person: Person, screenshot: Shot
) -> None:
    sign_up(page, person)
    name = f"Notes {uuid.uuid4().hex[:6]}"
    register_from_form(page, name)
    auth = page.get_by_test_id("plugin-auth")
    assert auth.inner_text() == "Authentication: Service token (Header: X-Api-Key)"
    assert "first-secret" not in page.content()

    # The token is not shown; the field left empty keeps it; the kind changes to OAuth code.
    page.get_by_role("button", name="Edit", exact=True).click()
    dialog = page.get_by_role("dialog", name="Edit plugin")
    token = dialog.get_by_label("Token value")
    assert token.input_value() == "" and token.get_attribute("placeholder") == KEPT
    dialog.get_by_text("OAuth authorization code", exact=True).click()
    dialog.get_by_role("textbox", name="Client ID").fill("notes-client")
    dialog.get_by_label("Client secret").fill("oauth-secret")
    dialog.get_by_role("textbox", name="Consent URL").fill("https://auth.example.com/authorize")
    dialog.get_by_role("textbox", name="Token URL").fill("https://auth.example.com/token")
    dialog.get_by_role("textbox", name="Scope").fill("notes.read")
    screenshot(page, "plugin-edit-oauth")
    dialog.get_by_role("button", name="Save").click()
    dialog.wait_for(state="detached")
    page.get_by_test_id("plugin-auth").filter(has_text="OAuth authorization code").wait_for()

    # Again: the settings are back but the secret is not; saving with it empty keeps it.
    page.get_by_role("button", name="Edit", exact=True).click()
    dialog = page.get_by_role("dialog", name="Edit plugin")
    assert dialog.get_by_role("textbox", name="Client ID").input_value() == "notes-client"
    assert (
        dialog.get_by_role("textbox", name="Consent URL").input_value()
        == "https://auth.example.com/authorize"
    )
    secret = dialog.get_by_label("Client secret")
    assert secret.input_value() == "" and secret.get_attribute("placeholder") == KEPT
    dialog.get_by_role("textbox", name="Name", exact=True).fill(f"{name} v2")
    dialog.get_by_role("button", name="Save").click()
    dialog.wait_for(state="detached")
    page.get_by_role("heading", name=f"{name} v2", exact=True).wait_for()
    page.get_by_role("button", name="Edit", exact=True).click()
    dialog = page.get_by_role("dialog", name="Edit plugin")
    assert dialog.get_by_label("Client secret").get_attribute("placeholder") == KEPT
    assert "oauth-secret" not in page.content()
    dialog.get_by_role("button", name="Cancel").click()
    dialog.wait_for(state="detached")

    add_tool(page, "list_notes", "/notes", ["tag"])
    add_tool(page, "get_note", "/notes/item", [])
    rows = page.get_by_test_id("tool-row")
    assert rows.count() == 2
    assert "GET" in rows.first.inner_text() and "/notes" in rows.first.inner_text()
    screenshot(page, "plugin-page-tools")


def test_edit_a_tools_parameters_and_list_the_published_versions(
    page: Page, person: Person, screenshot: Shot
) -> None:
    sign_up(page, person)
    register_from_form(page, f"Tasks {uuid.uuid4().hex[:6]}")
    page.get_by_test_id("versions-empty").wait_for()
    add_tool(page, "get_task", "/tasks", ["verbose"])

    page.get_by_role("button", name="Edit get_task").click()
    dialog = page.get_by_role("dialog", name="Edit get_task")
    assert dialog.get_by_role("textbox", name="Name of parameter 1", exact=True).input_value() == "verbose"
    # The path must start with "/": the server refuses, the dialog says so and stays open.
    dialog.get_by_role("textbox", name="Path").fill("tasks/{task_id}")
    dialog.get_by_role("button", name="Save").click()
    error = dialog.get_by_test_id("tool-error")
    error.wait_for()
    assert "path" in error.inner_text().lower()

    dialog.get_by_role("textbox", name="Path").fill("/tasks/{task_id}")
    choose(page, dialog.get_by_label("Method", exact=True).first, "DELETE")
    dialog.get_by_role("textbox", name="What the tool does").fill("Deletes a task")
    dialog.get_by_role("button", name="Add parameter").click()
    dialog.get_by_role("textbox", name="Name of parameter 2", exact=True).fill("task_id")
    choose(page, dialog.get_by_label("Location of parameter 2", exact=True).first, "Path")
    choose(page, dialog.get_by_label("Type of parameter 2", exact=True).first, "Integer")
    dialog.get_by_role("checkbox", name="Parameter 2 is required").check()
    dialog.get_by_role("textbox", name="Description of parameter 2").fill("Which task")
    screenshot(page, "plugin-tool-editor")
    dialog.get_by_role("button", name="Save").click()
    dialog.wait_for(state="detached")
    row = page.get_by_test_id("tool-row").filter(has_text="get_task")
    row.filter(has_text="/tasks/{task_id}").wait_for()
    assert "DELETE" in row.inner_text() and "Deletes a task" in row.inner_text()

    page.get_by_role("button", name="Edit get_task").click()
    dialog = page.get_by_role("dialog", name="Edit get_task")
    assert dialog.get_by_role("textbox", name="Name of parameter 2", exact=True).input_value() == "task_id"
    assert dialog.get_by_label("Location of parameter 2", exact=True).first.input_value() == "Path"
    assert dialog.get_by_label("Type of parameter 2", exact=True).first.input_value() == "Integer"
    assert dialog.get_by_role("checkbox", name="Parameter 2 is required").is_checked()
    dialog.get_by_role("button", name="Cancel").click()
    dialog.wait_for(state="detached")

    publish(page, "First cut")
    versions = page.get_by_test_id("version-row")
    versions.first.wait_for()
    assert versions.count() == 1 and "v1.0.0" in versions.first.inner_text()
    add_tool(page, "list_tasks", "/tasks", [])
    publish(page, "Listing too")
    versions.nth(1).wait_for()
    assert "v1.0.1" in versions.first.inner_text() and "Listing too" in versions.first.inner_text()
    assert "v1.0.0" in versions.nth(1).inner_text() and "First cut" in versions.nth(1).inner_text()


def publish(page: Page, what: str) -> None:
    page.get_by_role("button", name="Publish").first.click()
    dialog = page.get_by_role("dialog", name="Publish the plugin")
    dialog.get_by_label("What changed").fill(what)
    from playwright.sync_api import expect

    expect(dialog.get_by_label("Version")).not_to_have_value("")  # the next version proposed
    dialog.get_by_role("button", name="Publish").click()
    dialog.wait_for(state="detached")


def make_plugin_and_agent(page: Page) -> tuple[str, str, str]:
    """A space with a published plugin (tool get_forecast: city, units) and an agent; their ids."""
    space = _post(page, "/api/playground_api/space/save", {"name": "Tools"})["data"]["id"]
    plugin = _post(
        page,
        "/api/plugin_api/register_plugin_meta",
        {"space_id": space, "name": "Weather", "url": "https://weather.invalid"},
    )["plugin_id"]
    params = [
        {"name": "city", "location": 2, "type": 1, "is_required": True, "desc": "Which city"},
        {"name": "units", "location": 2, "type": 1, "desc": "metric or imperial"},
    ]
    _post(
        page,
        "/api/plugin_api/create_api",
        {
            "plugin_id": plugin,
            "name": "get_forecast",
            "path": "/forecast",
            "method": 1,
            "request_params": params,
        },
    )
    _post(page, "/api/plugin_api/publish_plugin", {"plugin_id": plugin, "version_name": "v1.0.0"})
    bot = _post(page, "/api/draftbot/create", {"space_id": space, "name": "Forecaster"})["data"]["bot_id"]
    return str(space), str(plugin), str(bot)


def test_bound_tool_defaults_and_hidden_parameters_in_the_agent_editor(
    page: Page, person: Person, screenshot: Shot
) -> None:
    sign_up(page, person)
    space, _, bot = make_plugin_and_agent(page)
    page.goto(f"/spaces/{space}/agents/{bot}")
    section = page.get_by_test_id("plugins-section")
    section.get_by_test_id("plugin-tools-select").click()
    page.get_by_role("option", name="get_forecast · Weather").click()
    page.keyboard.press("Escape")
    page.get_by_test_id("save").click()
    page.get_by_test_id("save-status").filter(has_text="All changes saved").wait_for()

    open_params = section.get_by_role("button", name="Parameters of get_forecast · Weather")
    open_params.click()
    dialog = page.get_by_role("dialog", name="Parameters of get_forecast · Weather")
    dialog.get_by_role("textbox", name="Default value of units").fill("metric")
    dialog.get_by_role("switch", name="Hide units from the model").check(force=True)
    dialog.get_by_role("textbox", name="Default value of city").fill("Paris")
    screenshot(page, "agent-tool-parameters")
    dialog.get_by_role("button", name="Save").click()
    dialog.wait_for(state="detached")

    page.reload()
    open_params = page.get_by_test_id("plugins-section").get_by_role(
        "button", name="Parameters of get_forecast · Weather"
    )
    open_params.click()
    dialog = page.get_by_role("dialog", name="Parameters of get_forecast · Weather")
    units = dialog.get_by_role("textbox", name="Default value of units")
    units.wait_for()
    assert units.input_value() == "metric"
    assert dialog.get_by_role("textbox", name="Default value of city").input_value() == "Paris"
    assert dialog.get_by_role("switch", name="Hide units from the model").is_checked()
    assert not dialog.get_by_role("switch", name="Hide city from the model").is_checked()
