"""Playground figures (issue 13): time to a streamed first token in the studio's chat page, next to the
API's own time to first token on the same route in the same run.

    python -m tests.bench.bench_web_chat      (or `make bench`; needs `make web`)

One `cozeplus serve` (embedded defaults) serving the built web/dist; headless Chromium from Debian's
package (/usr/bin/chromium) through Playwright. One account and one agent on builtin-echo (which
streams the question back word by word, so the model itself costs next to nothing and the figures
are the platform's: the chat start, the run stream, SSE, and for the page its parsing and rendering).

- Page: on /spaces/:spaceId/agents/:agentId/chat with a question typed, from the Send click
  (performance.now() in the page) until the first answer text is in the document (a
  MutationObserver in the page), i.e. fetch + SSE parsing + React rendering of the first delta.
- API: the same POST /api/conversation/chat with the same session cookie from this process (httpx,
  streaming), from sending the request until the first `message` event whose answer has text.
The two alternate, one of each per round, each on the same conversation as the page uses.

Knobs (environment): COZEPLUS_BENCH_WEB_CHAT_RUNS (10).
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from tests.bench.bench_web import CHROMIUM, FLAGS, ROOT
from tests.support.served import PASSWORD, served_app

FIRST_TOKEN_IN_PAGE = """() => new Promise((resolve, reject) => {
  const send = [...document.querySelectorAll('button[type="submit"]')].find((b) => !b.disabled);
  if (!send) { reject(new Error('no enabled Send button')); return; }
  const before = document.querySelectorAll('[data-testid="live-answer"]').length;
  let t0 = 0;
  const seen = () => {
    const live = document.querySelector('[data-testid="live-answer"] [data-testid="answer-text"]');
    return live && live.textContent.trim() ? performance.now() : null;
  };
  const observer = new MutationObserver(() => {
    const t = seen();
    if (t !== null) { observer.disconnect(); resolve(t - t0); }
  });
  observer.observe(document.body, {subtree: true, childList: true, characterData: true});
  if (before) { observer.disconnect(); reject(new Error('a turn is still live')); return; }
  t0 = performance.now();
  send.click();
})"""
POST = """async ([path, body]) => (await fetch(path, {method: 'POST', credentials: 'same-origin',
  headers: {'content-type': 'application/json'}, body: JSON.stringify(body)})).json()"""


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _post(page: Any, path: str, body: dict[str, Any]) -> dict[str, Any]:
    got: dict[str, Any] = page.evaluate(POST, [path, body])
    if got.get("code") != 0:
        raise RuntimeError(f"{path}: {got}")
    return got


def _agent(page: Any) -> tuple[str, str]:
    space = _post(page, "/api/playground_api/space/save", {"name": "Bench"})["data"]["id"]
    models = _post(page, "/api/bot/get_type_list", {})["data"]["model_list"]
    echo = next(m["model_type"] for m in models if m["model_name"] == "builtin-echo")
    bot = _post(page, "/api/draftbot/create", {"space_id": space, "name": "Echo"})["data"]["bot_id"]
    info = {"bot_id": bot, "model_info": {"model_id": str(echo)}}
    _post(page, "/api/playground_api/draftbot/update_draft_bot_info", {"bot_info": info})
    return str(space), str(bot)


def api_first_token(client: httpx.Client, bot: str, conversation_id: str, query: str) -> float:
    body = {"bot_id": bot, "conversation_id": conversation_id, "query": query, "draft_mode": True}
    t0 = time.perf_counter()
    first = float("nan")
    with client.stream("POST", "/api/conversation/chat", json=body) as r:
        for line in r.iter_lines():
            if first != first and line.startswith("data:"):  # still NaN: not seen yet
                data = json.loads(line[5:])
                message = data.get("message") or {}
                if message.get("type") == "answer" and message.get("content"):
                    first = (time.perf_counter() - t0) * 1000
    return first  # read to the end, so the next round starts on an idle conversation


def _sign_up(page: Any) -> None:
    tag = uuid.uuid4().hex[:8]
    page.goto("/sign-up")
    page.get_by_label("Name").fill(f"Bench {tag}")
    page.get_by_role("textbox", name="E-mail").fill(f"bench-{tag}@bench.example.com")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Agents", exact=True).wait_for()  # the studio's start page


def measure(browser: Any, base_url: str, runs: int) -> tuple[list[float], list[float]]:
    """(page ms, API ms) per round, after one warm-up round."""
    page_ms: list[float] = []
    api_ms: list[float] = []
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(30_000)
    page = context.new_page()
    _sign_up(page)
    space, bot = _agent(page)
    page.goto(f"/spaces/{space}/agents/{bot}/chat")
    page.get_by_role("heading", name="Playground").wait_for()
    cookies = {c["name"]: c["value"] for c in context.cookies()}
    with httpx.Client(base_url=base_url, cookies=cookies, headers={"origin": base_url}, timeout=30) as client:
        listing = {"bot_id": bot, "cursor": "0", "count": 1}
        cid = client.post("/api/conversation/get_message_list", json=listing).json()["conversation_id"]
        for i in range(runs + 1):  # round 0 warms both paths up
            question = f"page round {i} hello there"
            page.get_by_role("textbox", name="Message").fill(question)
            took = float(page.evaluate(FIRST_TOKEN_IN_PAGE))
            page.get_by_test_id("answer").filter(has_text=question).wait_for()
            page.wait_for_function("() => !document.querySelector('[data-testid=\"live-answer\"]')")
            api = api_first_token(client, bot, cid, f"api round {i} hello there")
            if i:
                page_ms.append(took)
                api_ms.append(api)
    context.close()
    return page_ms, api_ms


def _line(label: str, values: list[float]) -> str:
    return f"  {label:<16} median {_median(values):7.1f}   min {min(values):7.1f}   max {max(values):7.1f}"


def main() -> int:
    runs = int(os.environ.get("COZEPLUS_BENCH_WEB_CHAT_RUNS", "10"))
    if not Path(CHROMIUM).exists():
        print(f"skipped: {CHROMIUM} is missing (apt-get install chromium)")
        return 0
    if not (ROOT / "web" / "dist" / "index.html").exists():
        print("web/dist is not built: run `make web` first")
        return 1
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory() as tmp,
        served_app("embedded", Path(tmp)) as served,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page_ms, api_ms = measure(browser, served.base_url, runs)
        browser.close()

    print(f"chromium {CHROMIUM}, {runs} rounds (after one warm-up), builtin-echo, one conversation")
    print("time to the first streamed token (ms):")
    print(_line("playground page", page_ms))
    print(_line("API (httpx)", api_ms))
    print(f"  page - API       median {_median(page_ms) - _median(api_ms):7.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
