"""Image captions from a vision-capable chat model (docs/adr/0060), against a scripted
OpenAI-compatible server on loopback: the image reaches the model downscaled in a data URL, the
answer becomes the document's caption and its searchable slice; a timeout is retried by the job; a
model that keeps failing leaves no caption at all; without a vision model the image stays
uncaptioned; another space's ids are not found."""

from __future__ import annotations

import base64
import io
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from PIL import Image

from bootstrap.settings import Settings
from tests.support.fake_llm import Delay, Reply, ScriptedServer, Status, serving
from tests.support.fake_openai import FakeOpenAI
from tests.support.identity import create_user, sign_in
from tests.support.knowledge_world import KnowledgeWorld, knowledge_world

IMAGE = 2  # Coze's FormatType for image knowledge bases


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    with serving(FakeOpenAI(), "/v1") as fake:
        yield fake


@pytest.fixture
async def w(settings: Settings, server: ScriptedServer) -> AsyncIterator[KnowledgeWorld]:
    server.clear()
    quick = settings.model_copy(update={"eventbus_retry_base_s": 0.05})
    async with knowledge_world(quick) as world:
        yield world


async def add_vision_model(
    w: KnowledgeWorld, url: str, *, vision: bool = True, timeout_s: float = 30
) -> None:
    admin = await create_user(w.settings, superuser=True)
    await sign_in(w.client, admin["email"])
    made = await w.client.post(
        "/api/admin/config/model/create",
        json={
            "model_name": "Fake vision",
            "provider": "openai_compatible",
            "type": 0,
            "capability": {"image_understanding": vision, "function_call": True},
            "connection": {
                "base_conn_info": {"base_url": url, "api_key": "", "model": "fake-vision"},
                "max_retries": 0,
                "timeout_s": timeout_s,
            },
        },
    )
    assert made.status_code == 200, made.text


def png(width: int, height: int) -> str:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (200, 30, 30, 128)).save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


async def add_photo(w: KnowledgeWorld, dataset_id: str, name: str, caption: str | None = None) -> str:
    base: dict[str, Any] = {"name": name, "source_info": {"file_base64": png(1600, 1200), "file_type": "png"}}
    if caption is not None:
        base["caption"] = caption
    made = await w.call(
        "/api/knowledge/document/create", {"dataset_id": dataset_id, "document_bases": [base]}
    )
    return str(made["document_infos"][0]["document_id"])


async def photos(w: KnowledgeWorld, dataset_id: str) -> dict[str, dict[str, Any]]:
    listed = await w.call("/api/knowledge/photo/list", {"dataset_id": dataset_id})
    return {p["document_id"]: p for p in listed["photo_infos"]}


def chat_requests(server: ScriptedServer) -> list[Any]:
    return [r.body for r in server.requests if r.path.endswith("/chat/completions")]


async def search(w: KnowledgeWorld, dataset_id: str, query: str) -> list[str]:
    found = await w.call(
        "/api/knowledge/retrieval/test", {"dataset_ids": [dataset_id], "query": query, "search_type": 1}
    )
    return [s["content"] for s in found["slices"]]


async def test_an_uncaptioned_photo_gets_the_models_caption_and_is_found_by_it(
    w: KnowledgeWorld, server: ScriptedServer
) -> None:
    await add_vision_model(w, server.url)
    server.enqueue(Reply("A red lighthouse on a rocky coast"))
    dataset_id = await w.dataset(w.alice, "Photos", IMAGE)
    document_id = await add_photo(w, dataset_id, "IMG_0042.png")
    manual_id = await add_photo(w, dataset_id, "manual.png", caption="a harbour crane at night")
    assert [r["status"] for r in await w.settled([document_id, manual_id])] == [1, 1]

    (sent,) = chat_requests(server)  # the manual caption asked no model
    assert sent["model"] == "fake-vision"
    (message,) = sent["messages"]
    kinds = [part["type"] for part in message["content"]]
    assert kinds == ["text", "image_url"]
    url = message["content"][1]["image_url"]["url"]
    assert url.startswith("data:image/jpeg;base64,")
    with Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))) as shown:
        assert (shown.format, shown.size) == ("JPEG", (1024, 768))  # downscaled, the aspect kept

    listed = await photos(w, dataset_id)
    assert listed[document_id]["caption"] == "A red lighthouse on a rocky coast"
    assert listed[manual_id]["caption"] == "a harbour crane at night"
    assert await search(w, dataset_id, "lighthouse") == ["A red lighthouse on a rocky coast"]

    detail = await w.call(
        "/api/knowledge/photo/detail", {"dataset_id": dataset_id, "document_ids": [document_id]}
    )
    assert list(detail["photo_infos"]) == [document_id]
    assert detail["photo_infos"][document_id]["caption"] == "A red lighthouse on a rocky coast"

    # Extracting asks the model again and returns its answer; the stored caption stays until saved.
    server.enqueue(Reply("A lighthouse at dusk"))
    extracted = await w.call("/api/knowledge/photo/extract_caption", {"document_id": manual_id})
    assert extracted == {"caption": "A lighthouse at dusk"}
    assert (await photos(w, dataset_id))[manual_id]["caption"] == "a harbour crane at night"


async def test_a_model_timeout_is_retried_by_the_job(w: KnowledgeWorld, server: ScriptedServer) -> None:
    await add_vision_model(w, server.url, timeout_s=0.5)
    server.enqueue(Delay(3), Reply("Two cats asleep on a sofa"))
    dataset_id = await w.dataset(w.alice, "Photos", IMAGE)
    document_id = await add_photo(w, dataset_id, "cats.png")
    assert [r["status"] for r in await w.settled([document_id])] == [1]
    assert len(chat_requests(server)) == 2
    assert (await photos(w, dataset_id))[document_id]["caption"] == "Two cats asleep on a sofa"
    assert await search(w, dataset_id, "cats sofa") == ["Two cats asleep on a sofa"]


async def test_a_model_that_keeps_failing_leaves_no_caption(
    w: KnowledgeWorld, server: ScriptedServer
) -> None:
    await add_vision_model(w, server.url)
    server.enqueue(*[Status(500) for _ in range(10)])
    dataset_id = await w.dataset(w.alice, "Photos", IMAGE)
    document_id = await add_photo(w, dataset_id, "broken.png")
    (row,) = await w.settled([document_id])
    assert (row["status"], row["failure_reason"]) == (9, "indexing_failed")  # after the job's attempts
    assert len(chat_requests(server)) == 5
    assert (await photos(w, dataset_id))[document_id]["caption"] == ""
    server.clear()


async def test_without_a_vision_model_the_photo_stays_uncaptioned(
    w: KnowledgeWorld, server: ScriptedServer
) -> None:
    await add_vision_model(w, server.url, vision=False)  # a chat model, but not one that takes images
    dataset_id = await w.dataset(w.alice, "Photos", IMAGE)
    document_id = await add_photo(w, dataset_id, "harbour.png")
    assert [r["status"] for r in await w.settled([document_id])] == [1]
    assert chat_requests(server) == []
    assert (await photos(w, dataset_id))[document_id]["caption"] == ""
    assert await search(w, dataset_id, "harbour") == ["harbour.png"]  # found by its name, as before
    refused = await w.client.post("/api/knowledge/photo/extract_caption", json={"document_id": document_id})
    assert (refused.status_code, refused.json()["code"]) == (409, 4090)
    assert "image" in refused.json()["msg"]


async def test_another_spaces_photos_are_not_found(w: KnowledgeWorld, server: ScriptedServer) -> None:
    await add_vision_model(w, server.url)
    dataset_id = await w.dataset(w.alice, "Photos", IMAGE)
    document_id = await add_photo(w, dataset_id, "mine.png", caption="mine")
    await w.settled([document_id])
    bobs = await w.dataset(w.bob, "Bob's", IMAGE)
    for path, body in (
        ("/api/knowledge/photo/extract_caption", {"document_id": document_id}),
        ("/api/knowledge/photo/detail", {"dataset_id": dataset_id, "document_ids": [document_id]}),
        ("/api/knowledge/photo/detail", {"dataset_id": bobs, "document_ids": [document_id]}),
    ):
        answer = await w.client.post(path, json=body)
        assert (answer.status_code, answer.json()["code"]) == (404, 4200), (path, body, answer.text)
    assert chat_requests(server) == []
