"""Corporations: create, read, change, move, delete and list (organisation managers only)."""

from __future__ import annotations

from typing import Any

from application.common.actor import Actor
from application.common.paging import Page, bounded
from application.corporation.common import KEEP, CorporationDTO, Keep, OrganisationService
from domain.corporation.entities import Corporation
from domain.corporation.errors import CorporationNotFound
from domain.corporation.ports import (
    CorporationQuery,
)
from domain.corporation.services import check_corporation_deletable, check_corporation_parent
from domain.corporation.values import MAX_NAME, CorporationType, checked_name, checked_sort


class CorporationService(OrganisationService):
    target_type = "corporation"

    async def create(
        self,
        actor: Actor,
        name: str,
        corp_type: CorporationType = CorporationType.COMPANY,
        parent_id: int | None = None,
        sort: int = 0,
    ) -> CorporationDTO:
        await self._manager(actor)
        now = self._clock.now()
        corp = Corporation(
            self._ids.next_id(),
            checked_name(name),
            corp_type,
            now,
            now,
            parent_id=parent_id,
            sort=checked_sort(sort),
            creator_id=actor.user_id,
        )
        async with self._uow() as uow:
            parent = await self._parent(parent_id)
            check_corporation_parent(None, corp_type, parent, await self._corps.all())
            await self._corps.add(corp)
            await uow.commit()
        await self._record(actor, "corporation.create", corp.id, {"name": corp.name, "type": corp_type.value})
        return CorporationDTO.of(corp)

    async def get(self, actor: Actor, corp_id: int) -> CorporationDTO:
        await self._manager(actor)
        async with self._uow():
            return CorporationDTO.of(await self._existing(corp_id))

    async def update(
        self,
        actor: Actor,
        corp_id: int,
        *,
        name: str | None = None,
        corp_type: CorporationType | None = None,
        parent_id: int | Keep | None = KEEP,
        sort: int | None = None,
    ) -> CorporationDTO:
        await self._manager(actor)
        changed: dict[str, Any] = {}
        async with self._uow() as uow:
            corp = await self._existing(corp_id)
            if name is not None:
                corp.name = changed["name"] = checked_name(name)
            if sort is not None:
                corp.sort = changed["sort"] = checked_sort(sort)
            new_type = corp_type or corp.type
            new_parent = corp.parent_id if isinstance(parent_id, Keep) else parent_id
            if new_type is not corp.type or new_parent != corp.parent_id:
                check_corporation_parent(
                    corp.id, new_type, await self._parent(new_parent), await self._corps.all()
                )
                if new_type is not corp.type:
                    changed["type"] = new_type.value
                if new_parent != corp.parent_id:
                    changed["parent_id"] = "" if new_parent is None else str(new_parent)
                corp.type, corp.parent_id = new_type, new_parent
            corp.updated_at = self._clock.now()
            await self._corps.save(corp)
            await uow.commit()
        await self._record(actor, "corporation.update", corp_id, changed)
        return CorporationDTO.of(corp)

    async def delete(self, actor: Actor, corp_id: int) -> None:
        """Refused while child corporations, departments or employees (resigned ones too) remain."""
        await self._manager(actor)
        async with self._uow() as uow:
            corp = await self._existing(corp_id)
            children = sum(1 for c in await self._corps.all() if c.parent_id == corp_id)
            check_corporation_deletable(
                children,
                await self._depts.count_in_corporation(corp_id),
                await self._staff.count_in_corporation(corp_id),
            )
            await self._corps.delete(corp_id)
            await uow.commit()
        await self._record(actor, "corporation.delete", corp_id, {"name": corp.name})

    async def search(
        self, actor: Actor, query: CorporationQuery, page: int = 1, page_size: int = 20
    ) -> Page[CorporationDTO]:
        await self._manager(actor)
        size = bounded(page_size)
        query = CorporationQuery(query.keyword.strip()[:MAX_NAME], query.parent_id, query.type)
        async with self._uow():
            found, total = await self._corps.search(query, max(page - 1, 0) * size, size)
        return Page([CorporationDTO.of(c) for c in found], total, page * size < total)

    async def _existing(self, corp_id: int) -> Corporation:
        corp = await self._corps.get(corp_id)
        if corp is None:
            raise CorporationNotFound()
        return corp

    async def _parent(self, parent_id: int | None) -> Corporation | None:
        return None if parent_id is None else await self._existing(parent_id)
