"""Role administration (super admins): custom roles, the built-in roles' rights, the template.

Every change commits together with its audit entry and a `permission.policy_changed` event in the
outbox, so each process's checker drops its cached policy exactly when the change exists."""

from __future__ import annotations

from application.common.actor import Actor
from application.common.paging import Page, bounded
from application.permission.checker import CachedPermissionChecker
from application.permission.dto import RoleDTO, TemplateGroup, template
from crossdomain.audit import AuditRecorder, AuditResult
from crossdomain.permission import Action, Resource, ResourceKind
from domain.common.ports import Clock, IdGenerator, UnitOfWork, UnitOfWorkFactory
from domain.permission.entities import PermissionEntry, Role
from domain.permission.errors import RoleCodeTaken, RoleInUse, RoleNotFound
from domain.permission.events import PolicyChanged
from domain.permission.ports import GrantRepository, RoleRepository
from domain.permission.values import DomainKind

ADMIN_OBJECT = Resource.platform(ResourceKind.PERMISSION)


class RoleService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        roles: RoleRepository,
        grants: GrantRepository,
        checker: CachedPermissionChecker,
        audit: AuditRecorder,
        ids: IdGenerator,
        clock: Clock,
    ) -> None:
        self._uow, self._roles, self._grants, self._checker = uow, roles, grants, checker
        self._audit, self._ids, self._clock = audit, ids, clock

    async def template(self, actor: Actor) -> list[TemplateGroup]:
        await self._checker.require(actor, ADMIN_OBJECT, Action.READ)
        return template()

    async def search(
        self, actor: Actor, page: int, page_size: int, keyword: str = "", builtin: bool | None = None
    ) -> Page[RoleDTO]:
        await self._checker.require(actor, ADMIN_OBJECT, Action.READ)
        size = bounded(page_size)
        async with self._uow():
            roles, total = await self._roles.list(max(page - 1, 0) * size, size, keyword[:64], builtin)
        return Page([RoleDTO.of(r) for r in roles], total, page * size < total)

    async def get(self, actor: Actor, role_id: int) -> RoleDTO:
        await self._checker.require(actor, ADMIN_OBJECT, Action.READ)
        async with self._uow():
            return RoleDTO.of(await self._role(role_id))

    async def create(
        self,
        actor: Actor,
        code: str,
        name: str,
        kind: DomainKind,
        permissions: list[PermissionEntry],
        description: str = "",
    ) -> RoleDTO:
        await self._checker.require(actor, ADMIN_OBJECT, Action.MANAGE)
        now = self._clock.now()
        role = Role.custom(
            self._ids.next_id(), code, name, kind, permissions, now, description, actor.user_id
        )
        async with self._uow() as uow:
            if await self._roles.get_by_code(role.code) is not None:
                raise RoleCodeTaken(code=role.code)
            await self._roles.add(role)
            await self._changed(uow, actor, "permission.role.create", role, {"code": role.code})
        return RoleDTO.of(role)

    async def update(
        self,
        actor: Actor,
        role_id: int,
        *,
        name: str | None = None,
        description: str | None = None,
        disabled: bool | None = None,
        permissions: list[PermissionEntry] | None = None,
    ) -> RoleDTO:
        await self._checker.require(actor, ADMIN_OBJECT, Action.MANAGE)
        now = self._clock.now()
        async with self._uow() as uow:
            role = await self._role(role_id)
            role.rename(name, description, now)
            if disabled is not None:
                role.set_disabled(disabled, now)
            if permissions is not None:
                role.set_permissions(permissions, now)
            await self._roles.save(role)
            fields = {
                "name": name,
                "description": description,
                "disabled": disabled,
                "permissions": permissions,
            }
            changed = [k for k, v in fields.items() if v is not None]
            await self._changed(uow, actor, "permission.role.update", role, {"fields": ",".join(changed)})
        return RoleDTO.of(role)

    async def delete(self, actor: Actor, role_id: int) -> None:
        await self._checker.require(actor, ADMIN_OBJECT, Action.MANAGE)
        async with self._uow() as uow:
            role = await self._role(role_id)
            role.check_deletable()
            holders = await self._grants.count_for_role(role_id)
            if holders:
                raise RoleInUse(count=holders)
            await self._roles.delete(role_id)
            await self._changed(uow, actor, "permission.role.delete", role, {"code": role.code})

    async def _role(self, role_id: int) -> Role:
        role = await self._roles.get(role_id)
        if role is None:
            raise RoleNotFound()
        return role

    async def _changed(
        self, uow: UnitOfWork, actor: Actor, action: str, role: Role, detail: dict[str, str]
    ) -> None:
        uow.record(PolicyChanged(reason=action, target=str(role.id)))
        await self._audit.record(
            action, AuditResult.OK, actor, target_type="role", target_id=role.id, detail=detail
        )
        await uow.commit()
        self._checker.invalidate()
