"""Changing a knowledge base's embedding model re-embeds its slices in the background: the old
index keeps answering meanwhile, then the dataset switches to the new model's collection."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from application.modelmgr.dto import ModelSpec
from bootstrap.container import build_container
from bootstrap.runtime import Runtime
from bootstrap.settings import Settings
from domain.modelmgr.values import Capabilities, ModelKind
from tests.support.knowledge_world import KnowledgeWorld, knowledge_world


@pytest.fixture
async def w(settings: Settings) -> AsyncIterator[KnowledgeWorld]:
    async with knowledge_world(settings) as world:
        yield world


async def _second_embedding_model(settings: Settings) -> int:
    """Registered with a container of its own: the app's engine belongs to the app's event loop."""
    container = build_container(settings)
    runtime = Runtime(container, role="test")
    await runtime.start()
    try:
        made = await container.models.admin_service().create(
            None,
            ModelSpec(
                kind=ModelKind.TEXT_EMBEDDING,
                provider="builtin",
                name="hash-64",
                model="builtin-hash",
                capabilities=Capabilities(embedding_dimension=64),
            ),
        )
    finally:
        await runtime.stop()
    return made.id


async def test_a_new_embedding_model_takes_over_without_a_gap(w: KnowledgeWorld) -> None:
    dataset_id = await w.dataset(w.alice, "Switching")
    document_id = await w.add_text(dataset_id, "a.txt", "The library closes at nine on Fridays.")
    await w.settled([document_id])
    other_id = await _second_embedding_model(w.settings)
    await w.call("/api/knowledge/update", {"dataset_id": dataset_id, "embedding_model_id": str(other_id)})
    vectors = w.container.vectors.store()
    for _ in range(400):
        info = (await w.call("/api/knowledge/detail", {"dataset_ids": [dataset_id]}))["dataset_details"][
            dataset_id
        ]
        found = await w.call(
            "/api/knowledge/retrieval/test",
            {"dataset_ids": [dataset_id], "query": "when does the library close"},
        )
        assert found["slices"], "the knowledge base stopped answering during the switch"
        if info["embedding_model_id"] == str(other_id):
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the dataset never switched models")
    assert (await vectors.describe_collection(f"kb_{dataset_id}_v2")).dimension == 64
    for _ in range(200):
        if not await vectors.has_collection(f"kb_{dataset_id}_v1"):
            break
        await asyncio.sleep(0.05)
    assert not await vectors.has_collection(f"kb_{dataset_id}_v1")
