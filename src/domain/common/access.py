"""Shared kernel for the checks every context makes on a call: the token scopes it may carry, and
the answers for a scope not granted, a space out of the caller's reach and an unknown account.

They live here, not in openauth, space and user, because other contexts' application layers raise
them on their own resources (docs/adr/0040); those contexts re-export them under their old names.
"""

from __future__ import annotations

from enum import StrEnum

from domain.common.errors import NotFound, PermissionDenied


class Scope(StrEnum):
    """What a token may do. A token with no scopes may do what its owner may do."""

    USER_READ = "user:read"
    WORKSPACE_READ = "workspace:read"
    WORKSPACE_WRITE = "workspace:write"  # members of a workspace (token API /v1/workspaces/{id}/members)
    BOT_READ = "bot:read"
    BOT_WRITE = "bot:write"
    CHAT = "chat"
    WORKFLOW_RUN = "workflow:run"
    KNOWLEDGE_READ = "knowledge:read"
    KNOWLEDGE_WRITE = "knowledge:write"
    FILE_UPLOAD = "file:upload"


class ScopeNotGranted(PermissionDenied):
    message_key = "openauth.scope_not_granted"


class SpaceNotFound(NotFound):
    """Also what a non-member sees: another space's id is indistinguishable from a missing one."""

    message_key = "space.not_found"


class UserNotFound(NotFound):
    message_key = "user.not_found"
