"""Roles and the permission template for the admin console, on Coze Plus's permission_api paths.

Every route here is for super admins; the application services ask the PermissionChecker."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from api.envelope import Envelope
from api.schemas import Int64Str, id_str, parse_id
from api.security.access import requires
from api.security.identity import CurrentActor
from application.permission.dto import RoleDTO, TemplateGroup
from application.permission.roles import ADMIN_OBJECT, RoleService
from crossdomain.permission import Action
from domain.permission.entities import PermissionEntry
from domain.permission.values import MAX_ENTRIES, DomainKind, Effect

Roles = NamedDependency[RoleService]
ROLE = "/api/permission_api/role"
Text64 = Annotated[str, msgspec.Meta(max_length=64)]
# A role's name: 1-64 characters once trimmed, none of them control characters.
RoleName = Annotated[str, msgspec.Meta(pattern=r"^[^\x00-\x1f]*[^\x00-\x1f\s][^\x00-\x1f]*$", max_length=64)]
Text500 = Annotated[str, msgspec.Meta(max_length=500)]


class Permission(msgspec.Struct, forbid_unknown_fields=True):
    """One entry: allow or deny `action` ('*' = all) on `resource` objects (`object_id` '*' = all)."""

    resource: Annotated[str, msgspec.Meta(max_length=32)]
    action: Annotated[str, msgspec.Meta(max_length=16)]
    effect: Effect = Effect.ALLOW
    object_id: Annotated[str, msgspec.Meta(max_length=19)] = "*"

    def entry(self) -> PermissionEntry:
        return PermissionEntry(self.resource, self.action, self.effect, self.object_id)

    @classmethod
    def of(cls, e: PermissionEntry) -> Permission:
        return cls(e.resource, e.action, e.effect, e.object_id)


Permissions = Annotated[list[Permission], msgspec.Meta(max_length=MAX_ENTRIES)]


class RoleData(msgspec.Struct):
    id: str
    role_code: str
    role_name: str
    description: str
    domain: str  # "global" | "space": where the role can be granted
    is_builtin: bool
    is_disabled: bool
    permissions: list[Permission]
    created_by: str
    created_at: int
    updated_at: int

    @classmethod
    def of(cls, r: RoleDTO) -> RoleData:
        return cls(
            id_str(r.id),
            r.code,
            r.name,
            r.description,
            r.domain_kind,
            r.builtin,
            r.disabled,
            [Permission.of(e) for e in r.permissions],
            id_str(r.created_by) if r.created_by else "",
            int(r.created_at.timestamp()),
            int(r.updated_at.timestamp()),
        )


class RoleResponse(Envelope, kw_only=True):
    data: RoleData


class RoleList(msgspec.Struct):
    roles: list[RoleData]
    total: int
    page: int
    page_size: int


class RoleListResponse(Envelope, kw_only=True):
    data: RoleList


class CreateRoleRequest(msgspec.Struct, forbid_unknown_fields=True):
    role_code: Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{1,47}$")]
    role_name: RoleName
    description: Text500 = ""
    domain: DomainKind = DomainKind.SPACE
    permissions: Permissions = msgspec.field(default_factory=list)


class UpdateRoleRequest(msgspec.Struct, forbid_unknown_fields=True):
    id: Int64Str
    role_name: RoleName | None = None
    description: Text500 | None = None
    is_disabled: bool | None = None
    permissions: Permissions | None = None


class RoleRef(msgspec.Struct, forbid_unknown_fields=True):
    id: Int64Str


class ListRolesRequest(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    keyword: Text64 = ""
    is_builtin: bool | None = None
    page: Annotated[int, msgspec.Meta(ge=1, le=100_000)] = 1
    page_size: Annotated[int, msgspec.Meta(ge=1, le=100)] = 20


NO_LIST_ROLES = ListRolesRequest()  # what a missing body means: every field at its default


class TemplateAction(msgspec.Struct):
    action: str


class TemplateResource(msgspec.Struct):
    resource: str
    resource_name: str
    actions: list[TemplateAction]


class TemplateDomain(msgspec.Struct):
    domain: str
    domain_name: str
    resources: list[TemplateResource]

    @classmethod
    def of(cls, g: TemplateGroup) -> TemplateDomain:
        return cls(
            g.domain,
            g.name,
            [
                TemplateResource(r.resource, r.name, [TemplateAction(a) for a in r.actions])
                for r in g.resources
            ],
        )


class TemplateListRequest(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    domain: DomainKind | None = None


NO_TEMPLATE_LIST = TemplateListRequest()  # what a missing body means: every field at its default


class TemplateListResponse(Envelope, kw_only=True):
    data: list[TemplateDomain]


@post(f"{ROLE}/create", status_code=200)
async def create_role(actor: CurrentActor, roles: Roles, data: JSONBody[CreateRoleRequest]) -> RoleResponse:
    role = await roles.create(
        actor,
        data.role_code,
        data.role_name,
        data.domain,
        [p.entry() for p in data.permissions],
        data.description,
    )
    return RoleResponse(data=RoleData.of(role))


@post(f"{ROLE}/update", status_code=200)
async def update_role(actor: CurrentActor, roles: Roles, data: JSONBody[UpdateRoleRequest]) -> RoleResponse:
    role = await roles.update(
        actor,
        parse_id(data.id),
        name=data.role_name,
        description=data.description,
        disabled=data.is_disabled,
        permissions=None if data.permissions is None else [p.entry() for p in data.permissions],
    )
    return RoleResponse(data=RoleData.of(role))


@post(f"{ROLE}/delete", status_code=200)
async def delete_role(actor: CurrentActor, roles: Roles, data: JSONBody[RoleRef]) -> Envelope:
    await roles.delete(actor, parse_id(data.id))
    return Envelope()


@post(f"{ROLE}/get", status_code=200)
async def get_role(actor: CurrentActor, roles: Roles, data: JSONBody[RoleRef]) -> RoleResponse:
    return RoleResponse(data=RoleData.of(await roles.get(actor, parse_id(data.id))))


@post(f"{ROLE}/list", status_code=200)
async def list_roles(
    actor: CurrentActor, roles: Roles, data: JSONBody[ListRolesRequest] = NO_LIST_ROLES
) -> RoleListResponse:
    page = await roles.search(actor, data.page, data.page_size, data.keyword, data.is_builtin)
    return RoleListResponse(
        data=RoleList([RoleData.of(r) for r in page.items], page.total, data.page, data.page_size)
    )


@post("/api/permission_api/template/list", status_code=200)
async def list_templates(
    actor: CurrentActor, roles: Roles, data: JSONBody[TemplateListRequest] = NO_TEMPLATE_LIST
) -> TemplateListResponse:
    groups = await roles.template(actor)
    wanted = data.domain.value if data.domain is not None else None
    return TemplateListResponse(data=[TemplateDomain.of(g) for g in groups if wanted in (None, g.domain)])


ROUTES = [
    *requires(ADMIN_OBJECT, Action.MANAGE, create_role, update_role, delete_role),
    *requires(ADMIN_OBJECT, Action.READ, get_role, list_roles, list_templates),
]
