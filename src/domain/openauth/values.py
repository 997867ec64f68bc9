from __future__ import annotations

from enum import StrEnum

TOKEN_PREFIX = "pat_"  # noqa: S105 - a prefix, not a secret


class Scope(StrEnum):
    """What a token may do. A token with no scopes may do what its owner may do."""

    USER_READ = "user:read"
    WORKSPACE_READ = "workspace:read"
    BOT_READ = "bot:read"
    BOT_WRITE = "bot:write"
    CHAT = "chat"
    WORKFLOW_RUN = "workflow:run"
    KNOWLEDGE_READ = "knowledge:read"
    KNOWLEDGE_WRITE = "knowledge:write"
    FILE_UPLOAD = "file:upload"
