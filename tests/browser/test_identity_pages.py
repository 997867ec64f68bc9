"""The identity pages in a real browser against the real server: personal access tokens (the secret
shown once, listed, revoked), a team space with an invitation accepted by a second person in their
own browser, and the organisation tree for a manager and for someone without the right."""

from __future__ import annotations

import subprocess
import uuid
from typing import TYPE_CHECKING

import httpx

from tests.browser.conftest import Person, sign_in, sign_up
from tests.support.processes import COZEPLUS
from tests.support.served import PASSWORD
from tests.support.served import sign_up as sign_up_by_api

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from playwright.sync_api import Browser, Page

    from tests.support.served import Served


def test_create_a_token_see_it_once_listed_then_revoke_it(
    page: Page, person: Person, screenshot: Callable[[Page, str], Path]
) -> None:
    sign_up(page, person)
    page.goto("/tokens")
    page.get_by_test_id("no-tokens").wait_for()
    # An empty name is refused by the form, before any request.
    page.get_by_role("button", name="Create token").click()
    page.get_by_text("Enter a name").wait_for()
    page.get_by_role("textbox", name="Name").fill("deploy bot")
    page.get_by_label("Chat with agents").check()
    page.get_by_label("Read agents").check()
    page.get_by_role("button", name="Create token").click()
    dialog = page.get_by_role("dialog", name="Your new token")
    secret = dialog.get_by_test_id("token-secret").inner_text().strip()
    assert secret.startswith("pat_") and len(secret) > 20
    assert dialog.get_by_role("button", name="Copy token").is_visible()
    dialog.get_by_role("button", name="I have copied it").click()
    dialog.wait_for(state="hidden")
    row = page.get_by_test_id("token-list").get_by_role("row").filter(has_text="deploy bot")
    row.wait_for()
    assert "chat" in row.inner_text() and "bot:read" in row.inner_text()
    assert secret not in page.content()  # shown once: gone from the page
    screenshot(page, "tokens")
    # The secret works until revoked.
    base = page.evaluate("location.origin")
    me = httpx.get(f"{base}/v1/users/me", headers={"Authorization": f"Bearer {secret}"}, timeout=10)
    assert me.status_code != 401, me.text
    row.get_by_role("button", name="Revoke deploy bot").click()
    page.get_by_role("dialog", name="Revoke the token?").get_by_role("button", name="Revoke").click()
    page.get_by_test_id("no-tokens").wait_for()
    gone = httpx.get(f"{base}/v1/users/me", headers={"Authorization": f"Bearer {secret}"}, timeout=10)
    assert gone.status_code == 401, gone.text


def test_team_space_invitation_accepted_in_another_browser(
    browser: Browser,
    page: Page,
    person: Person,
    studio: Served,
    screenshot: Callable[[Page, str], Path],
) -> None:
    sign_up(page, person)
    bob = sign_up_by_api(studio, "bob")
    page.goto("/spaces")
    page.get_by_role("button", name="Create space").click()
    page.get_by_text("Enter a name").wait_for()  # refused in the form
    space_name = f"Lab {uuid.uuid4().hex[:6]}"
    page.get_by_role("textbox", name="Name").fill(space_name)
    page.get_by_role("button", name="Create space").click()
    page.get_by_role("link", name=f"Members of {space_name}").click()
    page.get_by_role("heading", name=f"Members of {space_name}", exact=True).wait_for()
    space_id = page.evaluate("location.pathname").split("/")[2]

    # A bad e-mail is refused by the form; an unknown account by the server, with its message.
    email = page.get_by_role("textbox", name="E-mail")
    email.fill("not-an-address")
    page.get_by_role("button", name="Send invitation").click()
    page.get_by_text("Enter a valid e-mail address").wait_for()
    email.fill(f"nobody-{uuid.uuid4().hex[:6]}@e2e.example.com")
    page.get_by_role("button", name="Send invitation").click()
    assert page.get_by_test_id("invite-error").inner_text().strip()
    email.fill(bob.email)
    page.get_by_role("button", name="Send invitation").click()
    page.get_by_test_id("pending-invitations").get_by_text("bob").wait_for()

    other = browser.new_context(base_url=studio.base_url, locale="en-US")
    try:
        bob_page = other.new_page()
        bob_page.goto("/sign-in?next=%2Finvitations")
        sign_in(bob_page, Person("bob", bob.email, PASSWORD))
        card = bob_page.get_by_test_id("invitation").filter(has_text=space_name)
        card.get_by_role("button", name="Accept").click()
        bob_page.get_by_test_id("no-invitations").wait_for()
        bob_page.goto(f"/spaces/{space_id}/members")
        bob_page.get_by_role("heading", name=f"Members of {space_name}", exact=True).wait_for()
    finally:
        other.close()

    page.reload()
    row = page.get_by_test_id(f"member-{bob.user_id}")
    row.wait_for()
    assert row.get_by_test_id("role").text_content() == "Member"
    page.get_by_text("No pending invitations.").wait_for()
    screenshot(page, "members")

    # The owner makes Bob an admin in place, and back; the page and the server agree.
    row.get_by_role("button", name="Make admin").click()
    row.get_by_role("button", name="Make member").wait_for()
    assert row.get_by_test_id("role").text_content() == "Admin"
    page.reload()
    row.get_by_role("button", name="Make member").click()
    row.get_by_role("button", name="Make admin").wait_for()
    assert row.get_by_test_id("role").text_content() == "Member"

    # Another space's id in the URL: not found, for Bob's personal space seen by the owner.
    page.goto(f"/spaces/{bob.space_id}/members")
    assert page.get_by_role("alert").get_attribute("data-error-kind") == "not-found"


def _superuser(studio: Served) -> Person:
    who = Person("Org admin", f"org-{uuid.uuid4().hex[:6]}@browser.example.com")
    done = subprocess.run(
        [*COZEPLUS, "admin", "create-user", "--email", who.email, "--password", who.password, "--superuser"],
        env=studio.env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return who


def test_organisation_tree_for_a_manager_and_no_access_for_others(
    browser: Browser, page: Page, person: Person, studio: Served
) -> None:
    admin = _superuser(studio)
    web = httpx.Client(base_url=studio.base_url, headers={"Origin": studio.base_url}, timeout=30)
    signed = web.post(
        "/api/passport/web/email/login/", json={"email": admin.email, "password": admin.password}
    )
    assert signed.json()["code"] == 0, signed.text
    tag = uuid.uuid4().hex[:6]

    def call(path: str, body: dict[str, object]) -> dict[str, object]:
        answer = web.post(path, json=body).json()
        assert answer["code"] == 0, answer
        return answer["data"]  # type: ignore[no-any-return]

    corp = call("/api/v1/corporation/create", {"name": f"Acme {tag}", "corp_type": 2})
    dept = call("/api/v1/corporation/department/create", {"name": f"R&D {tag}", "corp_id": corp["id"]})
    call(
        "/api/v1/corporation/employee/create",
        {"name": f"Grace {tag}", "department_ids": [{"department_id": dept["id"], "is_primary": True}]},
    )

    # Someone without the right sees the tree's names, and "no access" for who works where.
    sign_up(page, person)
    page.goto("/organisation")
    page.get_by_test_id("org-tree").get_by_text(f"R&D {tag}").click()
    page.get_by_test_id("org-no-access").wait_for()
    assert f"Grace {tag}" not in page.content()

    other = browser.new_context(base_url=studio.base_url, locale="en-US")
    try:
        admin_page = other.new_page()
        admin_page.goto("/sign-in?next=%2Forganisation")
        sign_in(admin_page, admin)
        admin_page.get_by_test_id("org-tree").get_by_text(f"R&D {tag}").click()
        admin_page.get_by_test_id("org-members").get_by_text(f"Grace {tag}").wait_for()
    finally:
        other.close()
