"""Departments of a corporation: a sortable tree (organisation managers only)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from application.common.actor import Actor
from application.common.paging import Page, bounded
from application.corporation.common import (
    KEEP,
    DepartmentDTO,
    Keep,
    OrganisationService,
    department_dto,
)
from domain.corporation.entities import Department
from domain.corporation.errors import CorporationNotFound, DepartmentNotFound
from domain.corporation.ports import (
    DepartmentQuery,
)
from domain.corporation.services import (
    check_department_deletable,
    check_department_parent,
    check_sort_scope,
)
from domain.corporation.tree import TreeNode, build_tree
from domain.corporation.values import MAX_NAME, checked_code, checked_name, checked_sort


class DepartmentService(OrganisationService):
    target_type = "department"

    async def create(
        self,
        actor: Actor,
        corp_id: int,
        name: str,
        parent_id: int | None = None,
        code: str = "",
        sort: int = 0,
    ) -> DepartmentDTO:
        await self._manager(actor)
        now = self._clock.now()
        dept = Department(
            self._ids.next_id(),
            corp_id,
            checked_name(name),
            now,
            now,
            parent_id=parent_id,
            code=checked_code(code),
            sort=checked_sort(sort),
            creator_id=actor.user_id,
        )
        async with self._uow() as uow:
            if await self._corps.get(corp_id) is None:
                raise CorporationNotFound()
            siblings = await self._depts.of_corporation(corp_id)
            check_department_parent(None, corp_id, await self._parent(parent_id), siblings)
            await self._depts.add(dept)
            await uow.commit()
        await self._record(actor, "corporation.department.create", dept.id, {"corp_id": str(corp_id)})
        return department_dto(dept, {d.id: d for d in [*siblings, dept]})

    async def get(self, actor: Actor, department_id: int) -> DepartmentDTO:
        await self._manager(actor)
        async with self._uow():
            dept = await self._existing(department_id)
            siblings = await self._depts.of_corporation(dept.corp_id)
        return department_dto(dept, {d.id: d for d in siblings})

    async def update(
        self,
        actor: Actor,
        department_id: int,
        *,
        name: str | None = None,
        code: str | None = None,
        parent_id: int | Keep | None = KEEP,
        sort: int | None = None,
    ) -> DepartmentDTO:
        """Moves stay inside the department's corporation; a department never changes corporation."""
        await self._manager(actor)
        changed: dict[str, Any] = {}
        async with self._uow() as uow:
            dept = await self._existing(department_id)
            siblings = await self._depts.of_corporation(dept.corp_id)
            if name is not None:
                dept.name = changed["name"] = checked_name(name)
            if code is not None:
                dept.code = changed["code"] = checked_code(code)
            if sort is not None:
                dept.sort = changed["sort"] = checked_sort(sort)
            if not isinstance(parent_id, Keep) and parent_id != dept.parent_id:
                check_department_parent(dept.id, dept.corp_id, await self._parent(parent_id), siblings)
                dept.parent_id = parent_id
                changed["parent_id"] = "" if parent_id is None else str(parent_id)
            dept.updated_at = self._clock.now()
            await self._depts.save(dept)
            await uow.commit()
        await self._record(actor, "corporation.department.update", department_id, changed)
        return department_dto(dept, {d.id: d for d in siblings} | {dept.id: dept})

    async def delete(self, actor: Actor, department_id: int) -> None:
        """Refused while sub-departments or employees remain: move or remove them first."""
        await self._manager(actor)
        async with self._uow() as uow:
            dept = await self._existing(department_id)
            siblings = await self._depts.of_corporation(dept.corp_id)
            check_department_deletable(
                sum(1 for d in siblings if d.parent_id == department_id),
                await self._staff.count_in_department(department_id),
            )
            await self._depts.delete(department_id)
            await uow.commit()
        await self._record(
            actor, "corporation.department.delete", department_id, {"corp_id": str(dept.corp_id)}
        )

    async def search(
        self, actor: Actor, query: DepartmentQuery, page: int = 1, page_size: int = 20
    ) -> Page[DepartmentDTO]:
        await self._manager(actor)
        size = bounded(page_size)
        query = DepartmentQuery(query.corp_id, query.parent_id, query.keyword.strip()[:MAX_NAME])
        async with self._uow():
            if await self._corps.get(query.corp_id) is None:
                raise CorporationNotFound()
            if query.parent_id is not None:
                await self._in_corporation(query.parent_id, query.corp_id)
            found, total = await self._depts.search(query, max(page - 1, 0) * size, size)
            everything = {d.id: d for d in await self._depts.of_corporation(query.corp_id)}
        return Page([department_dto(d, everything) for d in found], total, page * size < total)

    async def sort(self, actor: Actor, parent_id: int, order: Sequence[tuple[int, int | None]]) -> None:
        """Re-order the children of `parent_id`: a department, or a corporation for its top level.

        `order` is (department id, sort value); a missing value means its position in the list.
        """
        await self._manager(actor)
        async with self._uow() as uow:
            parent_dept = await self._depts.get(parent_id)
            if parent_dept is not None:
                corp_id, under = parent_dept.corp_id, parent_dept.id
            elif await self._corps.get(parent_id) is not None:
                corp_id, under = parent_id, None
            else:
                raise DepartmentNotFound()
            children = [d for d in await self._depts.of_corporation(corp_id) if d.parent_id == under]
            check_sort_scope([i for i, _ in order], children)
            by_id = {d.id: d for d in children}
            now = self._clock.now()
            for position, (dept_id, value) in enumerate(order):
                dept = by_id[dept_id]
                dept.sort = checked_sort(position if value is None else value)
                dept.updated_at = now
                await self._depts.save(dept)
            await uow.commit()
        await self._record(
            actor,
            "corporation.department.sort",
            parent_id,
            {"order": [str(i) for i, _ in order]},
        )

    async def tree(self, actor: Actor, corp_id: int) -> list[TreeNode]:
        """The corporation's departments as a tree, with employee counts."""
        await self._manager(actor)
        async with self._uow():
            corp = await self._corps.get(corp_id)
            if corp is None:
                raise CorporationNotFound()
            departments = await self._depts.of_corporation(corp_id)
            placements = await self._staff.active_placements(corp_id)
        roots = build_tree([corp], departments, placements, root_id=corp_id)
        return roots[0].children if roots else []

    async def _existing(self, department_id: int) -> Department:
        dept = await self._depts.get(department_id)
        if dept is None:
            raise DepartmentNotFound()
        return dept

    async def _parent(self, parent_id: int | None) -> Department | None:
        return None if parent_id is None else await self._existing(parent_id)

    async def _in_corporation(self, department_id: int, corp_id: int) -> Department:
        dept = await self._existing(department_id)
        if dept.corp_id != corp_id:
            raise DepartmentNotFound()
        return dept
