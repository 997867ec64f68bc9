"""The organisation use cases on in-memory repositories: permissions, rules, audit, rollback."""

from __future__ import annotations

import pytest

from application.audit.service import AuditLog
from application.common.actor import Actor
from application.corporation.common import OrganisationPorts
from application.corporation.corporations import CorporationService
from application.corporation.departments import DepartmentService
from application.corporation.employees import EmployeeFields, EmployeeFilter, EmployeeService
from application.corporation.tree import OrganisationTreeService
from domain.common.errors import PermissionDenied
from domain.corporation.entities import Membership
from domain.corporation.errors import (
    CorporationNotEmpty,
    CorporationNotFound,
    DepartmentNotEmpty,
    DepartmentNotFound,
    DepartmentOutsideCorporation,
    EmployeeNumberTaken,
    LinkedUserNotFound,
    ParentCycle,
    UserAlreadyLinked,
)
from domain.corporation.ports import CorporationQuery, DepartmentQuery
from domain.corporation.values import CorporationType, EmployeeStatus
from domain.permission.entities import PermissionEntry
from domain.permission.values import Effect
from tests.support.corporation_fakes import (
    FakeUserDirectory,
    InMemoryCorporations,
    InMemoryDepartments,
    InMemoryEmployees,
)
from tests.support.fakes import CountingIds, FakeClock, FakeStore, InMemoryAuditRepository
from tests.support.permission import Permissions

ADMIN = Actor(user_id=1, is_superuser=True)
MEMBER = Actor(user_id=2)
LINKABLE_USER = 500


class World:
    def __init__(self) -> None:
        store = FakeStore()
        ids, clock = CountingIds(), FakeClock()
        self.audit_entries = InMemoryAuditRepository()
        audit = AuditLog(store.uow, self.audit_entries, ids, clock)
        corps, depts, staff = (
            InMemoryCorporations(store),
            InMemoryDepartments(store),
            InMemoryEmployees(store),
        )
        self.permissions = Permissions()
        checker = self.permissions.checker
        ports = OrganisationPorts(
            uow=store.uow,
            corporations=corps,
            departments=depts,
            employees=staff,
            audit=audit,
            ids=ids,
            clock=clock,
            permissions=checker,
        )
        self.corporations = CorporationService(**ports)
        self.departments = DepartmentService(**ports)
        self.employees = EmployeeService(FakeUserDirectory({LINKABLE_USER}), **ports)
        self.tree = OrganisationTreeService(store.uow, corps, depts, staff)

    def actions(self) -> list[str]:
        return [e.action for e in self.audit_entries.entries]


@pytest.fixture
def w() -> World:
    return World()


async def test_members_cannot_manage_the_organisation_but_can_read_the_tree(w: World) -> None:
    with pytest.raises(PermissionDenied):
        await w.corporations.create(MEMBER, "Acme")
    group = await w.corporations.create(ADMIN, "Acme", CorporationType.GROUP)
    for call in (
        w.corporations.get(MEMBER, group.id),
        w.corporations.delete(MEMBER, group.id),
        w.departments.create(MEMBER, group.id, "R&D"),
        w.employees.search(MEMBER, EmployeeFilter()),
    ):
        with pytest.raises(PermissionDenied):
            await call
    assert [n.name for n in await w.tree.tree(MEMBER)] == ["Acme"]


async def test_a_custom_role_with_organization_manage_delegates_the_organisation(w: World) -> None:
    hr, reader = Actor(user_id=3), Actor(user_id=4)
    w.permissions.grant_global(hr.user_id, PermissionEntry("organization", "manage"))
    w.permissions.grant_global(reader.user_id, PermissionEntry("organization", "read"))
    corp = await w.corporations.create(hr, "Acme")
    dept = await w.departments.create(hr, corp.id, "R&D")
    assert (await w.departments.get(hr, dept.id)).name == "R&D"
    with pytest.raises(PermissionDenied):  # read alone opens none of the managers' views
        await w.corporations.get(reader, corp.id)
    w.permissions.grant_global(hr.user_id, PermissionEntry("organization", "manage", Effect.DENY))
    with pytest.raises(PermissionDenied):  # deny wins over the allow
        await w.corporations.get(hr, corp.id)


async def test_corporation_tree_rules(w: World) -> None:
    group = await w.corporations.create(ADMIN, "Acme", CorporationType.GROUP)
    company = await w.corporations.create(ADMIN, "Acme CN", CorporationType.COMPANY, group.id)
    with pytest.raises(ParentCycle):
        await w.corporations.update(ADMIN, group.id, parent_id=company.id)
    with pytest.raises(CorporationNotFound):
        await w.corporations.create(ADMIN, "Orphan", parent_id=999)
    moved = await w.corporations.update(ADMIN, company.id, parent_id=None, name="Acme China")
    assert moved.parent_id is None and moved.name == "Acme China"
    page = await w.corporations.search(ADMIN, CorporationQuery(keyword="china"))
    assert [c.id for c in page.items] == [company.id] and page.total == 1
    assert w.actions() == ["corporation.create", "corporation.create", "corporation.update"]


async def test_non_empty_corporation_and_department_are_kept(w: World) -> None:
    group = await w.corporations.create(ADMIN, "Acme", CorporationType.GROUP)
    await w.corporations.create(ADMIN, "Sub", parent_id=group.id)
    with pytest.raises(CorporationNotEmpty):
        await w.corporations.delete(ADMIN, group.id)
    solo = await w.corporations.create(ADMIN, "Solo")
    rnd = await w.departments.create(ADMIN, solo.id, "R&D")
    lab = await w.departments.create(ADMIN, solo.id, "Lab", parent_id=rnd.id)
    assert lab.full_path == "R&D/Lab" and lab.level == 2
    with pytest.raises(DepartmentNotEmpty):
        await w.departments.delete(ADMIN, rnd.id)
    with pytest.raises(CorporationNotEmpty):
        await w.corporations.delete(ADMIN, solo.id)
    await w.departments.delete(ADMIN, lab.id)
    await w.departments.delete(ADMIN, rnd.id)
    await w.corporations.delete(ADMIN, solo.id)
    with pytest.raises(CorporationNotFound):
        await w.corporations.get(ADMIN, solo.id)


async def test_departments_stay_in_their_corporation_and_sort(w: World) -> None:
    a = await w.corporations.create(ADMIN, "A")
    b = await w.corporations.create(ADMIN, "B")
    top = await w.departments.create(ADMIN, a.id, "Top")
    with pytest.raises(DepartmentOutsideCorporation):
        await w.departments.create(ADMIN, b.id, "Elsewhere", parent_id=top.id)
    first = await w.departments.create(ADMIN, a.id, "First", parent_id=top.id)
    second = await w.departments.create(ADMIN, a.id, "Second", parent_id=top.id)
    with pytest.raises(ParentCycle):
        await w.departments.update(ADMIN, top.id, parent_id=second.id)
    await w.departments.sort(ADMIN, top.id, [(second.id, None), (first.id, None)])
    page = await w.departments.search(ADMIN, DepartmentQuery(a.id, parent_id=top.id))
    assert [d.name for d in page.items] == ["Second", "First"]
    await w.departments.sort(ADMIN, a.id, [(top.id, 5)])  # a corporation id sorts its top level
    with pytest.raises(DepartmentNotFound):
        await w.departments.sort(ADMIN, 424242, [])


async def test_employee_lifecycle(w: World) -> None:
    corp = await w.corporations.create(ADMIN, "Acme")
    rnd = await w.departments.create(ADMIN, corp.id, "R&D")
    ops = await w.departments.create(ADMIN, corp.id, "Ops")
    ann = await w.employees.create(
        ADMIN,
        EmployeeFields("Ann", "e-1", "ann@example.com", "+1 555 0100", "Engineer"),
        [Membership(rnd.id, True), Membership(ops.id)],
        user_id=LINKABLE_USER,
    )
    assert ann.employee_no == "E-1" and [p.department_name for p in ann.departments] == ["R&D", "Ops"]
    with pytest.raises(EmployeeNumberTaken):
        await w.employees.create(ADMIN, EmployeeFields("Bob", "E-1"), [Membership(rnd.id)])
    with pytest.raises(UserAlreadyLinked):
        await w.employees.create(ADMIN, EmployeeFields("Bob"), [Membership(rnd.id)], user_id=LINKABLE_USER)
    with pytest.raises(LinkedUserNotFound):
        await w.employees.create(ADMIN, EmployeeFields("Bob"), [Membership(rnd.id)], user_id=404)
    with pytest.raises(DepartmentNotFound):
        await w.employees.create(ADMIN, EmployeeFields("Bob"), [Membership(999)])

    [tree] = await w.tree.tree(MEMBER)
    assert tree.employee_count == 1 and [d.employee_count for d in tree.children] == [1, 1]

    gone = await w.employees.resign(ADMIN, ann.id, "left")
    assert gone.status == EmployeeStatus.RESIGNED.value and gone.departments == []
    await w.departments.delete(ADMIN, ops.id)  # nobody is left in it
    with pytest.raises(CorporationNotEmpty):  # the resigned employee still belongs to the corporation
        await w.corporations.delete(ADMIN, corp.id)
    back = await w.employees.restore(ADMIN, ann.id, [Membership(rnd.id)])
    assert back.status == "active" and back.departments[0].is_primary

    resigned = await w.employees.search(ADMIN, EmployeeFilter(corp.id, status=EmployeeStatus.RESIGNED))
    assert resigned.total == 0
    found = await w.employees.search(ADMIN, EmployeeFilter(keyword="555"))
    assert [e.name for e in found.items] == ["Ann"]
    assert "corporation.employee.resign" in w.actions() and "corporation.employee.restore" in w.actions()


async def test_moving_an_employee_to_another_corporation_checks_its_numbers(w: World) -> None:
    a = await w.corporations.create(ADMIN, "A")
    b = await w.corporations.create(ADMIN, "B")
    da = await w.departments.create(ADMIN, a.id, "A1")
    db = await w.departments.create(ADMIN, b.id, "B1")
    ann = await w.employees.create(ADMIN, EmployeeFields("Ann", "7"), [Membership(da.id)])
    await w.employees.create(
        ADMIN, EmployeeFields("Bob", "7"), [Membership(db.id)]
    )  # numbers are per corporation
    with pytest.raises(EmployeeNumberTaken):
        await w.employees.change_departments(ADMIN, ann.id, [Membership(db.id)])
    with pytest.raises(DepartmentOutsideCorporation):
        await w.employees.change_departments(ADMIN, ann.id, [Membership(da.id, True), Membership(db.id)])
    unchanged = await w.employees.get(ADMIN, ann.id)
    assert unchanged.corp_id == a.id and unchanged.departments[0].department_id == da.id
    await w.employees.update(ADMIN, ann.id, EmployeeFields(employee_no=""))
    moved = await w.employees.change_departments(ADMIN, ann.id, [Membership(db.id)])
    assert moved.corp_id == b.id and moved.employee_no is None
    sub = await w.departments.create(ADMIN, b.id, "B1a", parent_id=db.id)
    await w.employees.change_departments(ADMIN, ann.id, [Membership(sub.id)])
    deep = await w.employees.search(ADMIN, EmployeeFilter(b.id, db.id, include_sub_departments=True))
    shallow = await w.employees.search(ADMIN, EmployeeFilter(b.id, db.id))
    assert deep.total == 2 and shallow.total == 1
