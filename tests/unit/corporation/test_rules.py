"""Rules of the organisation tree as pure functions and entity behaviour."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.corporation.entities import Corporation, Department, Employee, Membership, checked_placement
from domain.corporation.errors import (
    CorporationNotEmpty,
    CorporationTypeNesting,
    DepartmentNotEmpty,
    DepartmentOutsideCorporation,
    EmployeeStatusConflict,
    InvalidOrganisationField,
    InvalidPlacement,
    ParentCycle,
    SortOutsideParent,
    TreeTooDeep,
)
from domain.corporation.services import (
    ancestors,
    check_corporation_deletable,
    check_corporation_parent,
    check_department_deletable,
    check_department_parent,
    check_parent,
    check_sort_scope,
    placement_corporation,
)
from domain.corporation.tree import NodeKind, build_tree
from domain.corporation.values import (
    MAX_CORPORATION_DEPTH,
    CorporationType,
    EmployeeStatus,
    checked_email,
    checked_employee_no,
    checked_mobile,
    checked_name,
    checked_sort,
)

NOW = datetime(2026, 1, 1, tzinfo=UTC)
G, C, B = CorporationType.GROUP, CorporationType.COMPANY, CorporationType.BRANCH


def corp(cid: int, kind: CorporationType = C, parent: int | None = None, sort: int = 0) -> Corporation:
    return Corporation(cid, f"corp{cid}", kind, NOW, NOW, parent_id=parent, sort=sort)


def dept(did: int, corp_id: int, parent: int | None = None, sort: int = 0) -> Department:
    return Department(did, corp_id, f"dept{did}", NOW, NOW, parent_id=parent, sort=sort)


def test_moving_a_node_under_itself_or_a_descendant_is_a_cycle() -> None:
    parents = {1: None, 2: 1, 3: 2, 4: None}
    with pytest.raises(ParentCycle):
        check_parent(1, 1, parents, 10)
    with pytest.raises(ParentCycle):
        check_parent(1, 3, parents, 10)
    check_parent(3, 4, parents, 10)  # sideways is fine
    check_parent(2, None, parents, 10)  # to the top level too


def test_depth_counts_the_moved_subtree() -> None:
    chain = {i: (i - 1 if i > 1 else None) for i in range(1, 6)}  # 1 <- 2 <- ... <- 5
    chain[10] = None
    chain[11] = 10
    check_parent(10, 5, chain, 7)  # 5 levels above + 2 in the subtree
    with pytest.raises(TreeTooDeep):
        check_parent(10, 5, chain, 6)
    with pytest.raises(TreeTooDeep):
        check_parent(None, 5, chain, 5)  # a new leaf under level 5


def test_ancestors_stop_on_stored_cycles() -> None:
    assert ancestors(1, {1: 2, 2: 3, 3: 1}) == [2, 3]


def test_corporation_types_nest_group_company_branch() -> None:
    forest = [corp(1, G), corp(2, C, 1), corp(3, B, 2)]
    check_corporation_parent(None, C, forest[0], forest)
    check_corporation_parent(None, B, forest[2], forest)  # branches may have branches
    with pytest.raises(CorporationTypeNesting):
        check_corporation_parent(None, G, forest[1], forest)
    with pytest.raises(CorporationTypeNesting):
        check_corporation_parent(None, C, forest[2], forest)
    # re-typing the group into a branch would leave its company under a branch
    with pytest.raises(CorporationTypeNesting):
        check_corporation_parent(1, B, None, forest)
    with pytest.raises(ParentCycle):
        check_corporation_parent(1, G, forest[2], forest)


def test_corporation_depth_is_bounded() -> None:
    forest = [corp(i, G, i - 1 if i > 1 else None) for i in range(1, MAX_CORPORATION_DEPTH + 1)]
    with pytest.raises(TreeTooDeep):
        check_corporation_parent(None, G, forest[-1], forest)


def test_department_parent_must_be_in_the_same_corporation() -> None:
    siblings = [dept(10, 1), dept(11, 1, 10)]
    check_department_parent(None, 1, siblings[0], siblings)
    with pytest.raises(DepartmentOutsideCorporation):
        check_department_parent(None, 2, siblings[0], siblings)
    with pytest.raises(ParentCycle):
        check_department_parent(10, 1, siblings[1], siblings)


def test_non_empty_nodes_cannot_be_deleted() -> None:
    check_corporation_deletable(0, 0, 0)
    for counts in [(1, 0, 0), (0, 1, 0), (0, 0, 1)]:
        with pytest.raises(CorporationNotEmpty) as err:
            check_corporation_deletable(*counts)
        assert err.value.params == dict(zip(("children", "departments", "employees"), counts, strict=True))
    check_department_deletable(0, 0)
    with pytest.raises(DepartmentNotEmpty):
        check_department_deletable(0, 2)


def test_placement_needs_one_primary_and_distinct_departments() -> None:
    assert checked_placement([Membership(5)]) == [Membership(5, True)]  # the only one is primary
    assert checked_placement([Membership(5, True), Membership(6)])[0].is_primary
    for bad in (
        [],
        [Membership(5), Membership(6)],
        [Membership(5, True), Membership(6, True)],
        [Membership(5, True), Membership(5)],
        [Membership(i, i == 0) for i in range(21)],
    ):
        with pytest.raises(InvalidPlacement):
            checked_placement(bad)
    assert placement_corporation([dept(1, 7), dept(2, 7)]) == 7
    with pytest.raises(DepartmentOutsideCorporation):
        placement_corporation([dept(1, 7), dept(2, 8)])


def test_resign_and_restore() -> None:
    e = Employee(1, 7, "Ann", NOW, NOW, memberships=[Membership(5, True)])
    e.resign("moved abroad", NOW)
    assert e.status is EmployeeStatus.RESIGNED and e.memberships == [] and e.resigned_at == NOW
    with pytest.raises(EmployeeStatusConflict):
        e.resign("", NOW)
    with pytest.raises(EmployeeStatusConflict):
        e.place(7, [Membership(5)], NOW)  # a resigned employee is not moved, but restored
    e.restore(8, [Membership(9)], NOW)
    assert e.status is EmployeeStatus.ACTIVE and e.corp_id == 8 and e.primary_department_id == 9
    assert e.resign_reason == "" and e.resigned_at is None
    with pytest.raises(EmployeeStatusConflict):
        e.restore(8, [Membership(9)], NOW)
    with pytest.raises(InvalidOrganisationField):
        e.resign("x" * 501, NOW)


def test_sort_lists_only_children_of_the_parent() -> None:
    children = [dept(1, 7, 9), dept(2, 7, 9)]
    check_sort_scope([2, 1], children)
    with pytest.raises(SortOutsideParent):
        check_sort_scope([1, 3], children)
    with pytest.raises(SortOutsideParent):
        check_sort_scope([1, 1], children)


@pytest.mark.parametrize(
    ("check", "value"),
    [
        (checked_name, ""),
        (checked_name, "   "),
        (checked_name, "x" * 101),
        (checked_name, "bad\x00name"),
        (checked_employee_no, "has space"),
        (checked_employee_no, "E" * 33),
        (checked_email, "not-an-email"),
        (checked_mobile, "call me"),
        (checked_mobile, "1" * 40),
    ],
)
def test_field_checks_refuse_bad_values(check: object, value: str) -> None:
    with pytest.raises(InvalidOrganisationField):
        check(value)  # type: ignore[operator]


def test_field_checks_normalise() -> None:
    assert checked_name("  R&D  ") == "R&D"
    assert checked_employee_no(" e-001 ") == "E-001"
    assert checked_employee_no("") is None
    assert checked_email(" Ann@Example.COM ") == "ann@example.com"
    assert checked_mobile("+86 138-0000-0000") == "+86 138-0000-0000"
    with pytest.raises(InvalidOrganisationField):
        checked_sort(2**31)


def test_tree_counts_distinct_active_employees_per_subtree() -> None:
    corps = [corp(1, G, sort=1), corp(2, C, 1, sort=2), corp(3, C, 1, sort=1)]
    depts = [dept(20, 2), dept(21, 2, 20), dept(30, 3)]
    # employee 100 sits in 20 and 21 (counted once for 20's subtree); 101 in 21; 102 in 30
    placements = [(2, 20, 100), (2, 21, 100), (2, 21, 101), (3, 30, 102)]
    [root] = build_tree(corps, depts, placements)
    assert root.kind is NodeKind.CORPORATION and root.employee_count == 3
    assert [c.id for c in root.children] == [3, 2]  # by sort
    company = root.children[1]
    assert company.path == "corp1/corp2" and company.level == 2 and company.employee_count == 2
    [d20] = company.children
    assert d20.kind is NodeKind.DEPARTMENT and d20.employee_count == 2 and d20.direct_employee_count == 1
    assert d20.children[0].path == "corp1/corp2/dept20/dept21" and d20.children[0].level == 4

    [only] = build_tree(corps, depts, placements, root_id=2, include_departments=False)
    assert only.children == [] and only.employee_count == 2
    [cut] = build_tree(corps, depts, placements, depth=2)
    assert all(not c.children for c in cut.children) and cut.children[1].employee_count == 2
