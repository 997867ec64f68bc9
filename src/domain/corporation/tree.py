"""The whole organisation as one tree: corporations, inside them their child corporations and then
their departments, each node with how many active employees it holds."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

from domain.corporation.entities import Corporation, Department


class NodeKind(StrEnum):
    CORPORATION = "corp"
    DEPARTMENT = "dept"


@dataclass(slots=True)
class TreeNode:
    id: int
    kind: NodeKind
    name: str
    sort: int
    corp_id: int  # the corporation itself, or the one a department belongs to
    parent_id: int | None  # the node above in this tree (a corporation or a department)
    business_parent_id: int | None  # parent corporation of a corporation, parent department of one
    level: int  # 1 at the roots
    path: str  # names from the root, joined with "/"
    corp_type: str
    direct_employee_count: int = 0
    employee_count: int = 0  # distinct active employees in this node and everything below it
    children: list[TreeNode] = field(default_factory=list)


Placement = tuple[int, int, int]  # (corp_id, department_id, employee_id) of an active employee


_Node = TypeVar("_Node", Corporation, Department)


def _ordered(items: Iterable[_Node]) -> list[_Node]:
    return sorted(items, key=lambda x: (x.sort, x.id))


def build_tree(
    corporations: Sequence[Corporation],
    departments: Sequence[Department],
    placements: Sequence[Placement],
    *,
    root_id: int | None = None,
    include_departments: bool = True,
    depth: int = 0,
) -> list[TreeNode]:
    """Roots are the top corporations, or only `root_id` when given. `depth` > 0 cuts the tree there."""
    by_corp: dict[int, set[int]] = {}
    by_dept: dict[int, set[int]] = {}
    for corp_id, dept_id, employee_id in placements:
        by_corp.setdefault(corp_id, set()).add(employee_id)
        by_dept.setdefault(dept_id, set()).add(employee_id)
    corp_children: dict[int | None, list[Corporation]] = {}
    known = {c.id for c in corporations}
    for corp in _ordered(corporations):
        parent = corp.parent_id if corp.parent_id in known else None
        corp_children.setdefault(parent, []).append(corp)
    dept_children: dict[tuple[int, int | None], list[Department]] = {}
    for dept in _ordered(departments):
        dept_children.setdefault((dept.corp_id, dept.parent_id), []).append(dept)

    def department_node(dept: Department, parent: TreeNode, seen: set[int]) -> tuple[TreeNode, set[int]]:
        node = TreeNode(
            dept.id,
            NodeKind.DEPARTMENT,
            dept.name,
            dept.sort,
            dept.corp_id,
            parent.id,
            dept.parent_id,
            parent.level + 1,
            f"{parent.path}/{dept.name}",
            parent.corp_type,
        )
        staff = set(by_dept.get(dept.id, ()))
        node.direct_employee_count = len(staff)
        for child in dept_children.get((dept.corp_id, dept.id), ()):
            if child.id in seen:
                continue
            seen.add(child.id)
            child_node, child_staff = department_node(child, node, seen)
            staff |= child_staff
            if depth <= 0 or node.level < depth:
                node.children.append(child_node)
        node.employee_count = len(staff)
        return node, staff

    def corporation_node(
        corp: Corporation, parent: TreeNode | None, seen: set[int]
    ) -> tuple[TreeNode, set[int]]:
        node = TreeNode(
            corp.id,
            NodeKind.CORPORATION,
            corp.name,
            corp.sort,
            corp.id,
            None if parent is None else parent.id,
            corp.parent_id,
            1 if parent is None else parent.level + 1,
            corp.name if parent is None else f"{parent.path}/{corp.name}",
            corp.type.value,
        )
        staff = set(by_corp.get(corp.id, ()))
        node.direct_employee_count = len(staff)
        keep = depth <= 0 or node.level < depth
        for child in corp_children.get(corp.id, ()):
            if child.id in seen:
                continue
            seen.add(child.id)
            child_node, child_staff = corporation_node(child, node, seen)
            staff |= child_staff
            if keep:
                node.children.append(child_node)
        if include_departments and keep:
            for dept in dept_children.get((corp.id, None), ()):
                node.children.append(department_node(dept, node, {dept.id})[0])
        node.employee_count = len(staff)
        return node, staff

    roots = (
        [c for c in corporations if c.id == root_id] if root_id is not None else corp_children.get(None, [])
    )
    return [corporation_node(c, None, {c.id})[0] for c in roots]
