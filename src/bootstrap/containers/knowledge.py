from __future__ import annotations

from dependency_injector import containers, providers

from application.knowledge.access import KnowledgeAccess
from application.knowledge.captions import ImageCaptioner
from application.knowledge.cleanup import KnowledgeCleanup, SliceReindexer
from application.knowledge.datasets import DatasetService
from application.knowledge.documents import DocumentService
from application.knowledge.indexing import ATTEMPTS, IndexingJob
from application.knowledge.nl2sql import SheetQuestions
from application.knowledge.photos import PhotoService
from application.knowledge.reembedding import ReembeddingJob
from application.knowledge.retrieval import RetrievalService
from application.knowledge.reviews import ReviewService
from application.knowledge.slices import SliceService
from application.knowledge.sources import SourceReader
from application.knowledge.table_schema import TableSchemaService
from crossdomain.audit import AuditRecorder
from crossdomain.modelmgr import EmbeddingModelCatalog, VisionModelCatalog
from crossdomain.permission import PermissionChecker
from crossdomain.space import SpaceMembership
from crossdomain.upload import UploadedFiles
from domain.common.eventbus import Consumer
from domain.common.fulltext import FullTextIndex
from domain.common.llm import ModelRuntime
from domain.common.outbound import OutboundClient
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from domain.common.storage import ObjectStorage
from domain.common.vectors import VectorStore
from domain.knowledge.events import DocumentQueued, EmbeddingModelChanged, KnowledgeRemoved, SliceChanged
from domain.knowledge.parsed import ParseLimits
from infra.knowledge.parsing import FileParser
from infra.knowledge.parsing.fitting import PillowImageFitter
from infra.knowledge.sheet_sql import SqliteSheetQueries
from infra.knowledge.slice_index import StoreSliceIndex
from infra.persistence.knowledge import (
    SqlDatasetRepository,
    SqlDocumentRepository,
    SqlReviewRepository,
    SqlSliceRepository,
)

GROUP = "knowledge"


class KnowledgeContainer(containers.DeclarativeContainer):
    """Context knowledge: datasets, documents, slices, the indexing consumers and retrieval."""

    uow: providers.Dependency[UnitOfWorkFactory] = providers.Dependency()
    ids: providers.Dependency[IdGenerator] = providers.Dependency()
    clock: providers.Dependency[Clock] = providers.Dependency()
    audit: providers.Dependency[AuditRecorder] = providers.Dependency()
    permissions: providers.Dependency[PermissionChecker] = providers.Dependency()
    membership: providers.Dependency[SpaceMembership] = providers.Dependency()
    files: providers.Dependency[UploadedFiles] = providers.Dependency()
    embedding_models: providers.Dependency[EmbeddingModelCatalog] = providers.Dependency()
    vision_models: providers.Dependency[VisionModelCatalog] = providers.Dependency()
    runtime: providers.Dependency[ModelRuntime] = providers.Dependency()
    storage: providers.Dependency[ObjectStorage] = providers.Dependency()
    vectors: providers.Dependency[VectorStore] = providers.Dependency()
    fulltext: providers.Dependency[FullTextIndex] = providers.Dependency()
    outbound: providers.Dependency[OutboundClient] = providers.Dependency()
    max_file_bytes: providers.Dependency[int] = providers.Dependency()
    max_pages: providers.Dependency[int] = providers.Dependency()
    max_rows: providers.Dependency[int] = providers.Dependency()

    datasets = providers.Singleton(SqlDatasetRepository)
    documents = providers.Singleton(SqlDocumentRepository)
    slices = providers.Singleton(SqlSliceRepository)
    reviews = providers.Singleton(SqlReviewRepository)
    index = providers.Singleton(StoreSliceIndex, vectors=vectors, fulltext=fulltext)
    parser = providers.Singleton(FileParser)
    limits = providers.Singleton(
        ParseLimits, max_bytes=max_file_bytes, max_pages=max_pages, max_rows=max_rows
    )
    captioner = providers.Singleton(
        ImageCaptioner,
        runtime=runtime,
        vision=vision_models,
        fitter=providers.Singleton(PillowImageFitter),
        limits=limits,
    )
    access = providers.Singleton(
        KnowledgeAccess, datasets=datasets, membership=membership, permissions=permissions
    )

    dataset_service = providers.Singleton(
        DatasetService,
        uow=uow,
        datasets=datasets,
        documents=documents,
        access=access,
        embeddings=embedding_models,
        runtime=runtime,
        audit=audit,
        ids=ids,
        clock=clock,
    )
    sources = providers.Singleton(
        SourceReader, storage=storage, files=files, outbound=outbound, limits=limits
    )
    review_service = providers.Singleton(
        ReviewService,
        uow=uow,
        reviews=reviews,
        access=access,
        sources=sources,
        parser=parser,
        storage=storage,
        limits=limits,
        ids=ids,
        clock=clock,
    )
    table_schema_service = providers.Singleton(
        TableSchemaService,
        uow=uow,
        documents=documents,
        access=access,
        sources=sources,
        parser=parser,
        limits=limits,
    )
    document_service = providers.Singleton(
        DocumentService,
        uow=uow,
        documents=documents,
        access=access,
        storage=storage,
        files=files,
        limits=limits,
        ids=ids,
        clock=clock,
        reviews=review_service,
        parser=parser,
    )
    slice_service = providers.Singleton(
        SliceService, uow=uow, documents=documents, slices=slices, access=access
    )
    photo_service = providers.Singleton(
        PhotoService, uow=uow, documents=documents, access=access, storage=storage, captioner=captioner
    )
    sheets = providers.Singleton(
        SheetQuestions,
        uow=uow,
        documents=documents,
        slices=slices,
        runtime=runtime,
        queries=providers.Singleton(SqliteSheetQueries),
    )
    retrieval = providers.Singleton(
        RetrievalService,
        uow=uow,
        datasets=datasets,
        documents=documents,
        slices=slices,
        index=index,
        runtime=runtime,
        access=access,
        embeddings=embedding_models,
        sheets=sheets,
    )
    indexing = providers.Singleton(
        IndexingJob,
        uow=uow,
        datasets=datasets,
        documents=documents,
        slices=slices,
        index=index,
        storage=storage,
        outbound=outbound,
        parser=parser,
        runtime=runtime,
        limits=limits,
        clock=clock,
        captioner=captioner,
    )
    cleanup = providers.Singleton(KnowledgeCleanup, index=index, storage=storage)
    reindexer = providers.Singleton(
        SliceReindexer, uow=uow, datasets=datasets, slices=slices, index=index, runtime=runtime
    )

    reembedding = providers.Singleton(
        ReembeddingJob,
        uow=uow,
        datasets=datasets,
        documents=documents,
        slices=slices,
        index=index,
        runtime=runtime,
        embeddings=embedding_models,
        clock=clock,
    )

    consumers = providers.List(
        providers.Factory(
            Consumer,
            topic=DocumentQueued.topic,
            group=GROUP,
            handler=indexing.provided.handle,
            max_attempts=ATTEMPTS,
        ),
        providers.Factory(
            Consumer, topic=KnowledgeRemoved.topic, group=GROUP, handler=cleanup.provided.handle
        ),
        providers.Factory(Consumer, topic=SliceChanged.topic, group=GROUP, handler=reindexer.provided.handle),
        providers.Factory(
            Consumer, topic=EmbeddingModelChanged.topic, group=GROUP, handler=reembedding.provided.handle
        ),
    )
