"""The knowledge pages in a real browser against the real server: create a knowledge base, paste a
text with a segmentation preview first, watch it become ready, its slices and editing one, the
retrieval test with scores, files uploaded together of which a broken one fails with its reason;
another user's knowledge base; 360 px; a photo captioned by a vision model (a scripted one on
loopback) that an admin marked as taking images, and a caption generated on the photos tab."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import TIMEOUT_MS, Person, sign_in, sign_up
from tests.browser.test_admin import admin  # noqa: F401  (the fixture: a super admin made by the CLI)
from tests.support.fake_llm import Reply, ScriptedServer, serving
from tests.support.fake_openai import FakeOpenAI

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from playwright.sync_api import Browser, Locator, Page

    from tests.support.served import Served

TEXT = (
    "# Travel policy\n\nEmployees book flights through the travel desk. Economy class is the default "
    "for flights under six hours.\n\n## Hotels\n\nHotel rooms are reimbursed up to 180 euros a night "
    "in capital cities.\n\n## Meals\n\nMeals on the road are paid with the company card; keep receipts."
)
EDITED = "Hotel rooms are reimbursed up to 210 euros a night in capital cities and 150 elsewhere."
BROKEN_PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ntruncated"
DATASET_URL = re.compile(r"/spaces/([0-9]+)/knowledge/([0-9]+)$")
INDEXING_MS = 90_000  # the indexing job embeds and stores slices; generous on a loaded machine


def _path(page: Page) -> str:
    return str(page.evaluate("location.pathname"))


def create_knowledge_base(page: Page, name: str, description: str = "", format_label: str = "Text") -> str:
    """From the knowledge list, through the create dialog; ends on the new knowledge base's page."""
    page.get_by_test_id("knowledge-create").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Name").fill(name)
    if description:
        dialog.get_by_label("Description").fill(description)
    dialog.get_by_role("radio", name=format_label).check()
    dialog.get_by_role("button", name="Create").click()
    page.get_by_role("heading", name=name, exact=True).wait_for()
    assert DATASET_URL.search(_path(page)), _path(page)
    return _path(page)


def quiet(page: Page) -> None:
    """Waits for the notifications to close, so that a screenshot shows the page itself."""
    from playwright.sync_api import expect

    expect(page.locator(".mantine-Notification-root")).to_have_count(0, timeout=10_000)


def document_row(page: Page, name: str) -> Locator:
    return page.get_by_test_id("document-row").filter(has=page.get_by_role("link", name=name, exact=True))


def test_paste_preview_ready_slices_edit_retrieval_and_a_failed_file(
    page: Page, person: Person, screenshot: Callable[[Page, str], Path], tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    sign_up(page, person)
    page.get_by_role("navigation").get_by_role("link", name="Knowledge", exact=True).click()
    page.get_by_test_id("knowledge-empty").wait_for()
    create_knowledge_base(page, "Company policies", "Travel, expenses and the office")

    # paste a text: the segmentation preview comes first, and nothing is stored by it
    page.get_by_test_id("documents-empty").wait_for()
    page.get_by_test_id("add-documents").click()
    page.get_by_text("Paste text").click()
    page.get_by_label("Document name").fill("travel.md")
    page.get_by_role("textbox", name="Text").fill(TEXT)
    page.get_by_role("radio", name="By headings").check()
    page.get_by_label("Maximum heading depth").fill("2")
    add = page.get_by_role("button", name="Add 1 document")
    expect(add).to_be_disabled()
    page.get_by_role("button", name="Preview segmentation").click()
    summary = page.get_by_test_id("preview-summary")
    expect(summary).to_contain_text(re.compile(r"^([2-9]|[0-9]{2,}) slices"))
    expect(page.get_by_test_id("preview-slice").filter(has_text="180 euros")).to_contain_text("Hotels")
    screenshot(page, "knowledge-preview")
    add.click()

    # the documents table follows it until it is ready
    page.get_by_role("heading", name="Company policies", exact=True).wait_for()
    travel = document_row(page, "travel.md")
    expect(travel.get_by_test_id("document-status")).to_have_attribute(
        "data-status", "ready", timeout=INDEXING_MS
    )
    slices = int(travel.get_by_role("cell").nth(2).inner_text())
    assert slices >= 3, slices

    # two files at once: the fine one becomes ready, the broken one fails and says why
    fine, broken = tmp_path / "notes.txt", tmp_path / "scan.pdf"
    fine.write_text("The canteen opens at eight.\n\nParking is free for visitors.")
    broken.write_bytes(BROKEN_PDF)
    page.get_by_test_id("add-documents").click()
    page.get_by_label("Files", exact=True).set_input_files([str(fine), str(broken)])
    expect(page.get_by_test_id("file-item")).to_have_count(2)
    for item in page.get_by_test_id("file-item").all():
        expect(item).to_have_attribute("data-state", "uploaded")
    page.get_by_role("button", name="Preview segmentation").click()  # the first file: notes.txt
    expect(page.get_by_test_id("preview-summary")).to_contain_text("slice")
    page.get_by_role("button", name="Add 2 documents").click()
    page.get_by_role("heading", name="Company policies", exact=True).wait_for()
    expect(document_row(page, "notes.txt").get_by_test_id("document-status")).to_have_attribute(
        "data-status", "ready", timeout=INDEXING_MS
    )
    failed = document_row(page, "scan.pdf")
    expect(failed.get_by_test_id("document-status")).to_have_attribute(
        "data-status", "failed", timeout=INDEXING_MS
    )
    expect(failed.get_by_test_id("failure-reason")).to_have_text("The file is damaged")
    assert failed.get_by_test_id("failure-detail").inner_text().strip()  # the server's own words
    page.get_by_test_id("dataset-counts").filter(has_text="3 documents").wait_for()
    quiet(page)
    screenshot(page, "knowledge-documents")

    # the slices of travel.md: edit the hotel one
    page.get_by_role("link", name="travel.md", exact=True).click()
    page.get_by_role("heading", name="travel.md", exact=True).wait_for()
    expect(page.get_by_test_id("slice")).to_have_count(slices)
    hotel_id = page.get_by_test_id("slice").filter(has_text="180 euros").get_attribute("data-slice-id")
    hotel = page.locator(f'[data-slice-id="{hotel_id}"]')  # by id: its text changes below
    hotel.get_by_role("button", name=re.compile(r"^Edit slice")).click()
    editor = hotel.get_by_role("textbox")
    editor.fill(EDITED)
    hotel.get_by_role("button", name="Save").click()
    edited = page.get_by_test_id("slice").filter(has_text="210 euros")
    edited.get_by_text("Edited").wait_for()
    quiet(page)
    screenshot(page, "knowledge-slices")
    page.reload()
    page.get_by_test_id("slice").filter(has_text="210 euros").wait_for()

    # the retrieval test finds the edited slice (re-indexed in the background), with its score
    page.get_by_role("link", name="Company policies").click()
    page.get_by_role("tab", name="Retrieval test").click()
    page.get_by_label("Query").fill("how much is a hotel night reimbursed")
    hit = page.get_by_test_id("retrieval-hit").first
    for _ in range(60):
        page.get_by_role("button", name="Test", exact=True).click()
        hit.wait_for()
        if "210 euros" in hit.get_by_test_id("hit-content").inner_text():
            break
        page.wait_for_timeout(500)
    expect(hit.get_by_test_id("hit-content")).to_contain_text("210 euros")
    expect(hit.get_by_test_id("hit-document")).to_have_text("travel.md")
    score = float((hit.get_by_test_id("hit-score").text_content() or "").removeprefix("score "))
    assert 0 < score <= 1, score
    quiet(page)
    screenshot(page, "knowledge-retrieval")

    # full text: words no slice has find nothing, and the page says so
    page.get_by_role("combobox", name="Search mode").click()
    page.get_by_role("option", name="Full text").click()
    page.get_by_label("Query").fill("submarine periscope")
    page.get_by_label("Minimum score").fill("0.5")
    page.get_by_role("button", name="Test", exact=True).click()
    page.get_by_test_id("retrieval-empty").wait_for()

    # the list shows the knowledge base with its counts and the failed document
    page.get_by_role("navigation").get_by_role("link", name="Knowledge", exact=True).click()
    row = page.get_by_test_id("knowledge-row").filter(has_text="Company policies")
    expect(row).to_contain_text("3 documents")
    expect(row).to_contain_text("1 failed")


def test_another_users_knowledge_base_is_not_found(
    browser: Browser, studio: Served, page: Page, person: Person
) -> None:
    sign_up(page, person)
    page.get_by_role("navigation").get_by_role("link", name="Knowledge", exact=True).click()
    url = create_knowledge_base(page, "Private notes")
    other = browser.new_context(
        base_url=studio.base_url, viewport={"width": 1280, "height": 800}, locale="en-US"
    )
    other.set_default_timeout(TIMEOUT_MS)
    try:
        intruder = other.new_page()
        tag = uuid.uuid4().hex[:8]
        sign_up(intruder, Person(name=f"Eve {tag}", email=f"eve-{tag}@browser.example.com"))
        for target in (url, f"{url}/add"):
            intruder.goto(target)
            intruder.get_by_role("alert").filter(has_text="Not found").wait_for()
            assert intruder.get_by_role("heading", name="Private notes").count() == 0
    finally:
        other.close()


def test_image_captions_and_readable_at_360_px(page: Page, person: Person, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 360, "height": 740})
    sign_up(page, person)
    page.goto("/knowledge")
    page.get_by_test_id("knowledge-empty").wait_for()
    create_knowledge_base(page, "Product photos", format_label="Image")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_test_id("add-documents").click()
    photo = tmp_path / "lamp.png"
    photo.write_bytes(_png())
    page.get_by_label("Files", exact=True).set_input_files(str(photo))
    page.get_by_label("Caption of lamp.png").fill("A brass desk lamp")
    page.get_by_role("button", name="Add 1 document").click()
    page.get_by_role("heading", name="Product photos", exact=True).wait_for()
    page.get_by_role("tab", name="Images").click()
    caption = page.get_by_label("Caption of lamp.png")
    expect(caption).to_have_value("A brass desk lamp")
    caption.fill("A green desk lamp with a brass foot")
    page.get_by_role("button", name="Save caption").click()
    # Saved once the notice shows (the button is disabled while the save is under way too).
    page.get_by_text("Caption of “lamp.png” saved").wait_for()
    page.reload()
    expect(page.get_by_label("Caption of lamp.png")).to_have_value("A green desk lamp with a brass foot")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.fixture(scope="module")
def vision_server() -> Iterator[ScriptedServer]:
    with serving(FakeOpenAI(), "/v1") as server:
        yield server


def test_a_vision_model_captions_a_photo_and_suggests_another(
    browser: Browser,
    studio: Served,
    page: Page,
    person: Person,
    admin: Person,  # noqa: F811
    vision_server: ScriptedServer,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    tag = uuid.uuid4().hex[:6]
    model_name = f"Eyes {tag}"
    console = browser.new_context(base_url=studio.base_url, locale="en-US")
    console.set_default_timeout(TIMEOUT_MS)
    root = console.new_page()
    try:
        root.goto("/admin/models")
        sign_in(root, admin)
        root.get_by_role("heading", name="Models", exact=True).wait_for()
        root.get_by_role("button", name="New model").click()
        dialog = root.get_by_role("dialog")
        dialog.get_by_role("textbox", name="Name").fill(model_name)
        dialog.get_by_role("textbox", name="Model").fill("fake-vision")
        dialog.get_by_role("textbox", name="Base URL").fill(vision_server.url)
        dialog.get_by_role("checkbox", name=re.compile("Takes images")).check()
        dialog.get_by_role("button", name="Create model").click()
        dialog.wait_for(state="detached")
        root.get_by_test_id(f"model-{model_name}").wait_for()

        vision_server.clear()
        vision_server.enqueue(Reply("A brass desk lamp on an oak table"))
        sign_up(page, person)
        page.goto("/knowledge")
        create_knowledge_base(page, "Lamps", format_label="Image")
        page.get_by_test_id("add-documents").click()
        photo = tmp_path / "IMG_0042.png"
        photo.write_bytes(_png())
        page.get_by_label("Files", exact=True).set_input_files(str(photo))
        page.get_by_role("button", name="Add 1 document").click()
        row = document_row(page, "IMG_0042.png")
        expect(row.get_by_test_id("document-status")).to_have_attribute(
            "data-status", "ready", timeout=INDEXING_MS
        )
        page.get_by_role("tab", name="Images").click()
        caption = page.get_by_label("Caption of IMG_0042.png")
        expect(caption).to_have_value("A brass desk lamp on an oak table")
        sent = [r.body for r in vision_server.requests if r.path.endswith("/chat/completions")]
        assert [p["type"] for p in sent[0]["messages"][0]["content"]] == ["text", "image_url"]

        vision_server.enqueue(Reply("A desk lamp with a green glass shade"))
        page.get_by_role("button", name="Generate caption").click()
        expect(caption).to_have_value("A desk lamp with a green glass shade")
        page.get_by_role("button", name="Save caption").click()
        expect(page.get_by_role("button", name="Save caption")).to_be_disabled()
        page.reload()
        expect(page.get_by_label("Caption of IMG_0042.png")).to_have_value(
            "A desk lamp with a green glass shade"
        )
    finally:  # the served app is shared: later tests must not find a vision model
        root.get_by_role("button", name=f"Delete {model_name}").click()
        root.get_by_role("dialog").get_by_role("button", name="Delete").click()
        root.get_by_test_id(f"model-{model_name}").wait_for(state="detached")
        console.close()


def _png() -> bytes:
    """A valid 2x2 PNG, written here rather than kept as a binary fixture."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x80\x00" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
