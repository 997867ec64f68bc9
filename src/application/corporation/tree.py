"""The organisation tree for every signed-in user: names, structure and head counts, no personal data."""

from __future__ import annotations

from application.common.actor import Actor
from domain.common.ports import UnitOfWorkFactory
from domain.corporation.errors import CorporationNotFound
from domain.corporation.ports import CorporationRepository, DepartmentRepository, EmployeeRepository
from domain.corporation.tree import TreeNode, build_tree


class OrganisationTreeService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        corporations: CorporationRepository,
        departments: DepartmentRepository,
        employees: EmployeeRepository,
    ) -> None:
        self._uow, self._corps, self._depts, self._staff = uow, corporations, departments, employees

    async def tree(
        self, actor: Actor, corp_id: int | None = None, include_departments: bool = True, depth: int = 0
    ) -> list[TreeNode]:
        """Any signed-in caller (`actor` is proof of that): the tree shows no employee's details."""
        async with self._uow():
            corporations = await self._corps.all()
            if corp_id is not None and all(c.id != corp_id for c in corporations):
                raise CorporationNotFound()
            departments = await self._depts.all() if include_departments else []
            placements = await self._staff.active_placements()
        return build_tree(
            corporations,
            departments,
            placements,
            root_id=corp_id,
            include_departments=include_departments,
            depth=depth,
        )
