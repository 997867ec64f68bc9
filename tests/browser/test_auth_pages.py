"""Signing up, in and out in a real browser against the real server, and what a page shows when the
session is gone, the server is down or the server refuses."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import quote

from tests.browser.conftest import Person, sign_in, sign_up, signed_in

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from playwright.sync_api import BrowserContext, Page

    from tests.support.served import Served


def _path(page: Page) -> str:
    return page.evaluate("location.pathname + location.search")


def test_sign_up_lands_in_the_studio(
    page: Page, person: Person, screenshot: Callable[[Page, str], Path]
) -> None:
    page.goto("/")
    page.get_by_role("heading", name="Sign in to cozeplus", exact=True).wait_for()
    assert _path(page) == "/sign-in"
    screenshot(page, "sign-in")
    page.get_by_role("link", name="Create one").click()
    page.get_by_role("heading", name="Create your cozeplus account", exact=True).wait_for()
    sign_up(page, person)
    assert re.fullmatch(r"/spaces/[0-9]+/agents", _path(page))  # "/" lands in the personal space
    # The shell: navigation, the personal space in the switcher, the account menu.
    assert page.get_by_test_id("account-menu").inner_text() == person.name
    page.get_by_role("combobox", name="Space").wait_for()
    screenshot(page, "studio-home")


def test_sign_out_then_protected_pages_ask_to_sign_in(page: Page, person: Person) -> None:
    sign_up(page, person)
    page.get_by_test_id("account-menu").click()
    page.get_by_role("menuitem", name="Sign out").click()
    page.get_by_role("heading", name="Sign in to cozeplus", exact=True).wait_for()
    page.goto("/account")
    page.get_by_role("heading", name="Sign in to cozeplus", exact=True).wait_for()
    assert _path(page) == f"/sign-in?next={quote('/account', safe='')}"


def test_sign_in_returns_to_the_page_asked_for(context: BrowserContext, page: Page, person: Person) -> None:
    sign_up(page, person)
    context.clear_cookies()
    page.goto("/account?tab=password")
    page.wait_for_url(re.compile(r"/sign-in\?next="))
    sign_in(page, person)
    page.get_by_role("heading", name="Change password", exact=True).wait_for()
    assert _path(page) == "/account?tab=password"


def test_a_session_that_ends_on_a_page_returns_there_after_sign_in(
    context: BrowserContext, page: Page, person: Person
) -> None:
    sign_up(page, person)
    page.goto("/account")
    page.get_by_role("heading", name="Change password", exact=True).wait_for()
    context.clear_cookies()  # the session is gone (expired, or signed out elsewhere)
    page.get_by_role("textbox", name="Current password").fill(person.password)
    page.get_by_role("textbox", name="New password", exact=True).fill("another passphrase 8")
    page.get_by_role("textbox", name="New password again").fill("another passphrase 8")
    page.get_by_role("button", name="Change password").click()
    # The API's 401 sends the browser to sign-in, remembering the page.
    page.get_by_role("heading", name="Sign in to cozeplus", exact=True).wait_for()
    assert _path(page) == f"/sign-in?next={quote('/account', safe='')}"
    sign_in(page, person)  # the password did not change: the request never got through
    page.get_by_role("heading", name="Change password", exact=True).wait_for()
    assert _path(page) == "/account"


def test_password_change_then_sign_in_with_the_new_one(page: Page, person: Person) -> None:
    sign_up(page, person)
    page.goto("/account")
    page.get_by_role("textbox", name="Current password").fill("not my password")
    page.get_by_role("textbox", name="New password", exact=True).fill("another passphrase 8")
    page.get_by_role("textbox", name="New password again").fill("another passphrase 8")
    page.get_by_role("button", name="Change password").click()
    # The server's own message, from its error envelope.
    error = page.get_by_test_id("form-error")
    error.wait_for()
    assert error.inner_text().strip() == "the current password is wrong"
    assert _path(page) == "/account"  # still signed in, still on the page
    page.get_by_role("textbox", name="Current password").fill(person.password)
    page.get_by_role("button", name="Change password").click()
    page.get_by_role("heading", name="Sign in to cozeplus", exact=True).wait_for()
    sign_in(page, Person(person.name, person.email, "another passphrase 8"))
    signed_in(page, person)


def test_wrong_password_shows_the_servers_message(page: Page, person: Person, studio: Served) -> None:
    import httpx

    sign_up(page, person)
    page.context.clear_cookies()
    page.goto("/sign-in")
    sign_in(page, Person(person.name, person.email, "wrong password 1"))
    error = page.get_by_test_id("form-error")
    error.wait_for()
    expected = httpx.post(
        f"{studio.base_url}/api/passport/web/email/login/",
        json={"email": person.email, "password": "wrong password 1"},
        headers={"origin": studio.base_url},
    ).json()["msg"]
    assert expected and error.inner_text().strip() == expected
    assert _path(page) == "/sign-in"


def test_a_server_error_shows_the_envelope_message(page: Page) -> None:
    # The server's failure is simulated at the network edge: a 500 with the back end's envelope shape.
    envelope = (
        '{"code": 5000, "msg": "Internal error, log id 2026X", "data": null, "detail": {"logid": "2026X"}}'
    )
    page.route(
        "**/api/passport/account/info/v2/",
        lambda route: route.fulfill(
            status=500,
            content_type="application/json",
            body=envelope,
        ),
    )
    page.goto("/agents/123")
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "Internal error, log id 2026X" in alert.inner_text()
    assert "2026X" in alert.inner_text()


def test_a_page_loaded_while_the_server_is_down_offers_retry(
    page: Page, person: Person, screenshot: Callable[[Page, str], Path]
) -> None:
    sign_up(page, person)
    page.route("**/api/**", lambda route: route.abort("connectionrefused"))
    page.goto("/account")
    page.get_by_text("Server unreachable").wait_for()
    assert page.get_by_role("button", name="Retry").is_visible()
    screenshot(page, "server-unreachable")
    page.unroute("**/api/**")
    page.get_by_role("button", name="Retry").click()
    page.get_by_role("heading", name="Change password", exact=True).wait_for()


def test_language_switch_is_remembered(page: Page, person: Person) -> None:
    page.goto("/sign-in")
    page.get_by_role("combobox", name="Language").click()
    page.get_by_role("option", name="中文").click()
    page.get_by_role("heading", name="登录 cozeplus", exact=True).wait_for()
    page.reload()
    page.get_by_role("heading", name="登录 cozeplus", exact=True).wait_for()
    assert page.evaluate("document.documentElement.lang") == "zh-CN"


def test_readable_at_360_px(
    context: BrowserContext, person: Person, screenshot: Callable[[Page, str], Path]
) -> None:
    page = context.new_page()
    page.set_viewport_size({"width": 360, "height": 740})
    sign_up(page, person)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for control in (page.get_by_test_id("account-menu"), page.get_by_role("combobox", name="Space")):
        box = control.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    page.get_by_role("button", name="Toggle navigation").click()
    page.get_by_role("link", name="Account").click()  # the navigation, opened from the burger
    page.get_by_role("heading", name="Change password", exact=True).wait_for()
    page.get_by_role("button", name="Toggle navigation").click()
    page.get_by_role("navigation").get_by_role("combobox", name="Language").wait_for()
    screenshot(page, "studio-360")


def test_sign_in_from_the_keyboard_alone(context: BrowserContext, page: Page, person: Person) -> None:
    sign_up(page, person)
    context.clear_cookies()
    page.goto("/sign-in?next=%2Faccount")
    page.get_by_role("heading", name="Sign in to cozeplus", exact=True).wait_for()
    # The e-mail field has focus on arrival; Tab moves on to the password, Enter submits.
    page.keyboard.type(person.email)
    page.keyboard.press("Tab")
    page.keyboard.type(person.password)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Change password", exact=True).wait_for()
    # The skip link is the first stop and takes the focus to the page's content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.evaluate("el => getComputedStyle(el).left") != "-9999px"  # visible when focused
