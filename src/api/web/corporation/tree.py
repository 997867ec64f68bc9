"""The organisation tree for every signed-in user: GET (query) and POST (Coze Plus's JSON body)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, KwargDefinition, QueryParameter

from api.envelope import Envelope
from api.schemas import IdOrEmpty, OptionalQueryId, id_str
from api.security.identity import CurrentActor
from api.web.corporation.schemas import TAGS, CorpType, maybe_id, optional_id
from application.common.actor import Actor
from application.corporation.tree import OrganisationTreeService
from domain.corporation.tree import NodeKind, TreeNode

OrgTree = NamedDependency[OrganisationTreeService]
TREE = "/api/v1/organization/tree"
MAX_DEPTH = 32
Depth = Annotated[
    int,
    KwargDefinition(schema_extra={"minimum": 0, "maximum": MAX_DEPTH}),  # Litestar drops a bound of 0
    msgspec.Meta(ge=0, le=MAX_DEPTH, description="levels to return; 0: all"),
]


class OrgTreeNode(msgspec.Struct):
    """A corporation or a department, in Coze Plus's CorporationTreeNode shape."""

    id: str
    node_type: str  # "corp" or "dept"
    name: str
    sort: int
    corp_id: str
    corp_type: CorpType  # a department carries its corporation's type
    dept_id: str | None
    parent_id: str | None  # the node above in this tree
    business_parent_id: str | None  # parent corporation of a corporation, parent department of one
    level: int
    tree_path: str
    employee_count: int  # distinct active employees here and below
    direct_employee_count: int
    has_children: bool
    children: list[OrgTreeNode]

    @classmethod
    def of(cls, n: TreeNode) -> OrgTreeNode:
        return cls(
            id_str(n.id),
            n.kind.value,
            n.name,
            n.sort,
            id_str(n.corp_id),
            CorpType.of(n.corp_type),
            id_str(n.id) if n.kind is NodeKind.DEPARTMENT else None,
            maybe_id(n.parent_id),
            maybe_id(n.business_parent_id),
            n.level,
            n.path,
            n.employee_count,
            n.direct_employee_count,
            bool(n.children),
            [cls.of(c) for c in n.children],
        )


class OrganizationTreeRequest(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    corp_id: IdOrEmpty | None = None  # absent: every corporation
    include_departments: bool = True
    depth: Depth = 0
    include_employee_count: bool = True  # sent by Coze Plus clients; counts are always included


NO_ORGANIZATION_TREE = OrganizationTreeRequest()  # what a missing body means: every field at its default


class OrganizationTreeResponse(Envelope, kw_only=True):
    data: list[OrgTreeNode]


async def _tree(
    org_tree: OrganisationTreeService,
    actor: Actor,
    corp_id: str | None,
    include_departments: bool,
    depth: int,
) -> OrganizationTreeResponse:
    """The answer of both tree routes (query or body): every corporation, or the one named."""
    nodes = await org_tree.tree(actor, optional_id(corp_id), include_departments, depth)
    return OrganizationTreeResponse(data=[OrgTreeNode.of(n) for n in nodes])


@get(TREE, tags=TAGS)
async def organization_tree(
    actor: CurrentActor,
    org_tree: OrgTree,
    corp_id: OptionalQueryId = None,
    include_departments: Annotated[bool, QueryParameter()] = True,
    depth: Annotated[int, QueryParameter(ge=0, le=MAX_DEPTH, schema_extra={"minimum": 0})] = 0,
) -> OrganizationTreeResponse:
    return await _tree(org_tree, actor, corp_id, include_departments, depth)


@post(TREE, status_code=200, tags=TAGS)
async def organization_tree_post(
    actor: CurrentActor,
    org_tree: OrgTree,
    data: JSONBody[OrganizationTreeRequest] = NO_ORGANIZATION_TREE,
) -> OrganizationTreeResponse:
    return await _tree(org_tree, actor, data.corp_id, data.include_departments, data.depth)


ROUTES = [organization_tree, organization_tree_post]
