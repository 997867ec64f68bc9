"""Document reviews, table schema checks and default icons through the SPA routes on the real app
(SQLite and MariaDB): a review's slices are read back, edited, saved and committed as the document's
slices; other spaces' and expired reviews answer not found; a sheet that does not fit a table
knowledge base's columns is refused before anything is stored."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from dependency_injector import providers

from bootstrap.container import Container
from bootstrap.settings import Settings
from tests.support.knowledge_world import KnowledgeWorld, knowledge_world

TEXT = "The canteen opens at eight.\n\nParking is free for visitors.\n\nBicycles go to the cellar."
CUSTOM = {"chunk_type": 1, "separator": "\\n\\n", "max_tokens": 50}
WEB_ASSETS = Path(__file__).resolve().parents[3] / "web" / "public" / "assets"


class ShiftedClock:
    """The system clock moved forward by `ahead`: a review's day can pass inside a test."""

    def __init__(self) -> None:
        self.ahead = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.ahead


@pytest.fixture
async def clock() -> ShiftedClock:
    return ShiftedClock()


@pytest.fixture
async def w(settings: Settings, clock: ShiftedClock) -> AsyncIterator[KnowledgeWorld]:
    def prepare(container: Container) -> None:
        container.knowledge.clock.override(providers.Object(clock))

    async with knowledge_world(settings, prepare) as world:
        yield world


async def _post(w: KnowledgeWorld, path: str, body: Any) -> tuple[int, dict[str, Any]]:
    answer = await w.client.post(path, json=body)
    return answer.status_code, answer.json()


async def _refused(w: KnowledgeWorld, path: str, body: Any, status: int, code: int) -> str:
    got_status, payload = await _post(w, path, body)
    assert (got_status, payload["code"]) == (status, code), (path, got_status, payload)
    return str(payload["msg"])


async def _review(w: KnowledgeWorld, dataset_id: str, text: str = TEXT) -> dict[str, Any]:
    made = await w.call(
        "/api/knowledge/review/create",
        {
            "dataset_id": dataset_id,
            "document_base": {"name": "notes.txt", "source_info": {"custom_content": text}},
            "chunk_strategy": CUSTOM,
        },
    )
    assert made["dataset_id"] == dataset_id
    (review,) = made["reviews"]
    return dict(review)


async def test_edited_review_slices_become_the_documents_slices(w: KnowledgeWorld) -> None:
    dataset_id = await w.dataset(w.alice, "Office")
    review = await _review(w, dataset_id)
    assert review["status"] == 1 and review["total"] == 3 and review["doc_tree_tos_url"]
    assert review["slices"][0]["content"] == "The canteen opens at eight."

    (again,) = (
        await w.call(
            "/api/knowledge/review/mget", {"dataset_id": dataset_id, "review_ids": [review["review_id"]]}
        )
    )["reviews"]
    assert again["slices"] == review["slices"] and again["expire_time"] > 0

    first, second, third = (s["id"] for s in review["slices"])
    edited = await w.call(
        "/api/knowledge/review/save",
        {
            "dataset_id": dataset_id,
            "review_id": review["review_id"],
            "slices": [{"id": second, "content": "Parking costs two euros an hour."}],
        },
    )
    assert edited["review"]["slices"][1]["content"] == "Parking costs two euros an hour."

    # Coze's doc tree replaces the whole list: one slice dropped, one added, the order as sent
    tree = {
        "chunks": [
            {"id": third, "text": "Bicycles go to the cellar.", "type": "text", "level": 1},
            {"id": second, "text": "Parking costs two euros an hour.", "type": "text"},
            {"text": "Visitors sign in at reception.", "type": "text"},
        ]
    }
    await w.call(
        "/api/knowledge/review/save",
        {"dataset_id": dataset_id, "review_id": review["review_id"], "doc_tree_json": json.dumps(tree)},
    )
    (saved,) = (
        await w.call(
            "/api/knowledge/review/mget", {"dataset_id": dataset_id, "review_ids": [review["review_id"]]}
        )
    )["reviews"]
    texts = [s["content"] for s in saved["slices"]]
    assert texts == [c["text"] for c in tree["chunks"]]
    assert first not in {s["id"] for s in saved["slices"]}

    made = await w.call(
        "/api/knowledge/document/create",
        {
            "dataset_id": dataset_id,
            "document_bases": [{"name": "", "source_info": {"review_id": review["review_id"]}}],
        },
    )
    (info,) = made["document_infos"]
    assert info["name"] == "notes.txt" and info["chunk_strategy"]["chunk_type"] == 1
    (progress,) = await w.settled([info["document_id"]])
    assert progress["status"] == 1, progress
    listed = await w.call("/api/knowledge/slice/list", {"document_id": info["document_id"], "page_size": 50})
    assert [s["content"] for s in listed["slices"]] == texts  # the reviewed slices, not cut again

    # re-segmenting is a new indexing round: the document is cut from its stored source again
    await w.call(
        "/api/knowledge/document/resegment",
        {"dataset_id": dataset_id, "document_ids": [info["document_id"]], "chunk_strategy": CUSTOM},
    )
    await w.settled([info["document_id"]])
    listed = await w.call("/api/knowledge/slice/list", {"document_id": info["document_id"], "page_size": 50})
    assert [s["content"] for s in listed["slices"]] == TEXT.split("\n\n")


async def test_a_review_from_an_upload_in_cozes_shape(w: KnowledgeWorld) -> None:
    dataset_id = await w.dataset(w.alice)
    uploaded = await w.client.post(
        "/api/bot/upload_file", files={"file": ("guide.md", b"# Guide\n\nDoors close at ten.")}
    )
    upload_uri = uploaded.json()["data"]["upload_uri"]
    made = await w.call(
        "/api/knowledge/review/create",
        {
            "dataset_id": dataset_id,
            "reviews": [{"document_name": "guide.md", "document_type": "md", "tos_uri": upload_uri}],
            "parsing_strategy": {"parsing_type": 0},
        },
    )
    (review,) = made["reviews"]
    assert review["document_name"] == "guide.md" and review["document_type"] == "md"
    assert review["tos_url"] and "Doors close at ten." in review["slices"][0]["content"]
    assert review["slices"][0]["heading_path"] == ["Guide"]


async def test_other_spaces_unknown_and_expired_reviews_are_not_found(
    w: KnowledgeWorld, clock: ShiftedClock
) -> None:
    alices = await w.dataset(w.alice, "Alice's")
    other = await w.dataset(w.alice, "Alice's other")
    review = await _review(w, alices)
    rid = review["review_id"]
    mget, save = "/api/knowledge/review/mget", "/api/knowledge/review/save"
    edit = [{"id": review["slices"][0]["id"], "content": "changed"}]
    # the review named under another of the owner's datasets, or an id that names nothing
    await _refused(w, mget, {"dataset_id": other, "review_ids": [rid]}, 404, 4200)
    await _refused(w, mget, {"dataset_id": alices, "review_ids": [rid, "123456789"]}, 404, 4200)
    await _refused(w, save, {"dataset_id": other, "review_id": rid, "slices": edit}, 404, 4200)

    bobs = await w.dataset(w.bob, "Bob's")
    for body in ({"dataset_id": bobs, "review_ids": [rid]}, {"dataset_id": alices, "review_ids": [rid]}):
        await _refused(w, mget, body, 404, 4200)
    await _refused(w, save, {"dataset_id": bobs, "review_id": rid, "slices": edit}, 404, 4200)
    await _refused(w, save, {"dataset_id": alices, "review_id": rid, "slices": edit}, 404, 4200)
    base = [{"name": "x", "source_info": {"review_id": rid}}]
    await _refused(
        w, "/api/knowledge/document/create", {"dataset_id": bobs, "document_bases": base}, 404, 4200
    )
    listed = await w.call("/api/knowledge/document/list", {"dataset_id": bobs})
    assert listed["total"] == 0

    await w.as_user(w.alice)
    clock.ahead = timedelta(hours=24, seconds=1)
    message = await _refused(w, mget, {"dataset_id": alices, "review_ids": [rid]}, 404, 4200)
    assert "24 hours" in message
    await _refused(w, save, {"dataset_id": alices, "review_id": rid, "slices": edit}, 404, 4200)
    await _refused(
        w, "/api/knowledge/document/create", {"dataset_id": alices, "document_bases": base}, 404, 4200
    )

    # the next review/create sweeps the expired one: its row and its objects are gone
    storage = w.container.storage.object_storage()
    prefix = f"knowledge/{alices}/reviews/{rid}/"
    assert (await storage.list(prefix)).objects
    await _review(w, alices)
    assert not (await storage.list(prefix)).objects
    clock.ahead = timedelta()
    await _refused(w, mget, {"dataset_id": alices, "review_ids": [rid]}, 404, 4200)


async def test_bad_review_bodies_are_refused(w: KnowledgeWorld) -> None:
    dataset_id = await w.dataset(w.alice)
    review = await _review(w, dataset_id)
    rid, create, save = review["review_id"], "/api/knowledge/review/create", "/api/knowledge/review/save"
    bad: list[tuple[str, Any]] = [
        (create, {"dataset_id": dataset_id}),  # neither reviews nor document_base
        (create, {"dataset_id": dataset_id, "reviews": [{"tos_uri": "not-an-upload"}]}),
        (create, {"dataset_id": dataset_id, "reviews": [{"tos_uri": "1"}] * 21}),
        (create, {"dataset_id": dataset_id, "document_base": {"name": "a.txt", "source_info": {}}}),
        ("/api/knowledge/review/mget", {"dataset_id": dataset_id, "review_ids": []}),
        ("/api/knowledge/review/mget", {"dataset_id": dataset_id, "review_ids": 5}),
        ("/api/knowledge/review/mget", {"dataset_id": dataset_id, "review_ids": [rid] * 101}),
        ("/api/knowledge/review/mget", {"dataset_id": dataset_id, "review_ids": ["x1"]}),
        (save, {"dataset_id": dataset_id, "review_id": rid}),
        (save, {"dataset_id": dataset_id, "review_id": rid, "doc_tree_json": "{not json"}),
        (save, {"dataset_id": dataset_id, "review_id": rid, "doc_tree_json": '{"chunks": []}'}),
        (save, {"dataset_id": dataset_id, "review_id": rid, "doc_tree_json": '{"chunks": [{"text": " "}]}'}),
        (save, {"dataset_id": dataset_id, "review_id": rid, "doc_tree_json": "x" * (8 * 1024 * 1024 + 1)}),
        (save, {"dataset_id": dataset_id, "review_id": rid, "slices": [{"id": "99", "content": "new"}]}),
        (save, {"dataset_id": dataset_id, "review_id": rid, "slices": [{"id": "0", "content": ""}]}),
        (
            save,
            {"dataset_id": dataset_id, "review_id": rid, "slices": [{"id": "0", "content": "x" * 10_001}]},
        ),
        (save, {"dataset_id": dataset_id, "review_id": rid, "slices": [{"id": "0", "content": 7}]}),
    ]
    for path, body in bad:
        await _refused(w, path, body, 400, 4000)
    tree = json.dumps({"chunks": [{"id": "0", "text": "a"}, {"id": "0", "text": "b"}]})
    await _refused(w, save, {"dataset_id": dataset_id, "review_id": rid, "doc_tree_json": tree}, 400, 4000)
    # nothing above changed the review
    (same,) = (await w.call("/api/knowledge/review/mget", {"dataset_id": dataset_id, "review_ids": [rid]}))[
        "reviews"
    ]
    assert same["slices"] == review["slices"]
    table = await w.dataset(w.alice, "sheet", format_type=1)
    base = {"name": "a.txt", "source_info": {"custom_content": "x"}}
    await _refused(w, create, {"dataset_id": table, "document_base": base}, 400, 4000)


def _csv(text: str) -> dict[str, Any]:
    return {"file_base64": base64.b64encode(text.encode()).decode(), "file_type": "csv"}


async def test_a_sheet_is_checked_against_the_first_ready_tables_columns(w: KnowledgeWorld) -> None:
    table = await w.dataset(w.alice, "staff", format_type=1)
    validate = "/api/knowledge/table_schema/validate"
    fits = _csv("name,age,city\nEve,44,Oslo\n")
    # no ready document yet: there is no schema to miss
    assert (await w.call(validate, {"dataset_id": table, "source_file": fits}))["column_valid_result"] == {}

    first = await w.call(
        "/api/knowledge/document/create",
        {
            "dataset_id": table,
            "document_bases": [{"name": "staff.csv", "source_info": _csv("name,age\nAnn,31\n")}],
        },
    )
    document_id = first["document_infos"][0]["document_id"]
    (progress,) = await w.settled([document_id])
    assert progress["status"] == 1, progress

    body = {"space_id": str(w.alice.space_id), "document_id": document_id, "source_file": fits}
    assert (await w.call(validate, body))["column_valid_result"] == {}
    wrong = _csv("name,city,age\nBob,Rome,old\n")
    result = (await w.call(validate, {**body, "source_file": wrong}))["column_valid_result"]
    assert set(result) == {"age"} and "integer" in result["age"]
    missing = _csv("full name,age\nBob,30\n")
    result = (await w.call(validate, {**body, "source_file": missing}))["column_valid_result"]
    assert result == {"name": "column not found in provided data"}

    # document/create refuses the sheet that does not fit, with the reasons, storing nothing
    bases = [
        {"name": "more.csv", "source_info": fits},
        {"name": "bad.csv", "source_info": missing},
    ]
    message = await _refused(
        w, "/api/knowledge/document/create", {"dataset_id": table, "document_bases": bases}, 400, 4000
    )
    assert "bad.csv" in message and "name: column not found" in message
    assert (await w.call("/api/knowledge/document/list", {"dataset_id": table}))["total"] == 1
    storage = w.container.storage.object_storage()
    keys = [o.key for o in (await storage.list(f"knowledge/{table}/")).objects]
    assert all(k.startswith(f"knowledge/{table}/{document_id}/") for k in keys), keys
    await w.call("/api/knowledge/document/create", {"dataset_id": table, "document_bases": bases[:1]})

    for refused in (
        {**body, "table_sheet": {"sheet_id": "1", "header_line_idx": "0", "start_line_idx": "1"}},
        {"document_id": document_id},
        {"source_file": fits},
        {"dataset_id": await w.dataset(w.alice, "text"), "source_file": fits},
    ):
        await _refused(w, validate, refused, 400, 4000)
    await w.as_user(w.bob)
    await _refused(w, validate, body, 404, 4200)
    await _refused(w, validate, {"dataset_id": table, "source_file": fits}, 404, 4200)
    await _refused(w, validate, {**body, "space_id": str(w.bob.space_id)}, 404, 4200)


async def test_default_icons_are_the_web_apps_own_files(w: KnowledgeWorld) -> None:
    await w.as_user(w.alice)
    urls = set()
    for format_type in (0, 1, 2):
        icon = (await w.call("/api/knowledge/icon/get", {"format_type": format_type}))["icon"]
        assert icon["url"] == icon["uri"] and icon["url"].startswith("/assets/")
        assert (WEB_ASSETS / icon["url"].removeprefix("/assets/")).read_text().startswith("<svg")
        urls.add(icon["url"])
    assert len(urls) == 3
    await _refused(w, "/api/knowledge/icon/get", {"format_type": 7}, 400, 4000)
    await _refused(w, "/api/knowledge/icon/get", {"format_type": "text"}, 400, 4000)
