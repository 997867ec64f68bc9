"""The admin console in a real browser against the real server: an administrator (made the way a
first run makes one, `cozeplus admin create-user --superuser`) creates a user, a model and a role
grant and finds all three in the filtered audit log; bad input shows the server's message; a
non-admin gets "no access" and none of the console's data."""

from __future__ import annotations

import contextlib
import re
import subprocess
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import Person, sign_in, sign_up
from tests.support.fake_llm import ScriptedServer, serving
from tests.support.fake_openai import FakeOpenAI
from tests.support.processes import COZEPLUS
from tests.support.served import PASSWORD

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from playwright.sync_api import Page

    from tests.support.served import Served


@pytest.fixture(scope="module")
def openai_server() -> Iterator[ScriptedServer]:
    with serving(FakeOpenAI(), "/v1") as server:
        yield server


@pytest.fixture
def admin(studio: Served) -> Person:
    """A super admin made by the first-run command, on the served app's database."""
    tag = uuid.uuid4().hex[:8]
    who = Person(name=f"Root {tag}", email=f"root-{tag}@browser.example.com")
    made = subprocess.run(
        [*COZEPLUS, "admin", "create-user", "--email", who.email, "--password", PASSWORD, "--name", who.name,
         "--superuser"],
        env=studio.env, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr[-2000:]
    return who


def _signed_in_at(page: Page, who: Person, path: str) -> None:
    page.goto(path)
    sign_in(page, who)
    page.wait_for_url(re.compile(re.escape(path) + r"$"))


def _quiet(page: Page) -> None:
    """Closes the notifications (saved, created ...) so a screenshot shows the page itself."""
    from playwright.sync_api import Error as PlaywrightError

    toasts = page.locator(".mantine-Notification-root")
    # Toasts also close by themselves: click the first one left until none is, never a listed one
    # that may have gone meanwhile (that click would wait for it).
    for _ in range(20):
        if toasts.count() == 0:
            break
        with contextlib.suppress(PlaywrightError):  # it closed on its own between count and click
            toasts.first.locator("button").first.click(timeout=1_000)
    page.wait_for_function("() => !document.querySelector('.mantine-Notification-root')")
    assert toasts.count() == 0


def _action_error(page: Page) -> str:
    error = page.get_by_test_id("action-error")
    error.wait_for()
    return error.inner_text().strip()


def test_admin_creates_a_user_a_model_and_a_grant_and_finds_them_in_the_audit_log(
    page: Page, admin: Person, openai_server: ScriptedServer, screenshot: Callable[[Page, str], Path]
) -> None:
    tag = uuid.uuid4().hex[:6]
    new_email = f"bea-{tag}@browser.example.com"
    _signed_in_at(page, admin, "/admin/users")
    page.get_by_role("heading", name="Users", exact=True).wait_for()

    # A user: the form refuses bad input before sending it, then the server creates the account.
    page.get_by_role("button", name="New user").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("textbox", name="E-mail").fill("not-an-address")
    dialog.get_by_role("textbox", name="Password").fill("short")
    dialog.get_by_role("button", name="Create user").click()
    dialog.get_by_text("Enter an e-mail address.").wait_for()
    dialog.get_by_text("The password needs at least 8 characters.").wait_for()
    dialog.get_by_role("textbox", name="E-mail").fill(new_email)
    dialog.get_by_role("textbox", name="Name").fill(f"Bea {tag}")
    dialog.get_by_role("textbox", name="Password").fill(PASSWORD)
    dialog.get_by_role("button", name="Create user").click()
    dialog.wait_for(state="detached")
    page.get_by_test_id(f"user-{new_email}").wait_for()

    # The same e-mail again: the server refuses, and its envelope's message is what the page shows.
    page.get_by_role("button", name="New user").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("textbox", name="E-mail").fill(new_email)
    dialog.get_by_role("textbox", name="Password").fill(PASSWORD)
    dialog.get_by_role("button", name="Create user").click()
    message = _action_error(page)
    assert message and message != "The request failed.", message
    dialog.get_by_role("button", name="Cancel").click()

    # Reset the new user's password: generated here, shown once.
    page.get_by_role("button", name=f"Reset the password of {new_email}").click()
    page.get_by_role("dialog").get_by_role("button", name="Reset password").click()
    fresh = page.get_by_test_id("new-password").inner_text().strip()
    assert len(fresh) == 16
    page.get_by_role("button", name="Done").click()
    _quiet(page)
    screenshot(page, "admin-users")

    # A model on an OpenAI-compatible server (a scripted one on loopback), then its connection test.
    page.get_by_role("navigation").get_by_role("link", name="Models").click()
    page.get_by_role("heading", name="Models", exact=True).wait_for()
    page.get_by_role("button", name="New model").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Create model").click()
    dialog.get_by_text("Give the model a name.").wait_for()
    model_name = f"Scripted {tag}"
    dialog.get_by_role("textbox", name="Name").fill(model_name)
    dialog.get_by_role("textbox", name="Model").fill("fake-model")
    dialog.get_by_role("textbox", name="Base URL").fill(openai_server.url)
    dialog.get_by_role("button", name="Create model").click()
    dialog.wait_for(state="detached")
    page.get_by_test_id(f"model-{model_name}").wait_for()
    page.get_by_role("button", name=f"Test {model_name}").click()
    result = page.get_by_test_id("model-test-result")
    result.wait_for()
    assert "Connection works" in result.inner_text() and "Latency:" in result.inner_text()

    # A custom platform-wide role, granted to the new user.
    role_code = f"reviewer_{tag}"
    page.get_by_role("navigation").get_by_role("link", name="Roles and grants").click()
    page.get_by_role("button", name="New role").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("textbox", name="Code").fill(role_code)
    dialog.get_by_role("textbox", name="Name").fill(f"Reviewer {tag}")
    dialog.get_by_text("Platform-wide").click()
    dialog.get_by_role("button", name="Create").click()
    dialog.wait_for(state="detached")
    page.get_by_test_id(f"role-{role_code}").wait_for()
    page.get_by_role("tab", name="Grants").click()
    page.get_by_role("textbox", name="Find a user by e-mail or name").fill(new_email)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("button", name=new_email).click()
    page.get_by_text("No roles granted.").wait_for()
    page.get_by_role("combobox", name="Role").click()
    page.get_by_role("option", name=f"Reviewer {tag} ({role_code})").click()
    page.get_by_role("button", name="Grant", exact=True).click()
    page.get_by_test_id("grants").get_by_text(f"Reviewer {tag}").wait_for()

    # The audit log, filtered to this administrator: all three are there.
    page.get_by_role("navigation").get_by_role("link", name="Audit log").click()
    page.get_by_role("textbox", name="Actor").fill(admin.email)
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"actor_id=\d+"))
    table = page.get_by_test_id("audit-table")
    for action in ("admin.user.create", "admin.model.create", "permission.grant"):
        table.get_by_text(action, exact=True).first.wait_for()
    actions = {t.strip() for t in table.locator("tbody tr td:nth-child(2)").all_inner_texts()}
    assert {"admin.user.create", "admin.model.create", "permission.grant"} <= actions
    _quiet(page)
    screenshot(page, "admin-audit")
    # Narrowed to one action, only that action is listed.
    page.get_by_role("combobox", name="Action").fill("permission.grant")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"action=permission\.grant"))
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=audit-row] td:nth-child(2)')]"
        ".every(td => td.innerText.trim() === 'permission.grant')"
    )
    assert page.get_by_test_id("audit-row").count() >= 1


def test_settings_revisions_and_unknown_ids(page: Page, admin: Person) -> None:
    key = f"site.browser_{uuid.uuid4().hex[:6]}"
    _signed_in_at(page, admin, "/admin/settings")
    page.get_by_role("button", name="New setting").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("textbox", name="Key").fill("Not A Key")
    dialog.get_by_role("textbox", name="Value (JSON)").fill("{oops")
    dialog.get_by_role("button", name="Create").click()
    dialog.get_by_text("Use a dotted name of lower-case words, e.g. site.title.").wait_for()
    dialog.get_by_text(re.compile("^Not valid JSON")).wait_for()
    dialog.get_by_role("textbox", name="Key").fill(key)
    dialog.get_by_role("textbox", name="Value (JSON)").fill('"first"')
    dialog.get_by_role("button", name="Create").click()
    page.wait_for_url(re.compile(rf"/admin/settings\?key={re.escape(key)}$"))
    page.get_by_role("textbox", name="Value (JSON)").fill('{"title": "second"}')
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Version 2", exact=True).wait_for()
    page.get_by_role("button", name="View version 1").click()
    revision = page.get_by_test_id("revision")
    revision.wait_for()
    assert '"first"' in revision.inner_text()
    page.keyboard.press("Escape")

    # Creating a key that exists: the server's conflict message.
    page.goto("/admin/settings")
    page.get_by_role("button", name="New setting").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("textbox", name="Key").fill(key)
    dialog.get_by_role("textbox", name="Value (JSON)").fill("1")
    dialog.get_by_role("button", name="Create").click()
    assert key in _action_error(page)

    # Unknown ids: not found, from the server's 404.
    page.goto("/admin/settings?key=site.no_such_key")
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert alert.get_attribute("data-error-kind") == "not-found"
    assert "site.no_such_key" in alert.inner_text()  # the server's own message names the key
    page.goto(f"/admin/settings?key={key}&revision=123456789")
    alert = page.get_by_role("dialog").get_by_role("alert")
    alert.wait_for()
    assert alert.get_attribute("data-error-kind") == "not-found"


def test_a_non_admin_gets_no_access_and_no_data(page: Page, person: Person, admin: Person) -> None:
    sign_up(page, person)
    for path in ("/admin", "/admin/users", "/admin/audit", "/admin/models"):
        page.goto(path)
        page.get_by_role("heading", name="No access", exact=True).wait_for()
        assert admin.email not in page.content()
    assert page.get_by_role("link", name="Back to the studio").is_visible()
