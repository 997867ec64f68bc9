"""What the agent context offers others: an agent's run-time configuration, draft or published.

The conversation context runs chats with this snapshot and never reads agent tables itself. A
published snapshot is immutable (one row per agent, connector and version); the draft is what the
SPA playground edits and runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

# Coze's connector ids: the token API ("API") and the Chat SDK / Web SDK.
CONNECTOR_API = 1024
CONNECTOR_CHAT_SDK = 999
PUBLISHABLE_CONNECTORS = frozenset({CONNECTOR_API, CONNECTOR_CHAT_SDK})
DRAFT_CONNECTOR = 0  # the SPA playground runs the draft


@dataclass(frozen=True, slots=True)
class AgentModelConfig:
    model_id: int | None  # None: the platform's default chat model
    parameters: Mapping[str, Any] = field(default_factory=dict)  # temperature, top_p, max_tokens, ...
    history_rounds: int = 3  # user turns of history sent to the model (Coze's "context_round")
    current_time_in_prompt: bool = True  # Coze's sp_current_time


@dataclass(frozen=True, slots=True)
class AgentVariable:
    keyword: str
    default_value: str = ""
    description: str = ""
    enabled: bool = True
    prompt_enabled: bool = True  # rendered into the persona prompt


@dataclass(frozen=True, slots=True)
class ClientTool:
    """A tool the client runs itself (Coze "local plugin"): calling it pauses the run in
    requires_action until the client submits the output. `parameters` is a JSON Schema object."""

    name: str
    description: str = ""
    parameters: Mapping[str, Any] = field(default_factory=lambda: {"type": "object", "properties": {}})


@dataclass(frozen=True, slots=True)
class AgentPluginTool:
    """A published plugin tool the agent calls on the server (Coze's bot plugin API), with the
    agent's own parameter values (Coze's bot default params): `defaults` fill what the model leaves
    out, `variables` fill a parameter with an agent variable's value in the chat; the `hidden`
    parameters are not offered to the model and always take their default or variable."""

    plugin_id: int
    tool_id: int
    defaults: tuple[tuple[str, str], ...] = ()  # parameter name -> value as text
    hidden: tuple[str, ...] = ()
    variables: tuple[tuple[str, str], ...] = ()  # parameter name -> the agent variable's keyword


@dataclass(frozen=True, slots=True)
class AgentKnowledge:
    """The knowledge bases a chat searches before answering (with `auto_call`), and how."""

    dataset_ids: tuple[int, ...] = ()
    auto_call: bool = True
    search_strategy: int = 0  # Coze's bot numbers: 0 semantic, 1 hybrid, 20 full text
    top_k: int = 3
    min_score: float = 0.5  # on the retriever's 0..1 scale
    show_source: bool = False  # a client setting: the sources are on the stream either way
    no_recall_reply: str | None = None  # said instead of asking the model when nothing is recalled
    rewrite_query: bool = False  # the chat history rewrites the question into the search query
    rerank: bool = False
    nl2sql: bool = False  # table knowledge bases also answer with a query the model writes

    @property
    def searched_first(self) -> bool:
        """Whether a chat searches before answering (Coze's "auto" mode)."""
        return self.auto_call and bool(self.dataset_ids)


@dataclass(frozen=True, slots=True)
class AgentSnapshot:
    agent_id: int
    space_id: int
    owner_id: int
    name: str
    description: str
    icon_url: str
    persona_prompt: str  # a sandboxed Jinja2 template over the agent's variables
    model: AgentModelConfig
    version: str = ""  # "" for the draft
    connector_id: int = DRAFT_CONNECTOR
    prologue: str = ""
    suggested_questions: tuple[str, ...] = ()
    follow_up_suggestions: bool = False
    variables: tuple[AgentVariable, ...] = ()
    client_tools: tuple[ClientTool, ...] = ()
    knowledge: AgentKnowledge = field(default_factory=AgentKnowledge)
    plugin_tools: tuple[AgentPluginTool, ...] = ()
    # Bindings stored and validated now; they take effect when those contexts land.
    workflow_ids: tuple[int, ...] = ()
    shortcut_command_ids: tuple[int, ...] = ()
    # Follow-up suggestions with the agent's own prompt ("customized"); empty: the platform's prompt.
    follow_up_prompt: str = ""


class AgentDirectory(Protocol):
    async def draft(self, agent_id: int) -> AgentSnapshot | None:
        """The current draft; None for an unknown or deleted agent."""
        ...

    async def published(self, agent_id: int, connector_id: int = CONNECTOR_API) -> AgentSnapshot | None:
        """The latest version published to `connector_id`; None when never published there or
        unpublished since."""
        ...


class PersonaRenderer(Protocol):
    """Renders a persona template in a sandbox: no attribute access to Python internals, bounded
    output. Unknown variables render as empty text."""

    def check(self, template: str) -> None:
        """Raise ValueError saying what is wrong when the template does not parse."""
        ...

    def render(self, template: str, variables: Mapping[str, str]) -> str: ...
