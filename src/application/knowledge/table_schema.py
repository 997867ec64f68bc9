"""A table knowledge base's schema and whether a new sheet fits it (Coze's table_schema/validate);
document/create refuses a sheet that does not fit, before anything is stored."""

from __future__ import annotations

import asyncio

from application.common.actor import Actor, require_scope
from application.knowledge.access import KnowledgeAccess, KnowledgeAction
from application.knowledge.inputs import DocumentInput
from application.knowledge.sources import SourceReader
from domain.common.access import Scope
from domain.common.ports import UnitOfWorkFactory
from domain.knowledge.entities import Dataset, DocumentStatus
from domain.knowledge.errors import DatasetNotFound, DocumentNotFound, InvalidKnowledgeRequest, WrongFormat
from domain.knowledge.parsed import DocumentParser, FormatType, ParsedTable, ParseLimits, TableColumn
from domain.knowledge.ports import DocumentRepository
from domain.knowledge.table_schema import mismatches

DEFAULT_SHEET = (0, 0, 1)


async def dataset_schema(documents: DocumentRepository, dataset_id: int) -> tuple[TableColumn, ...]:
    """The columns of the dataset's first (oldest) ready table document; () while it has none."""
    ready = [d for d in await documents.in_dataset(dataset_id) if d.status is DocumentStatus.READY]
    ready = [d for d in ready if d.columns]
    first = min(ready, key=lambda d: (d.created_at, d.id), default=None)
    return () if first is None else first.columns


async def sheet_columns(
    parser: DocumentParser, data: bytes, file_type: str, limits: ParseLimits
) -> tuple[TableColumn, ...]:
    parsed = await asyncio.to_thread(parser.parse, data, file_type, limits)
    if not isinstance(parsed, ParsedTable):
        raise WrongFormat(detail="the file is not a table")
    return parsed.columns


class TableSchemaService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        documents: DocumentRepository,
        access: KnowledgeAccess,
        sources: SourceReader,
        parser: DocumentParser,
        limits: ParseLimits,
    ) -> None:
        self._uow, self._documents, self._access = uow, documents, access
        self._sources, self._parser, self._limits = sources, parser, limits

    async def validate(
        self,
        actor: Actor,
        given: DocumentInput | None,
        *,
        sheet: tuple[int, int, int] = DEFAULT_SHEET,
        document_id: int | None = None,
        dataset_id: int | None = None,
        space_id: int | None = None,
    ) -> dict[str, str]:
        """Schema column -> why the file does not fit it; {} when it fits (or there is no schema yet).
        The knowledge base is the one `document_id` belongs to, else `dataset_id`; the file and the
        sheet settings are looked at once the caller is known to see it. `sheet` is Coze's (sheet,
        header row, first data row): the parsers read the first sheet with data, header first."""
        require_scope(actor, Scope.KNOWLEDGE_READ)
        async with self._uow():
            dataset = await self._dataset(actor, document_id, dataset_id)
            if space_id is not None and dataset.space_id != space_id:
                raise DocumentNotFound() if document_id is not None else DatasetNotFound()
            if dataset.format is not FormatType.TABLE:
                raise WrongFormat(detail="table schemas belong to table knowledge bases")
            schema = await dataset_schema(self._documents, dataset.id)
        if sheet != DEFAULT_SHEET:
            raise InvalidKnowledgeRequest(
                detail="the first sheet with data is read, its header in the first row "
                "(sheet 0, header 0, start 1)"
            )
        if given is None:
            raise InvalidKnowledgeRequest(detail="source_file names the file to check")
        source = await self._sources.read(actor, FormatType.TABLE, given)
        columns = await sheet_columns(self._parser, source.data, source.file_type, self._limits)
        return mismatches(schema, columns)

    async def _dataset(self, actor: Actor, document_id: int | None, dataset_id: int | None) -> Dataset:
        if document_id is not None:
            document = await self._documents.get(document_id)
            if document is None:
                raise DocumentNotFound()
            try:
                return await self._access.dataset(actor, document.dataset_id, KnowledgeAction.READ)
            except DatasetNotFound:  # another space's document answers like a missing one
                raise DocumentNotFound() from None
        if dataset_id is None:
            raise InvalidKnowledgeRequest(detail="name the document_id (or dataset_id) to check against")
        return await self._access.dataset(actor, dataset_id, KnowledgeAction.READ)
