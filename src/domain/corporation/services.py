"""Rules that span several nodes of the tree: parents, depth, emptiness before deletion, placement.

The functions work on plain maps (id -> parent id) so they are the same for corporations and
departments, and testable without a database. Organisation trees are small (hundreds or a few
thousand nodes), so callers load a whole corporation forest or one corporation's departments.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from domain.corporation.entities import Corporation, Department
from domain.corporation.errors import (
    CorporationNotEmpty,
    CorporationTypeNesting,
    DepartmentNotEmpty,
    DepartmentOutsideCorporation,
    ParentCycle,
    SortOutsideParent,
    TreeTooDeep,
)
from domain.corporation.values import MAX_CORPORATION_DEPTH, MAX_DEPARTMENT_DEPTH, CorporationType

ParentMap = Mapping[int, int | None]


def ancestors(node_id: int, parent_of: ParentMap) -> list[int]:
    """Parents of `node_id`, nearest first. Stops at a repeated id, so stored damage cannot hang us."""
    found: list[int] = []
    seen = {node_id}
    current = parent_of.get(node_id)
    while current is not None and current not in seen:
        found.append(current)
        seen.add(current)
        current = parent_of.get(current)
    return found


def children_map(parent_of: ParentMap) -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for node, parent in parent_of.items():
        if parent is not None:
            children.setdefault(parent, []).append(node)
    return children


def height(node_id: int, children: Mapping[int, Sequence[int]]) -> int:
    """Levels in the subtree rooted at `node_id` (1 for a leaf)."""
    best, stack, seen = 1, [(node_id, 1)], {node_id}
    while stack:
        node, level = stack.pop()
        best = max(best, level)
        for child in children.get(node, ()):
            if child not in seen:
                seen.add(child)
                stack.append((child, level + 1))
    return best


def descendants(node_id: int, children: Mapping[int, Sequence[int]]) -> set[int]:
    found: set[int] = set()
    stack = [node_id]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in found and child != node_id:
                found.add(child)
                stack.append(child)
    return found


def check_parent(node_id: int | None, new_parent_id: int | None, parent_of: ParentMap, limit: int) -> None:
    """`node_id` (None for a new node) may hang under `new_parent_id`: no cycle, depth within limit."""
    if new_parent_id is None:
        above = 0
    else:
        chain = ancestors(new_parent_id, parent_of)
        if node_id is not None and (new_parent_id == node_id or node_id in chain):
            raise ParentCycle()
        above = len(chain) + 1
    below = 1 if node_id is None else height(node_id, children_map(parent_of))
    if above + below > limit:
        raise TreeTooDeep(limit=limit)


def check_corporation_parent(
    corp_id: int | None,
    corp_type: CorporationType,
    parent: Corporation | None,
    forest: Iterable[Corporation],
) -> None:
    """Placing (or re-typing) a corporation: parent type allows it, its children still fit, no cycle."""
    everything = list(forest)
    parent_of = {c.id: c.parent_id for c in everything}
    check_parent(corp_id, None if parent is None else parent.id, parent_of, MAX_CORPORATION_DEPTH)
    if parent is not None and not parent.type.may_contain(corp_type):
        raise CorporationTypeNesting(child=corp_type.value, parent=parent.type.value)
    if corp_id is not None:
        for child in everything:
            if child.parent_id == corp_id and not corp_type.may_contain(child.type):
                raise CorporationTypeNesting(child=child.type.value, parent=corp_type.value)


def check_department_parent(
    department_id: int | None, corp_id: int, parent: Department | None, siblings: Iterable[Department]
) -> None:
    """`siblings` are all departments of the corporation; the parent must be one of them."""
    if parent is not None and parent.corp_id != corp_id:
        raise DepartmentOutsideCorporation()
    parent_of = {d.id: d.parent_id for d in siblings}
    check_parent(department_id, None if parent is None else parent.id, parent_of, MAX_DEPARTMENT_DEPTH)


def check_corporation_deletable(children: int, departments: int, employees: int) -> None:
    if children or departments or employees:
        raise CorporationNotEmpty(children=children, departments=departments, employees=employees)


def check_department_deletable(children: int, employees: int) -> None:
    if children or employees:
        raise DepartmentNotEmpty(children=children, employees=employees)


def placement_corporation(departments: Sequence[Department]) -> int:
    """The one corporation every department of an employee's placement belongs to."""
    corps = {d.corp_id for d in departments}
    if len(corps) != 1:
        raise DepartmentOutsideCorporation()
    return corps.pop()


def check_sort_scope(ids: Sequence[int], siblings: Iterable[Department]) -> None:
    """A sort request names only children of one parent, each once."""
    allowed = {d.id for d in siblings}
    if len(set(ids)) != len(ids) or not set(ids) <= allowed:
        raise SortOutsideParent()
