"""What the plugin context needs from the outside: its repositories (inside a unit of work) and the
runtime that calls a tool."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from domain.plugin.auth import OAuthClient, PluginAuth
from domain.plugin.entities import Plugin, PluginVersion, Tool
from domain.plugin.grants import ConsentRequest, IssuedToken, UserGrant
from domain.plugin.invocation import ToolAnswer, ToolTarget
from domain.plugin.tools import ToolOperation


class ToolRunner(Protocol):
    async def call(self, target: ToolTarget, arguments: Any, *, user_id: int = 0) -> ToolAnswer:
        """Check the arguments, authorize (for `user_id` when the plugin acts per user) and call.

        Raises ToolArgumentsInvalid, ToolNeedsAuthorization or ToolCallFailed."""
        ...


class McpToolLister(Protocol):
    async def list_tools(self, server_url: str, auth: PluginAuth) -> tuple[ToolOperation, ...]:
        """The tools an MCP server (`mcp:<url>` or `mcp+sse:<url>`) offers, as operations.

        Raises OutboundRefused (the guard refused the address) or McpServerUnusable."""
        ...


@dataclass(frozen=True, slots=True)
class PluginQuery:
    space_id: int
    name: str = ""  # substring of the plugin's name, case-insensitive
    published: bool | None = None
    creator_id: int | None = None  # only this creator's
    plugin_ids: tuple[int, ...] = ()  # only these
    page: int = 1
    size: int = 20


class PluginRepository(Protocol):
    async def add(self, plugin: Plugin) -> None: ...

    async def get(self, plugin_id: int, *, for_update: bool = False) -> Plugin | None: ...

    async def save(self, plugin: Plugin) -> None: ...

    async def delete(self, plugin_id: int) -> None:
        """Its tools and versions go with it."""
        ...

    async def page(self, query: PluginQuery) -> tuple[list[Plugin], int]:
        """Most recently updated first."""
        ...


class ToolRepository(Protocol):
    async def of_plugin(self, plugin_id: int) -> list[Tool]:
        """The draft's tools in document order."""
        ...

    async def of_plugins(self, plugin_ids: Sequence[int]) -> dict[int, list[Tool]]: ...

    async def replace(self, plugin_id: int, tools: Sequence[Tool]) -> None:
        """Make `tools` the draft's tools (in this order): others go, these are written."""
        ...


class VersionRepository(Protocol):
    async def add(self, version: PluginVersion) -> None: ...

    async def latest(self, plugin_id: int) -> PluginVersion | None: ...

    async def named(self, plugin_id: int, version: str) -> PluginVersion | None: ...

    async def latest_of(self, plugin_ids: Sequence[int]) -> dict[int, PluginVersion]: ...

    async def page(self, plugin_id: int, page: int, size: int) -> tuple[list[PluginVersion], int]:
        """Newest first."""
        ...


class TokenEndpoint(Protocol):
    async def request(self, client: OAuthClient, grant: Mapping[str, str]) -> IssuedToken:
        """POST `grant` (grant_type and its fields) to the client's token URL, the client
        authenticating with its id and secret. Raises domain.plugin.grants.TokenRequestFailed."""
        ...


class UserGrantRepository(Protocol):
    async def get(self, plugin_id: int, user_id: int, *, for_update: bool = False) -> UserGrant | None: ...

    async def put(self, grant: UserGrant) -> None:
        """Insert or replace the user's grant for the plugin."""
        ...

    async def delete(self, plugin_id: int, user_id: int) -> bool: ...

    async def of_user(self, user_id: int, plugin_ids: Sequence[int]) -> set[int]:
        """The plugins among `plugin_ids` the user has a grant for."""
        ...


class ConsentRepository(Protocol):
    async def add(self, consent: ConsentRequest, *, keep: int, now: datetime) -> None:
        """Keep it, dropping the user's expired requests and the oldest beyond `keep` open ones."""
        ...

    async def take(self, state_digest: str, now: datetime) -> ConsentRequest | None:
        """The open request with this digest, removed so it cannot be taken twice; None when there
        is none or it has expired."""
        ...
