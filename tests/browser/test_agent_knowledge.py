"""An agent with knowledge in a real browser against the real server: a knowledge base with one text
document (made through the SPA API, indexed by the server's own consumers), bound in the agent
editor's Knowledge section with sources shown, then a playground question whose answer lists the
recalled passage under it, before and after a reload of the page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.browser.conftest import Person, sign_up
from tests.browser.test_playground import _post, send

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from playwright.sync_api import Page

POLICY = (
    "Hotel rooms are reimbursed up to 180 euros a night in capital cities.\n\n"
    "Meals on the road are paid with the company card."
)


def indexed(page: Page, document_id: str) -> None:
    page.wait_for_function(
        """async (id) => {
          const r = await fetch('/api/knowledge/document/progress/get', {method: 'POST',
            credentials: 'same-origin', headers: {'content-type': 'application/json'},
            body: JSON.stringify({document_ids: [id]})});
          const rows = (await r.json()).data.data;
          return rows[0].status === 1;
        }""",
        arg=document_id,
        polling=200,
        timeout=60_000,
    )


def make_agent_with_a_knowledge_base(page: Page) -> tuple[str, str]:
    space = _post(page, "/api/playground_api/space/save", {"name": "Knowledge"})["data"]["id"]
    models = _post(page, "/api/bot/get_type_list", {})["data"]["model_list"]
    echo = next(m["model_type"] for m in models if m["model_name"] == "builtin-echo")
    bot = _post(page, "/api/draftbot/create", {"space_id": space, "name": "Echo"})["data"]["bot_id"]
    info: dict[str, Any] = {"bot_id": bot, "model_info": {"model_id": str(echo)}}
    _post(page, "/api/playground_api/draftbot/update_draft_bot_info", {"bot_info": info})
    made = _post(page, "/api/knowledge/create", {"space_id": space, "name": "Policies", "format_type": 0})
    dataset = made["data"]["dataset_id"]
    source = {"custom_content": POLICY}
    docs = _post(
        page,
        "/api/knowledge/document/create",
        {"dataset_id": dataset, "document_bases": [{"name": "travel.txt", "source_info": source}]},
    )
    indexed(page, docs["data"]["document_infos"][0]["document_id"])
    return str(space), str(bot)


def test_bind_knowledge_in_the_editor_and_see_the_sources_in_the_playground(
    page: Page, person: Person, screenshot: Callable[[Page, str], Path]
) -> None:
    sign_up(page, person)
    space, bot = make_agent_with_a_knowledge_base(page)
    page.goto(f"/spaces/{space}/agents/{bot}")
    section = page.get_by_test_id("knowledge-section")
    section.wait_for()
    section.get_by_test_id("knowledge-select").click()
    page.get_by_role("option", name="Policies").click()
    page.keyboard.press("Escape")
    strategy = section.get_by_test_id("knowledge-strategy")
    strategy.click()
    page.get_by_role("option", name="Full text").click()
    section.get_by_role("switch", name="Show sources").check()
    screenshot(page, "agent-knowledge")
    page.get_by_test_id("save").click()
    page.get_by_test_id("save-status").filter(has_text="All changes saved").wait_for()

    page.get_by_test_id("open-playground").click()
    page.get_by_role("heading", name="Playground", exact=True).wait_for()
    send(page, "hotel rooms reimbursed night")
    answer = page.get_by_test_id("answer").filter(has_text="hotel rooms reimbursed night")
    answer.wait_for()
    sources = answer.get_by_test_id("sources")
    sources.filter(has_text="Sources (").wait_for()
    first = sources.get_by_test_id("source").first
    assert "travel.txt · Policies" in first.inner_text()
    assert "180 euros" in sources.inner_text()
    screenshot(page, "playground-sources")

    page.reload()
    page.get_by_test_id("answer").filter(has_text="hotel rooms reimbursed night").get_by_test_id(
        "sources"
    ).wait_for()
