"""The playground chat in a real browser against the real server, with builtin-echo (which echoes the
question word by word; `/slow` makes it stream one word per 200 ms, long enough to reload or stop
mid-answer): a streamed answer with its token count, resume after a reload, regenerate and edit as
branches with the switcher, stop, clear context, follow-up chips, and a stream that breaks mid-answer
keeping its partial answer until it is resumed."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from tests.browser.conftest import Person, sign_up

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from playwright.sync_api import Page, Route

WORDS = [f"w{i}" for i in range(16)]
SLOW = "/slow " + " ".join(WORDS)


def _post(page: Page, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """From inside the page (same origin, the session cookie), as the app itself calls the API."""
    envelope: dict[str, Any] = page.evaluate(
        """async ([path, body]) => (await fetch(path, {method: 'POST', credentials: 'same-origin',
            headers: {'content-type': 'application/json'}, body: JSON.stringify(body)})).json()""",
        [path, body],
    )
    assert envelope["code"] == 0, envelope
    return envelope


def make_agent(page: Page, *, suggestions: bool = False) -> str:
    """An agent on builtin-echo through the SPA API (the agents pages are another helper's); its chat URL."""
    space = _post(page, "/api/playground_api/space/save", {"name": "Playground"})["data"]["id"]
    models = _post(page, "/api/bot/get_type_list", {})["data"]["model_list"]
    echo = next(m["model_type"] for m in models if m["model_name"] == "builtin-echo")
    bot = _post(page, "/api/draftbot/create", {"space_id": space, "name": "Echo"})["data"]["bot_id"]
    info: dict[str, Any] = {"bot_id": bot, "model_info": {"model_id": str(echo)}}
    if suggestions:
        info["suggest_reply_info"] = {"suggest_reply_mode": 0}
    _post(page, "/api/playground_api/draftbot/update_draft_bot_info", {"bot_info": info})
    return f"/spaces/{space}/agents/{bot}/chat"


def send(page: Page, text: str) -> None:
    box = page.get_by_role("textbox", name="Message")
    box.fill(text)
    box.press("Enter")


def words_of(page: Page, test_id: str) -> list[str]:
    return page.get_by_test_id(test_id).last.get_by_test_id("answer-text").inner_text().split()


def wait_words(page: Page, test_id: str, at_least: int) -> None:
    page.wait_for_function(
        """([id, n]) => {
          const all = document.querySelectorAll(`[data-testid="${id}"] [data-testid="answer-text"]`);
          const last = all[all.length - 1];
          return !!last && last.textContent.trim().split(/\\s+/).filter(Boolean).length >= n;
        }""",
        arg=[test_id, at_least],
    )


def last_answer(page: Page) -> str:
    return page.get_by_test_id("answer").last.get_by_test_id("answer-text").inner_text()


def test_chat_stream_reload_resume_branches_stop_and_clear(
    page: Page, person: Person, screenshot: Callable[[Page, str], Path]
) -> None:
    sign_up(page, person)
    page.goto(make_agent(page))
    page.get_by_role("heading", name="Playground", exact=True).wait_for()

    # A streamed answer, then the token count its chat reported (builtin-echo: 2 words out).
    send(page, "hello playground")
    page.get_by_test_id("answer").filter(has_text="hello playground").wait_for()
    tokens = page.get_by_test_id("answer").last.get_by_test_id("tokens")
    tokens.filter(has_text=re.compile(r"^\d+ tokens \(\d+ in, 2 out\)$")).wait_for()

    # Reload mid-answer: the page resumes the chat from its last seq_id and ends with the whole answer.
    send(page, SLOW)
    wait_words(page, "live-answer", 3)
    page.reload()
    page.get_by_test_id("live-answer").wait_for()
    page.get_by_test_id("answer").filter(has_text="w15").wait_for(timeout=20_000)
    assert last_answer(page).split() == WORDS
    assert page.get_by_test_id("live-answer").count() == 0

    # Regenerate the short answer of a new question: two answers, the switcher shows 2/2, then 1/2.
    send(page, "branch me")
    page.get_by_test_id("answer").filter(has_text="branch me").wait_for()
    page.get_by_test_id("answer").last.get_by_role("button", name="Regenerate").click()
    switcher = page.get_by_test_id("answer").last.get_by_test_id("branch-switcher")
    switcher.filter(has_text="2/2").wait_for()
    switcher.get_by_role("button", name="Previous branch").click()
    switcher.filter(has_text="1/2").wait_for()

    # Edit the question: a sibling question (switcher 2/2) with its own answer; back to the first.
    question = page.get_by_test_id("question").last
    question.get_by_role("button", name="Edit").click()
    page.get_by_role("textbox", name="Edit the question").fill("edited words")
    page.get_by_role("button", name="Send edit").click()
    page.get_by_test_id("answer").filter(has_text="edited words").wait_for()
    q_switcher = page.get_by_test_id("question").last.get_by_test_id("branch-switcher")
    q_switcher.filter(has_text="2/2").wait_for()
    screenshot(page, "playground")
    q_switcher.get_by_role("button", name="Previous branch").click()
    page.get_by_test_id("question").last.filter(has_text="branch me").wait_for()
    assert last_answer(page) == "branch me"

    # Stop mid-answer: the partial answer stays, marked stopped.
    send(page, SLOW)
    wait_words(page, "live-answer", 2)
    page.get_by_role("button", name="Stop").click()
    page.get_by_test_id("answer").last.get_by_text("Stopped").wait_for()
    partial = last_answer(page).split()
    assert 0 < len(partial) < len(WORDS) and partial == WORDS[: len(partial)]

    # Clear context: a new section; the divider shows, the next answer comes after it.
    page.get_by_role("button", name="Clear context").click()
    page.get_by_test_id("section-divider").wait_for()
    send(page, "fresh start")
    page.get_by_test_id("answer").filter(has_text="fresh start").wait_for()
    page.get_by_test_id("section-divider").wait_for()


def test_follow_up_suggestions_are_chips_that_send(page: Page, person: Person) -> None:
    sign_up(page, person)
    page.goto(make_agent(page, suggestions=True))
    send(page, "suggest something")
    chips = page.get_by_test_id("follow-ups")
    chips.wait_for()
    chip = chips.get_by_role("button").first
    text = chip.inner_text()
    assert "suggest something" in text  # builtin-echo echoes the suggestion request's Q and A
    chip.click()
    page.get_by_test_id("question").filter(has_text=text).wait_for()
    page.get_by_test_id("answer").nth(1).wait_for()
    # Readable at 360 px: nothing wider than the screen.
    page.set_viewport_size({"width": 360, "height": 740})
    page.get_by_role("textbox", name="Message").wait_for()
    # Once the layout has settled (the shell's navbar slides away at this width).
    page.wait_for_function("() => document.documentElement.scrollWidth <= 360", timeout=5000)


def test_a_broken_stream_keeps_the_partial_answer_and_resumes(page: Page, person: Person) -> None:
    """A slow, then dropped connection: the route passes the first events of the real stream, held
    back, then ends the body without `done`. The page keeps the words that arrived and offers Resume,
    which reads the rest from /chat/resume."""
    sign_up(page, person)
    page.goto(make_agent(page))
    page.get_by_role("heading", name="Playground", exact=True).wait_for()

    def cut(route: Route) -> None:
        real = route.fetch()
        events = real.text().split("\n\n")
        page.wait_for_timeout(300)  # a slow network
        route.fulfill(status=200, headers=dict(real.headers), body="\n\n".join(events[:4]) + "\n\n")

    page.route(re.compile(r"/api/conversation/chat$"), cut)
    send(page, " ".join(WORDS))
    page.get_by_test_id("interrupted").wait_for()
    kept = words_of(page, "live-answer")
    assert kept == WORDS[:3]  # ack + three deltas arrived
    page.unroute(re.compile(r"/api/conversation/chat$"))

    # The network is back: Resume reads the rest of the chat after the last seq_id seen.
    page.get_by_role("button", name="Resume").click()
    page.get_by_test_id("answer").filter(has_text="w15").wait_for()
    assert last_answer(page).split() == WORDS


def test_errors_show_inline(page: Page, person: Person) -> None:
    sign_up(page, person)
    page.goto(make_agent(page))
    # The model fails mid-stream: the stream's error event, in the answer, the words so far kept.
    send(page, "/fail-after 2 one two three")
    page.get_by_test_id("live-answer").get_by_role("alert").wait_for()
    assert words_of(page, "live-answer") == ["one", "two"]
    # The server refuses before streaming: the envelope's msg.
    page.route(
        re.compile(r"/api/conversation/chat$"),
        lambda route: route.fulfill(
            status=200,
            content_type="application/json",
            body='{"code": 4005, "msg": "The message is too long"}',
        ),
    )
    send(page, "hello")
    page.get_by_role("alert").filter(has_text="The message is too long").wait_for()


def test_a_server_tool_call_and_its_result_show_above_the_answer(page: Page, person: Person) -> None:
    sign_up(page, person)
    chat = make_agent(page)
    # Bind the built-in plugin's calculator in the agent editor.
    page.goto(chat.removesuffix("/chat"))
    section = page.get_by_test_id("plugins-section")
    section.get_by_test_id("plugin-tools-select").click()
    page.get_by_role("option", name="calculate · Built-in tools").click()
    page.keyboard.press("Escape")
    page.get_by_test_id("save").click()
    page.get_by_test_id("save-status").filter(has_text="All changes saved").wait_for()
    page.goto(chat)
    page.get_by_role("heading", name="Playground", exact=True).wait_for()

    send(page, '/tool calculate {"expression": "6 * 7"}')
    answer = page.get_by_test_id("answer").filter(has_text="42")
    answer.wait_for()
    assert answer.get_by_test_id("tool-call").inner_text().startswith("Called calculate")
    assert '"result": 42' in answer.get_by_test_id("tool-result").inner_text()

    # From the stored history after a reload: the same steps under the same answer, one turn.
    page.reload()
    answer = page.get_by_test_id("answer").filter(has_text="42")
    answer.get_by_test_id("tool-call").wait_for()
    assert page.get_by_test_id("question").count() == 1 and page.get_by_test_id("answer").count() == 1
