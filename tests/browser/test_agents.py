"""The agent pages in a real browser against the real server: the list of a space, the editor, the
publish page; another user's agent; a 10 MB paste into the persona; 360 px and the keyboard."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING

from tests.browser.conftest import TIMEOUT_MS, Person, sign_up

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from playwright.sync_api import Browser, BrowserContext, Page

    from tests.support.served import Served

PERSONA = "You teach {{ subject|default('maths') }} patiently, one step at a time."
AGENT_URL = re.compile(r"/spaces/([0-9]+)/agents/([0-9]+)$")
PROMPT_LIMIT = 20_000  # src/domain/agent/values.py MAX_PROMPT


def _path(page: Page) -> str:
    return str(page.evaluate("location.pathname"))


def create_agent(page: Page, name: str, description: str = "") -> str:
    """From the agents list, through the create dialog; ends in the new agent's editor."""
    page.get_by_test_id("agent-create").click()
    page.get_by_test_id("agent-create-name").fill(name)
    if description:
        page.get_by_test_id("agent-create-description").fill(description)
    page.get_by_test_id("agent-create-submit").click()
    page.get_by_test_id("persona").wait_for()
    assert AGENT_URL.search(_path(page)), _path(page)
    return _path(page)


def rows(page: Page) -> list[str]:
    return [r.get_by_role("link").first.inner_text() for r in page.get_by_test_id("agent-row").all()]


def wait_rows(page: Page, expected: list[str]) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_test_id("agent-row").get_by_role("link")).to_have_text(expected)


def saved(page: Page) -> None:
    page.get_by_test_id("save-status").filter(has_text="All changes saved").wait_for()


def test_create_edit_reload_duplicate_delete_publish(
    page: Page, person: Person, screenshot: Callable[[Page, str], Path]
) -> None:
    from playwright.sync_api import expect

    sign_up(page, person)
    page.get_by_test_id("agents-empty").wait_for()
    editor = create_agent(page, "Maths tutor", "Explains fractions and equations")

    # persona with a variable, model and a parameter, history rounds, onboarding, suggestions
    page.get_by_test_id("persona").fill(PERSONA)
    page.get_by_role("button", name="Add subject").click()
    page.get_by_test_id("variable-row").get_by_label("Default value").fill("maths")
    page.get_by_test_id("model-select").click()
    model = page.get_by_role("option").first
    model_name = model.inner_text()
    model.click()
    page.get_by_label("Temperature").fill("0.3")
    page.get_by_test_id("history-rounds").fill("7")
    page.get_by_test_id("prologue").fill("Which topic shall we start with?")
    page.get_by_test_id("question-add").click()
    page.get_by_test_id("question").fill("What is a fraction?")
    page.get_by_test_id("suggest-toggle").check()
    page.get_by_test_id("save-status").filter(has_text="Unsaved changes").wait_for()
    page.get_by_test_id("save").click()
    saved(page)

    page.reload()
    persona = page.get_by_test_id("persona")
    persona.wait_for()
    assert persona.input_value() == PERSONA
    assert page.get_by_test_id("variable-row").get_by_label("Default value").input_value() == "maths"
    # The model list is a query of its own (beside the draft's and the knowledge bases'): wait for it.
    expect(page.get_by_test_id("model-select")).to_have_value(model_name)
    assert page.get_by_label("Temperature").input_value() == "0.3"
    assert page.get_by_test_id("history-rounds").input_value() == "7"
    assert page.get_by_test_id("question").input_value() == "What is a fraction?"
    assert page.get_by_test_id("suggest-toggle").is_checked()
    assert page.get_by_test_id("open-playground").get_attribute("href") == f"{editor}/chat"
    screenshot(page, "agent-editor")

    # the list: duplicate, search, delete with confirmation
    page.get_by_role("link", name="Agents").first.click()
    wait_rows(page, ["Maths tutor"])
    create_agent(page, "Chef", "Suggests recipes from what is in the fridge")
    page.get_by_role("link", name="Agents").first.click()
    wait_rows(page, ["Chef", "Maths tutor"])
    page.get_by_role("button", name="Duplicate Maths tutor").click()
    wait_rows(page, ["Maths tutor (copy)", "Chef", "Maths tutor"])
    page.get_by_test_id("agents-search").fill("TUTOR")
    wait_rows(page, ["Maths tutor (copy)", "Maths tutor"])
    page.get_by_test_id("agents-search").fill("")
    wait_rows(page, ["Maths tutor (copy)", "Chef", "Maths tutor"])
    page.get_by_role("button", name="Delete Maths tutor (copy)").click()
    dialog = page.get_by_role("dialog")
    assert "Delete “Maths tutor (copy)”?" in dialog.inner_text()
    dialog.get_by_role("button", name="Cancel").click()
    dialog.wait_for(state="hidden")
    assert rows(page) == ["Maths tutor (copy)", "Chef", "Maths tutor"]
    page.get_by_role("button", name="Delete Maths tutor (copy)").click()
    page.get_by_test_id("agent-delete-confirm").click()
    wait_rows(page, ["Chef", "Maths tutor"])
    page.reload()
    wait_rows(page, ["Chef", "Maths tutor"])

    # publish with a version description, twice; the history lists both, newest first
    page.get_by_role("link", name="Maths tutor").click()
    page.get_by_test_id("open-publish").click()
    page.get_by_test_id("history-empty").wait_for()
    page.get_by_test_id("version-note").fill("First release: fractions")
    page.get_by_test_id("publish").click()
    page.get_by_test_id("history-row").first.wait_for()
    page.get_by_test_id("connector-999").uncheck()  # the second version only on the API
    page.get_by_test_id("version-note").fill("Equations too")
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("history-row")).to_have_count(2)
    history = page.get_by_test_id("history-row").all()
    assert history[0].get_by_test_id("history-note").inner_text() == "Equations too"
    assert history[1].get_by_test_id("history-note").inner_text() == "First release: fractions"
    assert "chat sdk" in history[1].inner_text().lower() and "chat sdk" not in history[0].inner_text().lower()
    page.reload()
    expect(page.get_by_test_id("history-row")).to_have_count(2)
    page.get_by_role("link", name="Agents").first.click()
    page.wait_for_url(re.compile(r"/spaces/[0-9]+/agents$"))
    page.reload()
    row = page.get_by_test_id("agent-row").filter(has_text="Maths tutor")
    row.get_by_text("Published").wait_for()
    screenshot(page, "agents-list")


def test_another_users_agent_is_not_found(
    browser: Browser, studio: Served, page: Page, person: Person
) -> None:
    sign_up(page, person)
    editor = create_agent(page, "Private tutor")
    other = browser.new_context(
        base_url=studio.base_url, viewport={"width": 1280, "height": 800}, locale="en-US"
    )
    other.set_default_timeout(TIMEOUT_MS)
    try:
        intruder = other.new_page()
        tag = uuid.uuid4().hex[:8]
        sign_up(intruder, Person(name=f"Eve {tag}", email=f"eve-{tag}@browser.example.com"))
        for url in (editor, f"{editor}/publish"):
            intruder.goto(url)
            intruder.get_by_role("alert").filter(has_text="Not found").wait_for()
            assert intruder.get_by_test_id("error-message").inner_text() == "agent not found"
            assert intruder.get_by_test_id("persona").count() == 0
        space = AGENT_URL.search(editor)
        assert space is not None
        intruder.goto(f"/spaces/{space.group(1)}/agents")  # nor the owner's space
        intruder.get_by_role("alert").filter(has_text="Not found").wait_for()
    finally:
        other.close()
    # the owner still has it
    page.goto(editor)
    page.get_by_test_id("persona").wait_for()


def test_a_10_mb_paste_into_the_persona(page: Page, person: Person) -> None:
    sign_up(page, person)
    create_agent(page, "Long-winded")
    page.get_by_test_id("persona").fill(PERSONA)
    page.get_by_test_id("save").click()
    saved(page)

    line = "You are a careful tutor who explains every step twice and checks the answer. "
    huge = (line * (10_000_000 // len(line) + 1))[:10_000_000]
    persona = page.get_by_test_id("persona")
    persona.focus()
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.insert_text(huge)  # the browser's own text insertion, as a paste does
    count = page.get_by_test_id("persona-count")
    count.filter(has_text="10,000,000 / 20,000 characters").wait_for(timeout=60_000)
    assert page.get_by_text(f"Longer than the {PROMPT_LIMIT:,} characters the server accepts").is_visible()
    # the page stays usable: another field takes typing, and the save goes to the server
    page.get_by_test_id("agent-name").fill("Long-winded tutor")
    page.get_by_test_id("save").click()
    error = page.get_by_test_id("save-error")
    error.wait_for(timeout=60_000)
    assert f"prompt must be at most {PROMPT_LIMIT} characters" in error.inner_text()  # the envelope's msg
    assert page.get_by_test_id("save-status").inner_text() == "Not saved"
    assert page.evaluate("document.querySelector('[data-testid=persona]').value.length") == len(huge)

    # shortened, it saves; the draft kept the last good persona until then
    page.get_by_test_id("persona").fill("Short again.")
    page.get_by_test_id("save").click()
    saved(page)
    page.reload()
    assert page.get_by_test_id("persona").input_value() == "Short again."
    assert page.get_by_test_id("agent-name").input_value() == "Long-winded tutor"


def test_readable_at_360_px_and_usable_from_the_keyboard(context: BrowserContext, person: Person) -> None:
    page = context.new_page()
    page.set_viewport_size({"width": 360, "height": 740})
    sign_up(page, person)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # create from the keyboard: focus the button, Enter opens the dialog (name focused), Enter submits
    page.get_by_test_id("agent-create").focus()
    page.keyboard.press("Enter")
    page.get_by_role("dialog").wait_for()
    page.keyboard.type("Keyboard agent")
    page.keyboard.press("Enter")
    persona = page.get_by_test_id("persona")
    persona.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    persona.focus()
    page.keyboard.type("Typed without a mouse.")
    page.keyboard.press("ControlOrMeta+S")  # save from anywhere in the editor
    saved(page)
    for testid in ("save", "open-publish", "open-playground"):
        box = page.get_by_test_id(testid).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360, (testid, box)

    page.get_by_test_id("open-publish").click()
    page.get_by_test_id("history-empty").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_test_id("version-note").focus()
    page.keyboard.type("From the keyboard")
    page.keyboard.press("Tab")  # to the Publish button
    page.keyboard.press("Enter")
    page.get_by_test_id("history-note").filter(has_text="From the keyboard").wait_for()
    page.go_back()
    page.get_by_test_id("persona").wait_for()
    assert page.get_by_test_id("persona").input_value() == "Typed without a mouse."
    page.goto("/")  # the start page: the list, with a published agent whose name is long
    page.get_by_test_id("agent-row").get_by_text("Published").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    delete = page.get_by_role("button", name="Delete Keyboard agent").bounding_box()
    assert delete is not None and delete["x"] + delete["width"] <= 360, delete
