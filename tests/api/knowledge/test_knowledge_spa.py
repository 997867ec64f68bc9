"""Knowledge bases through the SPA routes, end to end on the real app: create, add documents, the
indexing job (in-process consumers), progress, slices by hand, retrieval test, delete — on SQLite and
MariaDB, with the embedded vector store and full-text index."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator

import pytest

from bootstrap.settings import Settings
from tests.support.knowledge_world import KnowledgeWorld, knowledge_world

TEXT = (
    "# Travel policy\n\nEmployees book flights through the travel desk. Economy class is the default "
    "for flights under six hours.\n\n## Hotels\n\nHotel rooms are reimbursed up to 180 euros a night "
    "in capital cities.\n\n## Meals\n\nMeals on the road are paid with the company card; keep receipts."
)


@pytest.fixture
async def w(settings: Settings) -> AsyncIterator[KnowledgeWorld]:
    async with knowledge_world(settings) as world:
        yield world


async def test_a_text_document_becomes_searchable_slices(w: KnowledgeWorld) -> None:
    dataset_id = await w.dataset(w.alice, "Policies")
    document_id = await w.add_text(
        dataset_id, "travel.md", TEXT, chunk_strategy={"chunk_type": 2, "max_level": 2, "save_title": True}
    )
    (progress,) = await w.settled([document_id])
    assert progress["status"] == 1 and progress["progress"] == 100, progress
    assert progress["slices_done"] == progress["slices_total"] > 0

    slices = await w.call("/api/knowledge/slice/list", {"document_id": document_id, "page_size": 50})
    assert slices["total"] == len(slices["slices"]) >= 2
    hotel = next(s for s in slices["slices"] if "180 euros" in s["content"])
    assert hotel["heading_path"][-1] == "Hotels"

    found = await w.call(
        "/api/knowledge/retrieval/test",
        {"dataset_ids": [dataset_id], "query": "how much is a hotel night reimbursed", "top_k": 3},
    )
    assert found["slices"] and "180 euros" in found["slices"][0]["content"]
    assert 0 < found["slices"][0]["score"] <= 1
    for mode in (0, 1):
        one = await w.call(
            "/api/knowledge/retrieval/test",
            {"dataset_ids": [dataset_id], "query": "hotel rooms reimbursed", "search_type": mode},
        )
        assert any("180 euros" in s["content"] for s in one["slices"]), (mode, one)

    listed = await w.call("/api/knowledge/list", {"space_id": str(w.alice.space_id)})
    (info,) = listed["dataset_list"]
    assert info["doc_count"] == 1 and info["slice_count"] == slices["total"] and info["can_edit"]


async def test_a_slice_edited_by_hand_is_found_by_its_new_text(w: KnowledgeWorld) -> None:
    dataset_id = await w.dataset(w.alice)
    document_id = await w.add_text(dataset_id, "notes.txt", "The canteen opens at eight.\n\nParking is free.")
    await w.settled([document_id])
    first = (await w.call("/api/knowledge/slice/list", {"document_id": document_id}))["slices"][0]
    changed = await w.call(
        "/api/knowledge/slice/update",
        {"slice_id": first["slice_id"], "raw_text": "Bicycles go to the cellar."},
    )
    assert changed["slice"]["edited"]
    added = await w.call(
        "/api/knowledge/slice/create",
        {"document_id": document_id, "raw_text": "Visitors sign in at reception."},
    )
    for query, expected in (
        ("bicycles cellar", changed["slice"]["slice_id"]),
        ("visitors reception", added["slice"]["slice_id"]),
    ):
        hits = await _eventually(w, dataset_id, query, expected)
        assert hits[0]["slice_id"] == expected
    await w.call("/api/knowledge/slice/delete", {"slice_ids": [added["slice"]["slice_id"]]})
    await _eventually(w, dataset_id, "visitors reception", None)


async def _eventually(
    w: KnowledgeWorld, dataset_id: str, query: str, expected: str | None
) -> list[dict[str, object]]:
    for _ in range(400):
        hits = (
            await w.call(
                "/api/knowledge/retrieval/test",
                {"dataset_ids": [dataset_id], "query": query, "search_type": 1, "top_k": 1},
            )
        )["slices"]
        if (expected is None and not any("Visitors" in str(h["content"]) for h in hits)) or (
            expected is not None and hits and hits[0]["slice_id"] == expected
        ):
            return list(hits)
        await asyncio.sleep(0.05)
    raise AssertionError(f"{query!r} never answered {expected!r}")


async def test_a_broken_file_fails_only_its_own_document_with_a_reason(w: KnowledgeWorld) -> None:
    dataset_id = await w.dataset(w.alice)
    good = base64.b64encode(b"Plain text that is fine.").decode()
    broken = base64.b64encode(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ntruncated").decode()
    made = await w.call(
        "/api/knowledge/document/create",
        {
            "dataset_id": dataset_id,
            "document_bases": [
                {"name": "fine.txt", "source_info": {"file_base64": good}},
                {"name": "broken.pdf", "source_info": {"file_base64": broken}},
            ],
        },
    )
    ids = [d["document_id"] for d in made["document_infos"]]
    fine, bad = await w.settled(ids)
    assert fine["status"] == 1
    assert bad["status"] == 9 and bad["failure_reason"] == "broken" and bad["status_descript"]
    docs = await w.call("/api/knowledge/document/list", {"dataset_id": dataset_id})
    assert {d["status"] for d in docs["document_infos"]} == {1, 9} and docs["total"] == 2


async def test_another_spaces_ids_are_not_found(w: KnowledgeWorld) -> None:
    dataset_id = await w.dataset(w.alice)
    document_id = await w.add_text(dataset_id, "a.txt", "Alice's secret plans.")
    await w.settled([document_id])
    await w.as_user(w.bob)
    for path, body in (
        ("/api/knowledge/detail", {"dataset_ids": [dataset_id]}),
        ("/api/knowledge/update", {"dataset_id": dataset_id, "name": "mine"}),
        ("/api/knowledge/delete", {"dataset_id": dataset_id}),
        ("/api/knowledge/document/list", {"dataset_id": dataset_id}),
        ("/api/knowledge/document/progress/get", {"document_ids": [document_id]}),
        ("/api/knowledge/document/delete", {"document_ids": [document_id]}),
        ("/api/knowledge/slice/list", {"document_id": document_id}),
        ("/api/knowledge/retrieval/test", {"dataset_ids": [dataset_id], "query": "plans"}),
        (
            "/api/knowledge/document/create",
            {
                "dataset_id": dataset_id,
                "document_bases": [{"name": "x", "source_info": {"custom_content": "x"}}],
            },
        ),
    ):
        answer = await w.client.post(path, json=body)
        assert (answer.status_code, answer.json()["code"]) == (404, 4200), (path, answer.text)
    await w.as_user(w.alice)
    assert (await w.call("/api/knowledge/detail", {"dataset_ids": [dataset_id]}))["dataset_details"]


async def test_bad_input_is_refused_and_stores_nothing(w: KnowledgeWorld) -> None:
    dataset_id = await w.dataset(w.alice)
    table_id = await w.dataset(w.alice, "sheet", format_type=1)
    cases = [
        ("/api/knowledge/retrieval/test", {"dataset_ids": [dataset_id], "query": "q" * 100_000}),
        ("/api/knowledge/create", {"space_id": str(w.alice.space_id), "name": ""}),
        ("/api/knowledge/create", {"space_id": str(w.alice.space_id), "name": "x", "format_type": 7}),
        ("/api/knowledge/document/create", {"dataset_id": dataset_id, "document_bases": []}),
        (
            "/api/knowledge/document/create",
            {
                "dataset_id": dataset_id,
                "document_bases": [{"name": "x.exe", "source_info": {"file_base64": "AAAA"}}],
            },
        ),
        (
            "/api/knowledge/document/create",
            {
                "dataset_id": table_id,
                "document_bases": [{"name": "x.pdf", "source_info": {"file_base64": "AAAA"}}],
            },
        ),
        (
            "/api/knowledge/document/create",
            {
                "dataset_id": dataset_id,
                "document_bases": [{"name": "x.txt", "source_info": {"file_base64": "@@"}}],
            },
        ),
        (
            "/api/knowledge/document/create",
            {
                "dataset_id": dataset_id,
                "document_bases": [{"name": "p", "source_info": {"web_url": "ftp://x/y"}}],
            },
        ),
        (
            "/api/knowledge/document/create",
            {
                "dataset_id": dataset_id,
                "document_bases": [{"name": "x", "source_info": {"custom_content": "x"}}],
                "chunk_strategy": {"chunk_type": 1, "max_tokens": 10},
            },
        ),
    ]
    for path, body in cases:
        answer = await w.client.post(path, json=body)
        assert (answer.status_code, answer.json()["code"]) == (400, 4000), (path, answer.text)
    docs = await w.call("/api/knowledge/document/list", {"dataset_id": dataset_id})
    assert docs["total"] == 0


async def test_deleting_a_dataset_removes_its_index_and_files(w: KnowledgeWorld) -> None:
    dataset_id = await w.dataset(w.alice)
    document_id = await w.add_text(dataset_id, "a.txt", "Something to find later.")
    await w.settled([document_id])
    storage = w.container.storage.object_storage()
    assert (await storage.list(f"knowledge/{dataset_id}/")).objects
    await w.call("/api/knowledge/delete", {"dataset_id": dataset_id})
    vectors = w.container.vectors.store()
    for _ in range(400):
        gone = not await vectors.has_collection(f"kb_{dataset_id}_v1")
        if gone and not (await storage.list(f"knowledge/{dataset_id}/")).objects:
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the collection or the files outlived the dataset")
    answer = await w.client.post("/api/knowledge/detail", json={"dataset_ids": [dataset_id]})
    assert answer.status_code == 404


async def test_a_web_page_on_a_private_address_fails_with_the_guards_reason(w: KnowledgeWorld) -> None:
    # The guard decides on the resolved address before connecting: nothing is ever sent there.
    dataset_id = await w.dataset(w.alice)
    made = await w.call(
        "/api/knowledge/document/create",
        {
            "dataset_id": dataset_id,
            "document_bases": [
                {"name": "metadata", "source_info": {"web_url": "http://169.254.169.254/latest/meta-data/"}},
                {"name": "loopback", "source_info": {"web_url": "http://127.0.0.1:9/admin"}},
            ],
        },
    )
    rows = await w.settled([d["document_id"] for d in made["document_infos"]])
    for row in rows:
        assert row["status"] == 9 and row["failure_reason"] == "fetch_failed", row
        assert row["status_descript"]
