"""Editing the segmentation preview in a real browser against the real server: a previewed slice's
text is changed and saved into the review, and the document added afterwards has exactly the slices
as edited (not cut again from the pasted text)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tests.browser.conftest import Person, sign_up
from tests.browser.test_knowledge_pages import INDEXING_MS, create_knowledge_base, document_row

if TYPE_CHECKING:
    from playwright.sync_api import Page

TEXT = "The canteen opens at eight.\n\nParking is free for visitors.\n\nBicycles go to the cellar."
EDITED = "Parking costs two euros an hour; visitors park free."


def test_a_slice_edited_in_the_preview_is_the_documents_slice(page: Page, person: Person) -> None:
    from playwright.sync_api import expect

    sign_up(page, person)
    page.get_by_role("navigation").get_by_role("link", name="Knowledge", exact=True).click()
    page.get_by_test_id("knowledge-empty").wait_for()
    create_knowledge_base(page, "Office")
    page.get_by_test_id("add-documents").click()
    page.get_by_text("Paste text").click()
    page.get_by_label("Document name").fill("office.txt")
    page.get_by_role("textbox", name="Text").fill(TEXT)
    page.get_by_role("radio", name="Custom").check()
    page.get_by_label("Maximum slice size").fill("50")
    page.get_by_role("button", name="Preview segmentation").click()
    expect(page.get_by_test_id("preview-summary")).to_contain_text("3 slices")

    parking = page.get_by_test_id("preview-slice").nth(1)
    expect(parking).to_contain_text("Parking is free for visitors.")
    parking.get_by_role("button", name="Edit slice 2").click()
    parking.get_by_role("textbox", name="Text of slice 2").fill(EDITED)
    parking.get_by_role("button", name="Save slice").click()
    expect(parking).to_contain_text(EDITED)
    expect(parking.get_by_text("edited", exact=True)).to_be_visible()

    page.get_by_role("button", name="Add 1 document").click()
    page.get_by_role("heading", name="Office", exact=True).wait_for()
    row = document_row(page, "office.txt")
    expect(row.get_by_test_id("document-status")).to_have_attribute(
        "data-status", "ready", timeout=INDEXING_MS
    )
    page.get_by_role("link", name="office.txt", exact=True).click()
    page.get_by_role("heading", name="office.txt", exact=True).wait_for()
    slices = page.get_by_test_id("slice")
    expect(slices).to_have_count(3)
    expect(slices.nth(1)).to_contain_text(EDITED)
    expect(page.get_by_test_id("slice").filter(has_text=re.compile("Parking is free"))).to_have_count(0)
