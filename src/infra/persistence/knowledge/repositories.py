"""Repositories of the knowledge context over the rows in `rows.py` (inside a unit of work)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, insert, or_, select, update

from domain.knowledge.entities import Dataset, Document, DocumentStatus, Slice
from domain.knowledge.ports import DatasetQuery, DatasetTotals
from domain.knowledge.sheets import Cells
from infra.persistence.knowledge.rows import (
    DatasetRow,
    DocumentRow,
    SliceRow,
    dataset_values,
    document_values,
    slice_values,
)
from infra.persistence.paging import counted_page
from infra.persistence.uow import current_session

_BUSY = (DocumentStatus.QUEUED.value, DocumentStatus.PROCESSING.value)


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class SqlDatasetRepository:
    async def add(self, dataset: Dataset) -> None:
        current_session().add(DatasetRow(id=dataset.id, **dataset_values(dataset)))

    async def get(self, dataset_id: int, *, for_update: bool = False) -> Dataset | None:
        query = select(DatasetRow).where(DatasetRow.id == dataset_id)
        if for_update:
            query = query.with_for_update()
        row = (await current_session().execute(query)).scalar_one_or_none()
        return None if row is None else row.to_entity()

    async def save(self, dataset: Dataset) -> None:
        values = dataset_values(dataset)
        await current_session().execute(update(DatasetRow).where(DatasetRow.id == dataset.id).values(values))

    async def delete(self, dataset_id: int) -> None:
        session = current_session()
        # Explicit, not only ON DELETE CASCADE: SQLite enforces foreign keys per connection setting.
        documents = select(DocumentRow.id).where(DocumentRow.dataset_id == dataset_id)
        await session.execute(delete(SliceRow).where(SliceRow.document_id.in_(documents)))
        await session.execute(delete(DocumentRow).where(DocumentRow.dataset_id == dataset_id))
        await session.execute(delete(DatasetRow).where(DatasetRow.id == dataset_id))

    async def page(self, query: DatasetQuery) -> tuple[list[Dataset], int]:
        where = [DatasetRow.space_id == query.space_id]
        if query.name:
            where.append(func.lower(DatasetRow.name).like(_like(query.name), escape="\\"))
        if query.format is not None:
            where.append(DatasetRow.format == int(query.format))
        order = (DatasetRow.updated_at.desc(), DatasetRow.id.desc())
        return await counted_page(DatasetRow, where, order, (query.page - 1) * query.size, query.size)


class SqlDocumentRepository:
    async def add(self, document: Document) -> None:
        current_session().add(DocumentRow(id=document.id, **document_values(document)))

    async def get(self, document_id: int, *, for_update: bool = False) -> Document | None:
        query = select(DocumentRow).where(DocumentRow.id == document_id)
        if for_update:
            query = query.with_for_update()
        row = (await current_session().execute(query)).scalar_one_or_none()
        return None if row is None else row.to_entity()

    async def get_many(self, document_ids: Sequence[int]) -> list[Document]:
        if not document_ids:
            return []
        rows = await current_session().execute(
            select(DocumentRow).where(DocumentRow.id.in_(list(document_ids)))
        )
        return [r.to_entity() for r in rows.scalars()]

    async def save(self, document: Document) -> None:
        await current_session().execute(
            update(DocumentRow).where(DocumentRow.id == document.id).values(document_values(document))
        )

    async def delete(self, document_id: int) -> None:
        session = current_session()
        await session.execute(delete(SliceRow).where(SliceRow.document_id == document_id))
        await session.execute(delete(DocumentRow).where(DocumentRow.id == document_id))

    async def page(
        self, dataset_id: int, page: int, size: int, *, keyword: str = "", has_caption: bool | None = None
    ) -> tuple[list[Document], int]:
        where = [DocumentRow.dataset_id == dataset_id]
        if keyword:
            pattern = _like(keyword)
            where.append(
                or_(
                    func.lower(DocumentRow.name).like(pattern, escape="\\"),
                    func.lower(DocumentRow.caption).like(pattern, escape="\\"),
                )
            )
        if has_caption is not None:
            where.append(DocumentRow.caption != "" if has_caption else DocumentRow.caption == "")
        order = (DocumentRow.created_at.desc(), DocumentRow.id.desc())
        return await counted_page(DocumentRow, where, order, (page - 1) * size, size)

    async def in_dataset(self, dataset_id: int) -> list[Document]:
        rows = await current_session().execute(
            select(DocumentRow).where(DocumentRow.dataset_id == dataset_id).order_by(DocumentRow.id)
        )
        return [r.to_entity() for r in rows.scalars()]

    async def totals(self, dataset_ids: Sequence[int]) -> dict[int, DatasetTotals]:
        if not dataset_ids:
            return {}
        session = current_session()
        sums = await session.execute(
            select(
                DocumentRow.dataset_id,
                func.count(),
                func.coalesce(func.sum(DocumentRow.slice_count), 0),
                func.coalesce(func.sum(DocumentRow.size), 0),
                func.coalesce(func.sum(DocumentRow.hit_count), 0),
            )
            .where(DocumentRow.dataset_id.in_(list(dataset_ids)))
            .group_by(DocumentRow.dataset_id)
        )
        flagged = await session.execute(
            select(DocumentRow.dataset_id, DocumentRow.id, DocumentRow.status).where(
                DocumentRow.dataset_id.in_(list(dataset_ids)),
                DocumentRow.status.in_([*_BUSY, DocumentStatus.FAILED.value]),
            )
        )
        busy: dict[int, list[int]] = {}
        failed: dict[int, list[int]] = {}
        for dataset_id, document_id, status in flagged:
            (busy if status in _BUSY else failed).setdefault(dataset_id, []).append(document_id)
        return {
            dataset_id: DatasetTotals(
                int(count),
                int(slices),
                int(size),
                int(hits),
                tuple(busy.get(dataset_id, ())),
                tuple(failed.get(dataset_id, ())),
            )
            for dataset_id, count, slices, size, hits in sums
        }

    async def count_with_status(self, dataset_id: int, statuses: Sequence[DocumentStatus]) -> int:
        query = select(func.count()).where(
            DocumentRow.dataset_id == dataset_id, DocumentRow.status.in_([s.value for s in statuses])
        )
        return int((await current_session().execute(query)).scalar_one())


class SqlSliceRepository:
    async def replace_generation(self, document_id: int, generation: int, slices: Sequence[Slice]) -> None:
        session = current_session()
        await session.execute(delete(SliceRow).where(SliceRow.document_id == document_id))
        for start in range(0, len(slices), 500):
            batch = [slice_values(s) for s in slices[start : start + 500]]
            await session.execute(insert(SliceRow), batch)

    async def add(self, slice_: Slice) -> None:
        current_session().add(SliceRow(**slice_values(slice_)))

    async def get(self, slice_id: str) -> Slice | None:
        row = await current_session().get(SliceRow, slice_id)
        return None if row is None else row.to_entity()

    async def get_many(self, slice_ids: Sequence[str]) -> list[Slice]:
        if not slice_ids:
            return []
        rows = await current_session().execute(select(SliceRow).where(SliceRow.id.in_(list(slice_ids))))
        return [r.to_entity() for r in rows.scalars()]

    async def save(self, slice_: Slice) -> None:
        await current_session().execute(
            update(SliceRow).where(SliceRow.id == slice_.id).values(slice_values(slice_))
        )

    async def delete(self, slice_id: str) -> None:
        await current_session().execute(delete(SliceRow).where(SliceRow.id == slice_id))

    async def page(self, document_id: int, offset: int, size: int) -> tuple[list[Slice], int]:
        where = [SliceRow.document_id == document_id]
        return await counted_page(SliceRow, where, (SliceRow.position, SliceRow.id), offset, size)

    async def of_document(self, document_id: int) -> list[Slice]:
        rows = await current_session().execute(
            select(SliceRow).where(SliceRow.document_id == document_id).order_by(SliceRow.position)
        )
        return [r.to_entity() for r in rows.scalars()]

    async def cells_of(self, document_ids: Sequence[int]) -> dict[int, list[Cells]]:
        found: dict[int, list[Cells]] = {}
        if not document_ids:
            return found
        rows = await current_session().execute(
            select(SliceRow.document_id, SliceRow.cells)
            .where(SliceRow.document_id.in_(list(document_ids)), SliceRow.cells.is_not(None))
            .order_by(SliceRow.document_id, SliceRow.position, SliceRow.id)
        )
        for document_id, cells in rows:
            found.setdefault(document_id, []).append(tuple(cells))
        return found

    async def next_position(self, document_id: int) -> int:
        query = select(func.coalesce(func.max(SliceRow.position), -1)).where(
            SliceRow.document_id == document_id
        )
        return int((await current_session().execute(query)).scalar_one()) + 1

    async def count_hits(self, slice_ids: Sequence[str]) -> None:
        if not slice_ids:
            return
        session = current_session()
        ids = list(slice_ids)
        await session.execute(
            update(SliceRow).where(SliceRow.id.in_(ids)).values(hit_count=SliceRow.hit_count + 1)
        )
        per_document = (
            select(SliceRow.document_id, func.count().label("n"))
            .where(SliceRow.id.in_(ids))
            .group_by(SliceRow.document_id)
        )
        for document_id, n in (await session.execute(per_document)).all():
            await session.execute(
                update(DocumentRow)
                .where(DocumentRow.id == document_id)
                .values(hit_count=DocumentRow.hit_count + int(n))
            )


__all__ = ["SqlDatasetRepository", "SqlDocumentRepository", "SqlSliceRepository"]
