"""User-role grants (super admins): assign and unassign custom roles in a domain, list a user's roles."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from application.common.actor import Actor
from application.permission.checker import CachedPermissionChecker
from application.permission.dto import UserRoleDTO
from application.permission.roles import ADMIN_OBJECT
from crossdomain.audit import AuditRecorder, AuditResult
from crossdomain.permission import GLOBAL_DOMAIN, Action
from crossdomain.user import UserCard, UserDirectory
from domain.common.access import UserNotFound
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from domain.permission.entities import SUPER_ADMIN, Grant, Role, check_grantable
from domain.permission.errors import InvalidPermission, RoleNotFound
from domain.permission.events import PolicyChanged
from domain.permission.ports import GrantRepository, RoleRepository
from domain.permission.values import checked_domain

MAX_ROLES_PER_CALL = 50


class GrantService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        roles: RoleRepository,
        grants: GrantRepository,
        users: UserDirectory,
        checker: CachedPermissionChecker,
        audit: AuditRecorder,
        ids: IdGenerator,
        clock: Clock,
    ) -> None:
        self._uow, self._roles, self._grants, self._users = uow, roles, grants, users
        self._checker, self._audit, self._ids, self._clock = checker, audit, ids, clock

    async def require_admin(self, actor: Actor) -> None:
        """For the account operations this console fronts (list, status, password reset)."""
        await self._checker.require(actor, ADMIN_OBJECT, Action.MANAGE)

    async def assign(
        self,
        actor: Actor,
        user_id: int,
        role_ids: Sequence[int],
        domain: str,
        expires_at: datetime | None = None,
    ) -> list[UserRoleDTO]:
        """Grant each role in `domain`; an existing grant gets the new expiry (renewal)."""
        await self._checker.require(actor, ADMIN_OBJECT, Action.MANAGE)
        checked_domain(domain)
        now = self._clock.now()
        granted: list[UserRoleDTO] = []
        async with self._uow() as uow:
            await self._user(user_id)
            for role in await self._each_role(role_ids):
                check_grantable(role, domain, expires_at, now)
                grant = await self._grants.find(user_id, role.id, domain)
                if grant is None:
                    grant = Grant(
                        self._ids.next_id(), user_id, role.id, domain, now, actor.user_id, expires_at
                    )
                else:
                    grant.assigned_by, grant.expires_at = actor.user_id, expires_at
                await self._grants.put(grant)
                granted.append(_dto(role, grant))
                await self._audit.record(
                    "permission.grant",
                    AuditResult.OK,
                    actor,
                    target_type="user",
                    target_id=user_id,
                    detail={
                        "role": role.code,
                        "domain": domain,
                        "expires_at": expires_at.isoformat() if expires_at else "",
                    },
                )
            uow.record(PolicyChanged(reason="permission.grant", target=str(user_id)))
            await uow.commit()
        self._checker.invalidate()
        return granted

    async def unassign(self, actor: Actor, user_id: int, role_ids: Sequence[int], domain: str) -> int:
        await self._checker.require(actor, ADMIN_OBJECT, Action.MANAGE)
        checked_domain(domain)
        removed = 0
        async with self._uow() as uow:
            await self._user(user_id)
            for role in await self._each_role(role_ids):
                grant = await self._grants.find(user_id, role.id, domain)
                if grant is None:
                    continue
                await self._grants.remove(grant.id)
                removed += 1
                await self._audit.record(
                    "permission.revoke",
                    AuditResult.OK,
                    actor,
                    target_type="user",
                    target_id=user_id,
                    detail={"role": role.code, "domain": domain},
                )
            if removed:
                uow.record(PolicyChanged(reason="permission.revoke", target=str(user_id)))
            await uow.commit()
        if removed:
            self._checker.invalidate()
        return removed

    async def roles_of(self, actor: Actor, user_id: int) -> list[UserRoleDTO]:
        """Explicit grants (expired ones included, marked by expires_at) plus super_admin when the
        account is a superuser. Space roles are listed with the space's members."""
        await self._checker.require(actor, ADMIN_OBJECT, Action.READ)
        async with self._uow():
            user = await self._user(user_id)
            grants = await self._grants.of_user(user_id)
            roles = {r.id: r for r in await self._roles.all()}
        found: list[UserRoleDTO] = []
        if user.is_superuser:
            admin = next(r for r in roles.values() if r.code == SUPER_ADMIN)
            found.append(UserRoleDTO(admin.id, admin.code, admin.name, GLOBAL_DOMAIN, True, None, None, None))
        found += [_dto(roles[g.role_id], g) for g in grants if g.role_id in roles]
        return found

    async def _user(self, user_id: int) -> UserCard:
        user = await self._users.card(user_id)
        if user is None:
            raise UserNotFound()
        return user

    async def _each_role(self, role_ids: Sequence[int]) -> list[Role]:
        if not 1 <= len(role_ids) <= MAX_ROLES_PER_CALL:
            raise InvalidPermission(detail=f"give 1 to {MAX_ROLES_PER_CALL} role ids")
        roles: list[Role] = []
        for role_id in dict.fromkeys(role_ids):
            role = await self._roles.get(role_id)
            if role is None:
                raise RoleNotFound()
            roles.append(role)
        return roles


def _dto(role: Role, grant: Grant) -> UserRoleDTO:
    return UserRoleDTO(
        role.id,
        role.code,
        role.name,
        grant.domain,
        False,
        grant.assigned_by,
        grant.expires_at,
        grant.created_at,
    )
