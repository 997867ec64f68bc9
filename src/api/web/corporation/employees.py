"""Employees: /api/v1/corporation/employee/* (organisation managers)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
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
    Source,
    StaffStatus,
    id_change,
    listed,
    maybe_id,
    millis,
    optional_id,
)
from application.common.actor import Actor
from application.corporation.common import ORGANIZATION
from application.corporation.employees import EmployeeDTO, EmployeeFields, EmployeeFilter, EmployeeService
from crossdomain.permission import Action
from domain.corporation.entities import Membership
from domain.corporation.values import MAX_DEPARTMENTS_PER_EMPLOYEE

Employees = NamedDependency[EmployeeService]
EMPLOYEE = f"{PREFIX}/employee"


class EmployeeDepartmentInfo(msgspec.Struct):
    department_id: str
    department_name: str
    corp_id: str
    corp_name: str
    is_primary: bool
    department_path: str


class EmployeeData(msgspec.Struct):
    id: str
    corp_id: str
    employee_no: str | None
    name: str
    email: str
    mobile: str
    position: str
    status: StaffStatus
    user_id: str | None
    employee_source: int
    departments: list[EmployeeDepartmentInfo]
    resigned_at: str
    resign_reason: str
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, e: EmployeeDTO) -> EmployeeData:
        places = [
            EmployeeDepartmentInfo(
                id_str(p.department_id),
                p.department_name,
                id_str(p.corp_id),
                p.corp_name,
                p.is_primary,
                p.department_path,
            )
            for p in e.departments
        ]
        return cls(
            id_str(e.id),
            id_str(e.corp_id),
            e.employee_no,
            e.name,
            e.email,
            e.mobile,
            e.position,
            StaffStatus.of(e.status),
            maybe_id(e.user_id),
            SOURCE[e.source],
            places,
            millis(e.resigned_at),
            e.resign_reason,
            millis(e.created_at),
            millis(e.updated_at),
        )


class Placement(msgspec.Struct, forbid_unknown_fields=True):
    department_id: IdText
    is_primary: bool = False


Placements = Annotated[list[Placement], msgspec.Meta(max_length=MAX_DEPARTMENTS_PER_EMPLOYEE)]


def memberships(places: list[Placement]) -> list[Membership]:
    return [Membership(parse_id(p.department_id), p.is_primary) for p in places]


class CreateEmployeeRequest(msgspec.Struct, forbid_unknown_fields=True):
    name: OrgName
    department_ids: Annotated[
        list[Placement], msgspec.Meta(min_length=1, max_length=MAX_DEPARTMENTS_PER_EMPLOYEE)
    ]  # Coze Plus's name for the placements
    employee_no: str | None = None
    email: str | None = None
    mobile: str | None = None
    position: str | None = None
    user_id: IdOrEmpty | None = None  # link to a platform account
    employee_source: Source | None = None


class UpdateEmployeeRequest(msgspec.Struct, forbid_unknown_fields=True):
    name: OrgName | None = None
    employee_no: str | None = None  # "": remove the number
    email: str | None = None
    mobile: str | None = None
    position: str | None = None
    user_id: IdChange | None = None  # "" or "0": unlink from the platform account
    employee_source: Source | None = None


class ListEmployeeRequest(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    corp_id: IdOrEmpty | None = None
    department_id: IdOrEmpty | None = None
    include_sub_departments: bool = False
    keyword: Keyword | None = None  # name, mobile, email or employee number contains it
    status: StaffStatus | None = None
    page: Page = 1
    page_size: PageSize = 20


NO_LIST_EMPLOYEE = ListEmployeeRequest()  # what a missing body means: every field at its default


class ChangeDepartmentRequest(msgspec.Struct, forbid_unknown_fields=True):
    departments: Annotated[
        list[Placement], msgspec.Meta(min_length=1, max_length=MAX_DEPARTMENTS_PER_EMPLOYEE)
    ]


class ResignRequest(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    reason: str | None = None


NO_RESIGN = ResignRequest()  # what a missing body means: every field at its default


class EmployeeResponse(Envelope, kw_only=True):
    data: EmployeeData


class EmployeeListResponse(Envelope, kw_only=True):
    data: list[EmployeeData]
    total: str
    has_more: bool


def _fields(data: CreateEmployeeRequest | UpdateEmployeeRequest) -> EmployeeFields:
    return EmployeeFields(data.name, data.employee_no, data.email, data.mobile, data.position)


Placing = Callable[[Actor, int, list[Membership]], Awaitable[EmployeeDTO]]


async def _placed(
    place: Placing, actor: Actor, employee_id: int, data: ChangeDepartmentRequest
) -> EmployeeResponse:
    """Moving an employee and restoring one both take the new placements and answer the employee."""
    return EmployeeResponse(
        data=EmployeeData.of(await place(actor, employee_id, memberships(data.departments)))
    )


@post(f"{EMPLOYEE}/create", status_code=200, tags=TAGS)
async def create_employee(
    actor: CurrentActor, employees: Employees, data: JSONBody[CreateEmployeeRequest]
) -> EmployeeResponse:
    employee = await employees.create(
        actor, _fields(data), memberships(data.department_ids), optional_id(data.user_id)
    )
    return EmployeeResponse(data=EmployeeData.of(employee))


@get(f"{EMPLOYEE}/{{employee_id:int}}", tags=TAGS)
async def get_employee(employee_id: Int64Id, actor: CurrentActor, employees: Employees) -> EmployeeResponse:
    return EmployeeResponse(data=EmployeeData.of(await employees.get(actor, employee_id)))


@put(f"{EMPLOYEE}/{{employee_id:int}}", tags=TAGS)
async def update_employee(
    employee_id: Int64Id, actor: CurrentActor, employees: Employees, data: JSONBody[UpdateEmployeeRequest]
) -> EmployeeResponse:
    employee = await employees.update(actor, employee_id, _fields(data), id_change(data.user_id))
    return EmployeeResponse(data=EmployeeData.of(employee))


@delete(f"{EMPLOYEE}/{{employee_id:int}}", status_code=200, tags=TAGS)
async def delete_employee(employee_id: Int64Id, actor: CurrentActor, employees: Employees) -> Envelope:
    await employees.delete(actor, employee_id)
    return Envelope()


@post(f"{EMPLOYEE}/list", status_code=200, tags=TAGS)
async def list_employees(
    actor: CurrentActor, employees: Employees, data: JSONBody[ListEmployeeRequest] = NO_LIST_EMPLOYEE
) -> EmployeeListResponse:
    spec = EmployeeFilter(
        optional_id(data.corp_id),
        optional_id(data.department_id),
        data.include_sub_departments,
        data.keyword or "",
        None if data.status is None else data.status.domain,
    )
    page = await employees.search(actor, spec, data.page, data.page_size)
    return listed(EmployeeListResponse, page, EmployeeData.of)


@put(f"{EMPLOYEE}/{{employee_id:int}}/department", tags=TAGS)
async def change_department(
    employee_id: Int64Id, actor: CurrentActor, employees: Employees, data: JSONBody[ChangeDepartmentRequest]
) -> EmployeeResponse:
    return await _placed(employees.change_departments, actor, employee_id, data)


@put(f"{EMPLOYEE}/{{employee_id:int}}/resign", tags=TAGS)
async def resign_employee(
    employee_id: Int64Id,
    actor: CurrentActor,
    employees: Employees,
    data: JSONBody[ResignRequest] = NO_RESIGN,
) -> EmployeeResponse:
    employee = await employees.resign(actor, employee_id, data.reason or "")
    return EmployeeResponse(data=EmployeeData.of(employee))


@put(f"{EMPLOYEE}/{{employee_id:int}}/restore", tags=TAGS)
async def restore_employee(
    employee_id: Int64Id, actor: CurrentActor, employees: Employees, data: JSONBody[ChangeDepartmentRequest]
) -> EmployeeResponse:
    return await _placed(employees.restore, actor, employee_id, data)


ROUTES = requires(
    ORGANIZATION,
    Action.MANAGE,
    create_employee,
    get_employee,
    update_employee,
    delete_employee,
    list_employees,
    change_department,
    resign_employee,
    restore_employee,
)
