"""Departments: /api/v1/corporation/department/* (organisation managers)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody

from api.envelope import Envelope
from api.schemas import IdChange, IdOrEmpty, Int64Id, id_str, parse_id
from api.security.access import requires
from api.security.identity import CurrentActor
from api.web.corporation.schemas import (
    PREFIX,
    SOURCE,
    TAGS,
    IdText,
    Keyword,
    OrgName,
    Page,
    PageSize,
    Sort,
    Source,
    id_change,
    listed,
    maybe_id,
    millis,
    optional_id,
    same_id,
)
from api.web.corporation.tree import OrgTreeNode
from application.corporation.common import ORGANIZATION, DepartmentDTO
from application.corporation.departments import DepartmentService
from crossdomain.permission import Action
from domain.corporation.ports import DepartmentQuery

Departments = NamedDependency[DepartmentService]
DEPARTMENT = f"{PREFIX}/department"
MAX_SORTED = 1000


class DepartmentData(msgspec.Struct):
    id: str
    corp_id: str
    parent_id: str | None
    name: str
    code: str
    level: int
    full_path: str
    sort: int
    department_source: int
    creator_id: str | None
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, d: DepartmentDTO) -> DepartmentData:
        return cls(
            id_str(d.id),
            id_str(d.corp_id),
            maybe_id(d.parent_id),
            d.name,
            d.code,
            d.level,
            d.full_path,
            d.sort,
            SOURCE[d.source],
            maybe_id(d.creator_id),
            millis(d.created_at),
            millis(d.updated_at),
        )


class CreateDepartmentRequest(msgspec.Struct, forbid_unknown_fields=True):
    name: OrgName
    corp_id: IdText
    parent_id: IdOrEmpty | None = None
    code: str | None = None
    sort: Sort = 0
    department_source: Source | None = None


class UpdateDepartmentRequest(msgspec.Struct, forbid_unknown_fields=True):
    id: IdOrEmpty | None = None
    name: OrgName | None = None
    parent_id: IdChange | None = None  # "" or "0": move to the corporation's top level
    code: str | None = None
    sort: Sort | None = None
    department_source: Source | None = None


class ListDepartmentRequest(msgspec.Struct, forbid_unknown_fields=True):
    corp_id: IdText
    parent_id: IdOrEmpty | None = None
    keyword: Keyword | None = None
    page: Page = 1
    page_size: PageSize = 20


class DepartmentOrder(msgspec.Struct, forbid_unknown_fields=True):
    id: IdText
    sort: Sort | None = None  # absent: the position in the list


class SortDepartmentRequest(msgspec.Struct, forbid_unknown_fields=True):
    parent_id: IdText  # a department, or a corporation for its top-level departments
    department_ids: Annotated[list[DepartmentOrder], msgspec.Meta(max_length=MAX_SORTED)]


class DepartmentTreeRequest(msgspec.Struct, forbid_unknown_fields=True):
    corp_id: IdText


class DepartmentResponse(Envelope, kw_only=True):
    data: DepartmentData


class DepartmentListResponse(Envelope, kw_only=True):
    data: list[DepartmentData]
    total: str
    has_more: bool


class DepartmentTreeResponse(Envelope, kw_only=True):
    data: list[OrgTreeNode]


@post(f"{DEPARTMENT}/create", status_code=200, tags=TAGS)
async def create_department(
    actor: CurrentActor, departments: Departments, data: JSONBody[CreateDepartmentRequest]
) -> DepartmentResponse:
    dept = await departments.create(
        actor, parse_id(data.corp_id), data.name, optional_id(data.parent_id), data.code or "", data.sort
    )
    return DepartmentResponse(data=DepartmentData.of(dept))


@get(f"{DEPARTMENT}/{{department_id:int}}", tags=TAGS)
async def get_department(
    department_id: Int64Id, actor: CurrentActor, departments: Departments
) -> DepartmentResponse:
    return DepartmentResponse(data=DepartmentData.of(await departments.get(actor, department_id)))


@put(f"{DEPARTMENT}/{{department_id:int}}", tags=TAGS)
async def update_department(
    department_id: Int64Id,
    actor: CurrentActor,
    departments: Departments,
    data: JSONBody[UpdateDepartmentRequest],
) -> DepartmentResponse:
    same_id(data.id, department_id)
    dept = await departments.update(
        actor,
        department_id,
        name=data.name,
        code=data.code,
        parent_id=id_change(data.parent_id),
        sort=data.sort,
    )
    return DepartmentResponse(data=DepartmentData.of(dept))


@delete(f"{DEPARTMENT}/{{department_id:int}}", status_code=200, tags=TAGS)
async def delete_department(
    department_id: Int64Id, actor: CurrentActor, departments: Departments
) -> Envelope:
    await departments.delete(actor, department_id)
    return Envelope()


@post(f"{DEPARTMENT}/list", status_code=200, tags=TAGS)
async def list_departments(
    actor: CurrentActor, departments: Departments, data: JSONBody[ListDepartmentRequest]
) -> DepartmentListResponse:
    query = DepartmentQuery(parse_id(data.corp_id), optional_id(data.parent_id), data.keyword or "")
    page = await departments.search(actor, query, data.page, data.page_size)
    return listed(DepartmentListResponse, page, DepartmentData.of)


@post(f"{DEPARTMENT}/sort", status_code=200, tags=TAGS)
async def sort_departments(
    actor: CurrentActor, departments: Departments, data: JSONBody[SortDepartmentRequest]
) -> Envelope:
    order = [(parse_id(o.id), o.sort) for o in data.department_ids]
    await departments.sort(actor, parse_id(data.parent_id), order)
    return Envelope()


@post(f"{DEPARTMENT}/tree", status_code=200, tags=TAGS)
async def department_tree(
    actor: CurrentActor, departments: Departments, data: JSONBody[DepartmentTreeRequest]
) -> DepartmentTreeResponse:
    nodes = await departments.tree(actor, parse_id(data.corp_id))
    return DepartmentTreeResponse(data=[OrgTreeNode.of(n) for n in nodes])


ROUTES = requires(
    ORGANIZATION,
    Action.MANAGE,
    create_department,
    get_department,
    update_department,
    delete_department,
    list_departments,
    sort_departments,
    department_tree,
)
