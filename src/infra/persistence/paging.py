"""Offset pages of rows with their total: the shape list endpoints with page numbers need."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from infra.persistence.uow import current_session


async def counted_page(
    row: Any, where: list[Any] | tuple[Any, ...], order: tuple[Any, ...], offset: int, limit: int
) -> tuple[list[Any], int]:
    """Entities of `row` matching `where`, in `order`, from `offset`; and how many match in all."""
    session = current_session()
    total = (await session.execute(select(func.count()).select_from(row).where(*where))).scalar_one()
    rows = await session.execute(select(row).where(*where).order_by(*order).offset(offset).limit(limit))
    return [r.to_entity() for r in rows.scalars()], int(total)
