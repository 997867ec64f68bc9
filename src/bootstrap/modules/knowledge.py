"""Knowledge bases: datasets, documents, slices, the indexing consumers and retrieval."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dependency_injector import providers

from api import knowledge_errors
from api.openapi import datasets
from api.web import knowledge, knowledge_photos, knowledge_reviews, knowledge_slices
from bootstrap.containers.knowledge import KnowledgeContainer
from bootstrap.modules.base import ContextModule, Kernel, Routes, wire
from crossdomain.knowledge import KnowledgeRetriever

if TYPE_CHECKING:
    from bootstrap.container import Container


def _containers(c: Container, kernel: Kernel) -> dict[str, providers.Container[Any]]:
    settings = c.settings.provided
    knowledge = wire(
        KnowledgeContainer,
        kernel,
        membership=c.identity.space_service,
        files=c.upload.uploaded_files,
        embedding_models=c.models.embedding_models,
        vision_models=c.models.vision_models,
        runtime=c.models.runtime,
        storage=c.storage.object_storage,
        vectors=c.vectors.store,
        fulltext=c.fulltext.index,
        outbound=c.outbound,
        max_file_bytes=settings.knowledge_max_file_bytes,
        max_pages=settings.knowledge_max_pages,
        max_rows=settings.knowledge_max_rows,
    )
    return {"knowledge": knowledge}


MODULE = ContextModule(
    name="knowledge",
    routes=Routes(
        token_api=datasets.ROUTES,
        web=[
            *knowledge.ROUTES,
            *knowledge_slices.ROUTES,
            *knowledge_photos.ROUTES,
            *knowledge_reviews.ROUTES,
        ],
    ),
    errors=knowledge_errors.ERRORS,
    messages=knowledge_errors.MESSAGES,
    dependencies=lambda c: {
        "dataset_service": c.knowledge.dataset_service,
        "document_service": c.knowledge.document_service,
        "slice_service": c.knowledge.slice_service,
        "retrieval_service": c.knowledge.retrieval,
        "photo_service": c.knowledge.photo_service,
        "review_service": c.knowledge.review_service,
        "table_schema_service": c.knowledge.table_schema_service,
    },
    consumers=lambda c: list(c.knowledge.consumers.args),
    crossdomain=lambda c: {KnowledgeRetriever: c.knowledge.retrieval},
    containers=_containers,
)
