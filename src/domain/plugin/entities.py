"""The plugin registry: a plugin of a space (its draft OpenAPI document, meta and auth), the tools
derived from the document (one per operation) and the versions publishing froze.

The draft document is the source of truth for the tools: every edit (a tool added, changed or
removed, the document replaced) writes the document and derives the tools again, keeping each
tool's id, activation and debug state when its operationId (or its method and path) stays."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Any

from domain.plugin.auth import PluginAuth
from domain.plugin.errors import InvalidPluginRequest
from domain.plugin.tools import ToolOperation

MAX_NAME = 100
MAX_DESCRIPTION = 2000
MAX_VERSION_DESCRIPTION = 2000
FIRST_VERSION = "v1.0.0"
_VERSION = re.compile(r"^v(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})$")


class PluginKind(StrEnum):
    OPENAPI = "openapi"  # HTTP tools described by an OpenAPI 3 document
    MCP = "mcp"  # a remote MCP server (later)
    LOCAL = "local"  # tools the client runs (later)


class PluginStatus(StrEnum):
    DRAFT = "draft"  # never published
    PUBLISHED = "published"  # at least one version exists


class DebugStatus(IntEnum):
    """Coze's APIDebugStatus."""

    WAITING = 0
    PASSED = 1


@dataclass(frozen=True, slots=True)
class Plugin:
    id: int
    space_id: int
    creator_id: int
    name: str
    description: str
    icon_uri: str
    kind: PluginKind
    server_url: str
    auth: PluginAuth
    document: Mapping[str, Any]  # the draft OpenAPI document, as JSON
    created_at: datetime
    updated_at: datetime
    status: PluginStatus = PluginStatus.DRAFT
    version_name: str = ""  # the latest published version, "" before the first
    published_at: datetime | None = None
    edit_version: int = 1  # counts draft edits (Coze's edit_version)
    manifest: Mapping[str, Any] | None = None  # the manifest as given, without its auth payload

    @property
    def changed_since_publish(self) -> bool:
        return self.published_at is None or self.updated_at > self.published_at


@dataclass(frozen=True, slots=True)
class Tool:
    id: int
    plugin_id: int
    space_id: int
    operation: ToolOperation
    created_at: datetime
    activated: bool = True
    debug_status: DebugStatus = DebugStatus.WAITING

    @property
    def name(self) -> str:
        return self.operation.name

    @property
    def method(self) -> str:
        return self.operation.method.value

    @property
    def path(self) -> str:
        return self.operation.path

    @property
    def description(self) -> str:
        return self.operation.description


@dataclass(frozen=True, slots=True)
class PluginMeta:
    """What a version freezes beside its document and tools."""

    name: str
    description: str
    icon_uri: str
    server_url: str
    auth: PluginAuth


@dataclass(frozen=True, slots=True)
class PluginVersion:
    id: int
    plugin_id: int
    space_id: int
    version: str  # "v1.0.0"
    description: str
    document: Mapping[str, Any]
    tools: tuple[Tool, ...]  # every tool of the draft at publishing, activated or not
    meta: PluginMeta
    creator_id: int
    created_at: datetime

    def tool(self, tool_id: int) -> Tool | None:
        return next((t for t in self.tools if t.id == tool_id), None)


def version_key(name: str) -> tuple[int, int, int]:
    match = _VERSION.match(name)
    if match is None:
        raise InvalidPluginRequest(detail=f"a version is named like {FIRST_VERSION}, not {name[:40]!r}")
    major, minor, patch = (int(g) for g in match.groups())
    return major, minor, patch


def next_version(latest: str | None) -> str:
    """The version name to suggest after `latest`: its patch number plus one."""
    if not latest:
        return FIRST_VERSION
    major, minor, patch = version_key(latest)
    return f"v{major}.{minor}.{patch + 1}"
