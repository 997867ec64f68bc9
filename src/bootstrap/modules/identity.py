"""Users, sessions, spaces and personal access tokens (user, space and openauth domains)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dependency_injector import providers

from api import identity_errors
from api.admin.users import UsersController
from api.openapi import identity, workspace_members
from api.web import passport, spaces, tokens
from bootstrap.containers.identity import IdentityContainer
from bootstrap.modules.base import ContextModule, Kernel, Routes, wire
from crossdomain.space import SpaceMembership
from crossdomain.user import UserDirectory

if TYPE_CHECKING:
    from bootstrap.container import Container


def _containers(c: Container, kernel: Kernel) -> dict[str, providers.Container[Any]]:
    settings = c.settings.provided
    identity = wire(
        IdentityContainer,
        kernel,
        settings_reader=c.system.settings_service,
        server_secret=c.server_secret,
        allow_registration=settings.allow_registration,
        session_days=settings.session_days,
        kv=c.core.kv,
        rate_limit_token_per_min=settings.rate_limit_token_per_min,
        rate_limit_user_per_min=settings.rate_limit_user_per_min,
        token_auth_cache_ttl_s=settings.token_auth_cache_ttl_s,
        password_hash_time_cost=settings.password_hash_time_cost,
        password_hash_memory_kib=settings.password_hash_memory_kib,
    )
    return {"identity": identity}


MODULE = ContextModule(
    name="identity",
    messages=identity_errors.MESSAGES,
    routes=Routes(
        token_api=[*identity.ROUTES, *workspace_members.ROUTES],
        web=[*passport.ROUTES, *spaces.ROUTES, *tokens.ROUTES],
        admin=[UsersController],
    ),
    dependencies=lambda c: {
        "accounts": c.identity.account_service,
        "sessions": c.identity.session_service,
        "spaces": c.identity.space_service,
        "tokens": c.identity.token_service,
    },
    listeners=lambda c: [c.identity.token_revoked_listener, c.identity.account_status_listener],
    crossdomain=lambda c: {
        UserDirectory: c.identity.user_directory,
        SpaceMembership: c.identity.space_service,
    },
    containers=_containers,
)
