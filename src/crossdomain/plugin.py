"""What the plugin context offers others (the chat engine's tool loop, later workflows): the
published tools of a space, as their frozen version describes them, with how to call them.

The types mirror domain.plugin's (ToolOperation, PluginAuth) because crossdomain sits below every
domain; secrets stay sealed here (only the tool runtime opens them, for the request that needs
them)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from crossdomain.agent import AgentPluginTool


@dataclass(frozen=True, slots=True)
class ToolRef:
    plugin_id: int
    tool_id: int


@dataclass(frozen=True, slots=True)
class ToolArgument:
    name: str
    location: int  # Coze's ParameterLocation: 1 path, 2 query, 3 body, 4 header
    required: bool = False


@dataclass(frozen=True, slots=True)
class ToolCallAuth:
    """PluginAuth with its secrets sealed: kind 0 none, 1 service token, 3 OAuth."""

    kind: int = 0
    token_location: int = 1  # 1 header, 2 query
    token_name: str = ""
    sealed_token: str = ""
    oauth_flow: str = ""  # "client_credentials" or "authorization_code"
    client_id: str = ""
    sealed_client_secret: str = ""
    token_url: str = ""
    authorization_url: str = ""
    scope: str = ""


@dataclass(frozen=True, slots=True)
class PublishedTool:
    plugin_id: int
    tool_id: int
    plugin_name: str
    version: str  # the plugin version it comes from, e.g. "v1.0.0"
    name: str  # the operationId: what the model calls
    description: str
    method: str  # get, post, put, delete, patch
    path: str
    arguments: Mapping[str, Any]  # the model's JSON Schema object
    routing: tuple[ToolArgument, ...]
    responses: Mapping[str, Any]
    server_url: str
    auth: ToolCallAuth = field(default_factory=ToolCallAuth)
    body: str = ""  # the request body's encoding: "" (none), "json" or "form"


class PublishedPluginTools(Protocol):
    async def resolve(
        self, space_id: int, refs: Sequence[ToolRef], *, version: Mapping[int, str] | None = None
    ) -> list[PublishedTool]:
        """The activated tools among `refs` of the space's plugins, from each plugin's latest
        version (or the version named in `version` by plugin id), in the order of `refs`. A ref to
        another space's plugin, an unpublished or deactivated tool is left out."""
        ...

    async def tool_named(self, space_id: int, plugin_id: int, name: str) -> PublishedTool | None:
        """The activated tool called `name` in the latest version of the space's plugin."""
        ...


@dataclass(frozen=True, slots=True)
class OfferedTool:
    """A server tool as the model sees it: its name and a JSON Schema object of its arguments."""

    name: str
    description: str
    parameters: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ToolInvocation:
    call_id: str  # the model's id for the call
    name: str
    arguments: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ConsentNeeded:
    """The user has to authorize the plugin (it acts for each user) before its tools can run."""

    plugin_id: int
    plugin_name: str
    url: str  # the consent link, bound to this user and plugin


@dataclass(frozen=True, slots=True)
class ToolResult:
    call_id: str
    name: str
    output: str  # what the model reads back: the API's answer, or {"error": ...}
    ok: bool
    plugin_id: int = 0  # 0: the model named a tool the agent does not have
    tool_id: int = 0
    duration_ms: float = 0.0
    consent: ConsentNeeded | None = None  # set when the call could not run without the user's consent


class ServerToolset(Protocol):
    """The server tools of one chat: offered to the model, run when it calls them."""

    @property
    def offered(self) -> Sequence[OfferedTool]: ...

    def has(self, name: str) -> bool: ...

    async def run(self, calls: Sequence[ToolInvocation], *, user_id: int) -> list[ToolResult]:
        """Every call at once, each within its time limit, results in the order of `calls`. A
        failing call, or one of a tool the set does not have, is an error result, not an error; a
        call that needs the user's consent first says so in `consent`."""
        ...


class AgentToolbox(Protocol):
    async def toolset(
        self,
        space_id: int,
        tools: Sequence[AgentPluginTool],
        *,
        taken: Collection[str] = (),
        variables: Mapping[str, str] | None = None,
    ) -> ServerToolset:
        """The agent's tools that are published and activated in its space; the rest are left out.
        A tool named like one in `taken` (the client's tools) or an earlier one is offered renamed.
        `variables`: the chat's values of the agent's variables, for parameters bound to them."""
        ...
