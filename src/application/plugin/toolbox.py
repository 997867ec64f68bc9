"""crossdomain.plugin.AgentToolbox: an agent's published plugin tools, offered to the chat's model
and run on the server through the plugin runtime.

The model sees each tool's argument schema without the parameters the agent fixes (`hidden`), and
may leave out those it has a default for; the agent's values are filled in before the call, typed
as the schema says. Two tools with one name get distinct names, as the model needs them.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from application.plugin.calls import DEFAULT_CALL_TIMEOUT_S, ToolOutcome, ToolRequest, run_calls
from crossdomain.agent import AgentPluginTool
from crossdomain.plugin import ConsentNeeded, OfferedTool, ToolInvocation, ToolRef, ToolResult
from domain.plugin.auth import OAuthClient
from domain.plugin.entities import PluginVersion
from domain.plugin.invocation import ToolTarget
from domain.plugin.ports import ToolRunner

MAX_TOOL_NAME = 64  # what model APIs accept


class ToolTargets(Protocol):
    """application.plugin.published.PublishedTools, as the toolbox uses it."""

    async def targets(
        self, space_id: int, refs: Sequence[ToolRef]
    ) -> list[tuple[PluginVersion, ToolTarget]]: ...


class ConsentLinks(Protocol):
    """application.plugin.authorizations.UserAuthorizations, as the toolbox uses it."""

    async def consent_link(self, plugin_id: int, client: OAuthClient, user_id: int) -> str: ...


@dataclass(frozen=True, slots=True)
class _Entry:
    target: ToolTarget
    plugin_name: str
    defaults: Mapping[str, str]  # the agent's values, with its variables' values in the chat first
    hidden: frozenset[str]


def _typed(value: str, schema: Any) -> Any:
    """An agent's default (kept as text) as the type its parameter's schema names."""
    kind = schema.get("type") if isinstance(schema, Mapping) else None
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            return float(value)
        if kind == "boolean":
            return value.strip().lower() in {"true", "1", "yes"}
        if kind in {"object", "array"}:
            return json.loads(value)
    except ValueError:
        pass  # the tool's own argument check names what is wrong
    return value


def _values(binding: AgentPluginTool, variables: Mapping[str, str]) -> dict[str, str]:
    """A parameter bound to a variable takes the variable's value when it has one, else its default."""
    values = dict(binding.defaults)
    for name, keyword in binding.variables:
        if variables.get(keyword):
            values[name] = variables[keyword]
    return values


def _offered_schema(arguments: Mapping[str, Any], entry: _Entry) -> dict[str, Any]:
    schema = dict(arguments)
    properties = schema.get("properties")
    if isinstance(properties, Mapping):
        schema["properties"] = {k: v for k, v in properties.items() if k not in entry.hidden}
    required = schema.get("required")
    if isinstance(required, list):
        kept = [name for name in required if name not in entry.defaults]
        if kept:
            schema["required"] = kept
        else:
            schema.pop("required")
    return schema


def _unique_name(name: str, taken: set[str]) -> str:
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        suffix = f"_{n}"
        candidate = name[: MAX_TOOL_NAME - len(suffix)] + suffix
    taken.add(candidate)
    return candidate


class PluginToolset:
    """crossdomain.plugin.ServerToolset over ToolTargets."""

    def __init__(
        self,
        entries: Mapping[str, _Entry],
        offered: Sequence[OfferedTool],
        runner: ToolRunner,
        consents: ConsentLinks | None,
        timeout_s: float,
    ) -> None:
        self._entries, self._offered, self._runner, self._timeout = entries, offered, runner, timeout_s
        self._consents = consents

    @property
    def offered(self) -> Sequence[OfferedTool]:
        return self._offered

    def has(self, name: str) -> bool:
        return name in self._entries

    async def run(self, calls: Sequence[ToolInvocation], *, user_id: int) -> list[ToolResult]:
        requests = [self._request(call) for call in calls]
        outcomes = await run_calls(self._runner, requests, user_id=user_id, timeout_s=self._timeout)
        links: dict[int, ConsentNeeded | None] = {}  # one consent link a plugin, however many calls
        results = []
        for outcome in outcomes:
            entry = self._entries.get(outcome.name)
            consent = None
            if outcome.needs_consent and entry is not None:
                plugin_id = entry.target.plugin_id
                if plugin_id not in links:
                    links[plugin_id] = await self._consent(entry, user_id)
                consent = links[plugin_id]
            results.append(self._result(outcome, entry, consent))
        return results

    async def _consent(self, entry: _Entry, user_id: int) -> ConsentNeeded | None:
        client = entry.target.auth.oauth
        if self._consents is None or client is None or not user_id:
            return None  # the model reads the error result: nobody here can consent
        url = await self._consents.consent_link(entry.target.plugin_id, client, user_id)
        return ConsentNeeded(entry.target.plugin_id, entry.plugin_name, url)

    def _request(self, call: ToolInvocation) -> ToolRequest:
        entry = self._entries.get(call.name)
        if entry is None:
            return ToolRequest(call.call_id, None, call.name, call.arguments)
        properties = entry.target.operation.arguments.get("properties") or {}
        given = {k: v for k, v in call.arguments.items() if k not in entry.hidden}
        filled = {
            name: _typed(value, properties.get(name))
            for name, value in entry.defaults.items()
            if name in entry.hidden or name not in given
        }
        return ToolRequest(call.call_id, entry.target, call.name, {**given, **filled})

    @staticmethod
    def _result(outcome: ToolOutcome, entry: _Entry | None, consent: ConsentNeeded | None) -> ToolResult:
        return ToolResult(
            outcome.call_id,
            outcome.name,
            outcome.text,
            outcome.ok,
            plugin_id=entry.target.plugin_id if entry else 0,
            tool_id=entry.target.tool_id if entry else 0,
            duration_ms=outcome.duration_ms,
            consent=consent,
        )


class AgentToolbox:
    def __init__(
        self,
        published: ToolTargets,
        runner: ToolRunner,
        consents: ConsentLinks | None = None,
        *,
        timeout_s: float = DEFAULT_CALL_TIMEOUT_S,
    ) -> None:
        self._published, self._runner, self._timeout = published, runner, timeout_s
        self._consents = consents

    async def toolset(
        self,
        space_id: int,
        tools: Sequence[AgentPluginTool],
        *,
        taken: Collection[str] = (),
        variables: Mapping[str, str] | None = None,
    ) -> PluginToolset:
        bindings = {(t.plugin_id, t.tool_id): t for t in tools}
        found = await self._published.targets(space_id, [ToolRef(p, t) for p, t in bindings])
        names = set(taken)
        entries: dict[str, _Entry] = {}
        offered: list[OfferedTool] = []
        for version, target in found:
            binding = bindings[(target.plugin_id, target.tool_id)]
            entry = _Entry(
                target, version.meta.name, _values(binding, variables or {}), frozenset(binding.hidden)
            )
            op = target.operation
            name = _unique_name(op.name, names)
            entries[name] = entry
            offered.append(OfferedTool(name, op.description, _offered_schema(op.arguments, entry)))
        return PluginToolset(entries, offered, self._runner, self._consents, self._timeout)
