"""The permission context: roles, grants and the cached checker every other context asks."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.permission.checker import CachedPermissionChecker
from application.permission.grants import GrantService
from application.permission.roles import RoleService
from application.space.membership import MembershipReader
from application.user.directory import UserDirectoryService
from crossdomain.audit import AuditRecorder
from domain.common.eventbus import Listener
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from domain.permission.events import POLICY_CHANGED
from infra.permission.casbin_engine import CasbinPolicyEngine
from infra.persistence.permission import SqlGrantRepository, SqlRoleRepository
from infra.persistence.space import SqlSpaceRepository
from infra.persistence.user import SqlUserRepository


class PermissionContainer(containers.DeclarativeContainer):
    uow: providers.Dependency[UnitOfWorkFactory] = providers.Dependency()
    ids: providers.Dependency[IdGenerator] = providers.Dependency()
    clock: providers.Dependency[Clock] = providers.Dependency()
    audit: providers.Dependency[AuditRecorder] = providers.Dependency()
    cache_max_age_s: providers.Dependency[float] = providers.Dependency(instance_of=float)
    cache_size: providers.Dependency[int] = providers.Dependency(instance_of=int)

    roles = providers.Singleton(SqlRoleRepository)
    grants = providers.Singleton(SqlGrantRepository)
    # Repositories hold no state: own instances keep this container free of a cycle with identity's
    # SpaceService, which itself asks the checker.
    spaces = providers.Singleton(SqlSpaceRepository)
    users = providers.Singleton(SqlUserRepository)
    user_directory = providers.Singleton(UserDirectoryService, uow=uow, users=users)

    engine = providers.Singleton(CasbinPolicyEngine)
    membership = providers.Singleton(MembershipReader, uow=uow, spaces=spaces, clock=clock)
    checker = providers.Singleton(
        CachedPermissionChecker,
        uow=uow,
        roles=roles,
        grants=grants,
        engine=engine,
        membership=membership,
        clock=clock,
        max_age_s=cache_max_age_s,
        cache_size=cache_size,
    )
    policy_listener = providers.Singleton(
        Listener,
        topic=POLICY_CHANGED,
        handler=checker.provided.on_policy_changed,
        on_gap=checker.provided.on_missed_events,
    )

    role_service = providers.Singleton(
        RoleService, uow=uow, roles=roles, grants=grants, checker=checker, audit=audit, ids=ids, clock=clock
    )
    grant_service = providers.Singleton(
        GrantService,
        uow=uow,
        roles=roles,
        grants=grants,
        users=user_directory,
        checker=checker,
        audit=audit,
        ids=ids,
        clock=clock,
    )
