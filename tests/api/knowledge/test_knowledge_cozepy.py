"""The token API for knowledge with cozepy 0.20.0, unmodified: datasets, documents (the current
`datasets.documents` and the deprecated `knowledge.documents`), progress, images, and scopes."""

from __future__ import annotations

import asyncio
import base64
import io
import warnings
from collections.abc import AsyncIterator

import httpx
import pytest
from PIL import Image

from bootstrap.settings import Settings
from tests.support.knowledge_world import KnowledgeWorld, Member, knowledge_world

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # authlib's deprecation notice on import
    from cozepy import (
        AsyncCoze,
        AsyncHTTPClient,
        AsyncTokenAuth,
        CozeAPIError,
        DocumentBase,
        DocumentChunkStrategy,
        DocumentFormatType,
        DocumentSourceInfo,
        DocumentStatus,
    )


@pytest.fixture
async def w(settings: Settings) -> AsyncIterator[KnowledgeWorld]:
    async with knowledge_world(settings) as world:
        yield world


def sdk(w: KnowledgeWorld, token: str) -> AsyncCoze:
    transport: httpx.AsyncBaseTransport = w.client._transport  # type: ignore[attr-defined]
    return AsyncCoze(
        auth=AsyncTokenAuth(token),
        base_url="http://testserver.local",
        http_client=AsyncHTTPClient(transport=transport),
    )


async def _until_done(coze: AsyncCoze, dataset_id: str, ids: list[str]) -> list[DocumentStatus]:
    for _ in range(600):
        progress = await coze.datasets.process(dataset_id=dataset_id, document_ids=ids)
        statuses = [p.status for p in progress]
        if DocumentStatus.PROCESSING not in statuses:
            return statuses
        await asyncio.sleep(0.05)
    raise AssertionError("documents never finished")


async def test_datasets_and_documents_through_cozepy(w: KnowledgeWorld) -> None:
    coze = sdk(w, w.alice.token)
    space = str(w.alice.space_id)
    made = await coze.datasets.create(
        name="Handbook", space_id=space, format_type=DocumentFormatType.DOCUMENT
    )
    listed = [d async for d in await coze.datasets.list(space_id=space, page_size=5)]
    assert [d.dataset_id for d in listed] == [made.dataset_id] and listed[0].name == "Handbook"
    await coze.datasets.update(dataset_id=made.dataset_id, name="Staff handbook", description="rules")
    again = [d async for d in await coze.datasets.list(space_id=space, name="staff")]
    assert again[0].name == "Staff handbook" and again[0].description == "rules"

    docs = await coze.datasets.documents.create(
        dataset_id=made.dataset_id,
        document_bases=[
            DocumentBase(
                name="leave.txt", source_info=DocumentSourceInfo.build_local_file("Annual leave is 25 days.")
            ),
            DocumentBase(
                name="desk.md", source_info=DocumentSourceInfo.build_local_file("# Desks\n\nHot desks.", "md")
            ),
        ],
        chunk_strategy=DocumentChunkStrategy.build_custom(200, "\n\n"),
    )
    ids = [d.document_id for d in docs]
    assert len(ids) == 2 and all(d.status == DocumentStatus.PROCESSING for d in docs)
    assert await _until_done(coze, made.dataset_id, ids) == [DocumentStatus.COMPLETED] * 2

    page = [d async for d in await coze.datasets.documents.list(dataset_id=made.dataset_id, page_size=1)]
    assert sorted(d.document_id for d in page) == sorted(ids)
    assert all(d.slice_count >= 1 and d.char_count > 0 for d in page)
    await coze.datasets.documents.update(document_id=ids[0], document_name="leave policy.txt")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        old = [d async for d in await coze.knowledge.documents.list(dataset_id=made.dataset_id)]
        assert "leave policy.txt" in {d.name for d in old}
        await coze.knowledge.documents.delete(document_ids=[ids[1]])
    await coze.datasets.documents.delete(document_ids=[ids[0]])
    remaining = [d async for d in await coze.datasets.documents.list(dataset_id=made.dataset_id)]
    assert remaining == []
    await coze.datasets.delete(dataset_id=made.dataset_id)
    assert [d async for d in await coze.datasets.list(space_id=space)] == []


async def test_image_captions_through_cozepy(w: KnowledgeWorld) -> None:
    coze = sdk(w, w.alice.token)
    made = await coze.datasets.create(
        name="Photos", space_id=str(w.alice.space_id), format_type=DocumentFormatType.IMAGE
    )
    png = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 10, 10)).save(png, "PNG")
    source = DocumentSourceInfo(file_base64=base64.b64encode(png.getvalue()).decode(), file_type="png")
    (doc,) = await coze.datasets.documents.create(
        dataset_id=made.dataset_id, document_bases=[DocumentBase(name="red.png", source_info=source)]
    )
    await _until_done(coze, made.dataset_id, [doc.document_id])
    await coze.datasets.images.update(
        dataset_id=made.dataset_id, document_id=doc.document_id, caption="a red square"
    )
    await _until_done(coze, made.dataset_id, [doc.document_id])
    photos = [p async for p in await coze.datasets.images.list(dataset_id=made.dataset_id, has_caption=True)]
    assert [(p.document_id, p.caption) for p in photos] == [(doc.document_id, "a red square")]
    none = [p async for p in await coze.datasets.images.list(dataset_id=made.dataset_id, keyword="blue")]
    assert none == []


async def test_scopes_and_other_spaces(w: KnowledgeWorld) -> None:
    alice = sdk(w, w.alice.token)
    made = await alice.datasets.create(
        name="Mine", space_id=str(w.alice.space_id), format_type=DocumentFormatType.DOCUMENT
    )
    bob = sdk(w, w.bob.token)
    with pytest.raises(CozeAPIError) as refused:
        await bob.datasets.update(dataset_id=made.dataset_id, name="taken")
    assert refused.value.code == 4200
    with pytest.raises(CozeAPIError) as refused:
        await bob.datasets.documents.create(
            dataset_id=made.dataset_id,
            document_bases=[DocumentBase(name="x.txt", source_info=DocumentSourceInfo.build_local_file("x"))],
        )
    assert refused.value.code == 4200
    reader = sdk(w, await _token(w, w.alice, ["knowledge:read"]))
    assert [d async for d in await reader.datasets.list(space_id=str(w.alice.space_id))]
    with pytest.raises(CozeAPIError) as refused:
        await reader.datasets.delete(dataset_id=made.dataset_id)
    assert refused.value.code == 4101
    chat_only = sdk(w, await _token(w, w.alice, ["chat"]))
    with pytest.raises(CozeAPIError) as refused:
        await chat_only.datasets.list(space_id=str(w.alice.space_id))
    assert refused.value.code == 4101


async def _token(w: KnowledgeWorld, who: Member, scopes: list[str]) -> str:
    await w.as_user(who)
    made = await w.call(
        "/api/permission_api/pat/create_personal_access_token_and_permission",
        {"name": "scoped", "duration_day": "1", "scopes": scopes},
    )
    return str(made["token"])
