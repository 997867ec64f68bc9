from __future__ import annotations

from datetime import timedelta

from dependency_injector import containers, providers

from application.common.ratelimit import RateLimiter
from application.openauth.authcache import TokenAuthCache
from application.openauth.tokens import TokenService
from application.space.service import SpaceService
from application.user.accounts import AccountService
from application.user.directory import UserDirectoryService
from application.user.sessions import SessionService
from crossdomain.audit import AuditRecorder
from crossdomain.permission import PermissionChecker
from crossdomain.settings import SettingsReader
from domain.common.eventbus import Listener
from domain.common.kv import KeyValueStore
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from domain.openauth.events import TOKEN_REVOKED
from domain.user.events import ACCOUNT_STATUS_CHANGED
from infra.persistence.openauth import SqlTokenRepository
from infra.persistence.space import SqlSpaceRepository
from infra.persistence.user import SqlSessionRepository, SqlUserRepository, UserRow
from infra.security.attempts import KvAttemptCounter
from infra.security.passwords import Argon2PasswordHasher
from infra.security.secrets import HmacSecretHasher


class IdentityContainer(containers.DeclarativeContainer):
    """Contexts user, space, openauth and the audit log."""

    uow: providers.Dependency[UnitOfWorkFactory] = providers.Dependency()
    ids: providers.Dependency[IdGenerator] = providers.Dependency()
    clock: providers.Dependency[Clock] = providers.Dependency()
    settings_reader: providers.Dependency[SettingsReader] = providers.Dependency()
    server_secret: providers.Dependency[bytes] = providers.Dependency(instance_of=bytes)
    allow_registration: providers.Dependency[bool] = providers.Dependency(instance_of=bool)
    session_days: providers.Dependency[int] = providers.Dependency(instance_of=int)
    audit: providers.Dependency[AuditRecorder] = providers.Dependency()
    kv: providers.Dependency[KeyValueStore] = providers.Dependency()
    rate_limit_token_per_min: providers.Dependency[int] = providers.Dependency(instance_of=int)
    rate_limit_user_per_min: providers.Dependency[int] = providers.Dependency(instance_of=int)
    permissions: providers.Dependency[PermissionChecker] = providers.Dependency()
    token_auth_cache_ttl_s: providers.Dependency[float] = providers.Dependency(instance_of=float)
    password_hash_time_cost = providers.Dependency(instance_of=int, default=2)
    password_hash_memory_kib = providers.Dependency(instance_of=int, default=19 * 1024)

    users = providers.Singleton(SqlUserRepository)
    sessions = providers.Singleton(SqlSessionRepository)
    spaces = providers.Singleton(SqlSpaceRepository)
    # Bearer auth loads the token's owner with it (one statement); the row class comes from here.
    tokens = providers.Singleton(SqlTokenRepository, owner_row=UserRow)
    # crossdomain.user.UserDirectory: what the space and openauth contexts read of accounts
    user_directory = providers.Singleton(UserDirectoryService, uow=uow, users=users)

    password_hasher = providers.Singleton(
        Argon2PasswordHasher, time_cost=password_hash_time_cost, memory_cost_kib=password_hash_memory_kib
    )
    session_hasher = providers.Singleton(HmacSecretHasher, key=server_secret, purpose="session")
    token_hasher = providers.Singleton(HmacSecretHasher, key=server_secret, purpose="personal-access-token")
    login_attempts = providers.Singleton(KvAttemptCounter, kv=kv)
    rate_limiter = providers.Singleton(
        RateLimiter, kv=kv, per_token=rate_limit_token_per_min, per_user=rate_limit_user_per_min
    )

    token_auth_cache = providers.Singleton(TokenAuthCache, ttl_s=token_auth_cache_ttl_s)
    # Every process drops its remembered bearer auth when any process revokes a token or changes
    # an account's status (the TTL bounds what a missed event can leave behind).
    token_revoked_listener = providers.Singleton(
        Listener,
        topic=TOKEN_REVOKED,
        handler=token_auth_cache.provided.on_credentials_changed,
        on_gap=token_auth_cache.provided.on_missed_events,
    )
    account_status_listener = providers.Singleton(
        Listener,
        topic=ACCOUNT_STATUS_CHANGED,
        handler=token_auth_cache.provided.on_credentials_changed,
        on_gap=token_auth_cache.provided.on_missed_events,
    )

    space_service = providers.Singleton(
        SpaceService,
        uow=uow,
        spaces=spaces,
        users=user_directory,
        audit=audit,
        ids=ids,
        clock=clock,
        permissions=permissions,
    )
    account_service = providers.Singleton(
        AccountService,
        uow=uow,
        users=users,
        sessions=sessions,
        hasher=password_hasher,
        spaces=space_service,
        audit=audit,
        ids=ids,
        clock=clock,
        registration_open=allow_registration,
        permissions=permissions,
        watchers=providers.List(token_auth_cache),
    )
    session_service = providers.Singleton(
        SessionService,
        uow=uow,
        users=users,
        sessions=sessions,
        hasher=password_hasher,
        signer=session_hasher,
        attempts=login_attempts,
        audit=audit,
        ids=ids,
        clock=clock,
        ttl=providers.Factory(lambda days: timedelta(days=days), session_days),
    )
    token_service = providers.Singleton(
        TokenService,
        uow=uow,
        tokens=tokens,
        users=user_directory,
        hasher=token_hasher,
        membership=space_service,
        settings=settings_reader,
        audit=audit,
        ids=ids,
        clock=clock,
        cache=token_auth_cache,
    )
