"""Users, sessions, spaces and personal access tokens (user, space and openauth domains)."""

from api.admin.users import UsersController
from api.openapi import identity
from api.web import passport, spaces, tokens
from bootstrap.modules.base import ContextModule, Routes
from crossdomain.space import SpaceMembership
from crossdomain.user import UserDirectory

MODULE = ContextModule(
    name="identity",
    routes=Routes(
        token_api=identity.ROUTES,
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
)
