"""The agent's toolbox: what the model is offered of a bound tool, and what the tool receives."""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from application.plugin.toolbox import AgentToolbox
from crossdomain.agent import AgentPluginTool
from crossdomain.plugin import ConsentNeeded, ToolInvocation, ToolRef
from domain.plugin.auth import AuthKind, OAuthClient, OAuthFlow, PluginAuth
from domain.plugin.invocation import ToolAnswer, ToolNeedsAuthorization, ToolTarget
from domain.plugin.tools import Method, ToolOperation

FORECAST = {
    "type": "object",
    "properties": {
        "city": {"type": "string"},
        "days": {"type": "integer"},
        "units": {"type": "string"},
        "api_region": {"type": "string"},
        "detail": {"type": "object"},
    },
    "required": ["city", "days", "api_region"],
}


def target(plugin_id: int, tool_id: int, name: str, arguments: dict[str, Any] | None = None) -> ToolTarget:
    operation = ToolOperation(name, Method.GET, "/x", f"{name} tool", arguments or FORECAST)
    return ToolTarget(plugin_id, tool_id, operation, "https://api.test")


class Published:
    """Published tools of space 1 only."""

    def __init__(self, *targets: ToolTarget) -> None:
        self._targets = targets

    async def targets(self, space_id: int, refs: Sequence[ToolRef]) -> list[tuple[Any, ToolTarget]]:
        wanted = {(r.plugin_id, r.tool_id) for r in refs}
        found = [t for t in self._targets if (t.plugin_id, t.tool_id) in wanted]
        version = SimpleNamespace(meta=SimpleNamespace(name="Weather"))
        return [(version, t) for t in found] if space_id == 1 else []


class Runner:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any], int]] = []

    async def call(self, target: ToolTarget, arguments: Any, *, user_id: int = 0) -> ToolAnswer:
        if target.operation.name == "consent":
            raise ToolNeedsAuthorization(plugin_id=str(target.plugin_id))
        self.calls.append((target.operation.name, dict(arguments), user_id))
        return ToolAnswer(200, {"ok": True}, '{"ok": true}', {}, 2.0)


BOUND = AgentPluginTool(
    7, 70, defaults=(("days", "5"), ("api_region", "eu"), ("detail", '{"level": 2}')), hidden=("api_region",)
)


async def test_fixed_parameters_are_hidden_and_defaults_are_optional_for_the_model() -> None:
    toolbox = AgentToolbox(Published(target(7, 70, "forecast")), Runner())
    tools = await toolbox.toolset(1, [BOUND])
    (offered,) = tools.offered
    assert offered.name == "forecast" and offered.description == "forecast tool"
    assert set(offered.parameters["properties"]) == {"city", "days", "units", "detail"}
    assert offered.parameters["required"] == ["city"]  # days has the agent's default


async def test_defaults_fill_what_the_model_leaves_out_typed_as_the_schema_says() -> None:
    runner = Runner()
    tools = await AgentToolbox(Published(target(7, 70, "forecast")), runner).toolset(1, [BOUND])
    results = await tools.run(
        [
            ToolInvocation("c1", "forecast", {"city": "Oslo"}),
            # The model may override a default, never a hidden parameter.
            ToolInvocation("c2", "forecast", {"city": "Rome", "days": 1, "api_region": "us"}),
        ],
        user_id=42,
    )
    assert [r.ok for r in results] == [True, True]
    assert [(r.plugin_id, r.tool_id) for r in results] == [(7, 70), (7, 70)]
    assert runner.calls == [
        ("forecast", {"city": "Oslo", "days": 5, "api_region": "eu", "detail": {"level": 2}}, 42),
        ("forecast", {"city": "Rome", "days": 1, "api_region": "eu", "detail": {"level": 2}}, 42),
    ]


async def test_names_stay_unique_for_the_model() -> None:
    published = Published(target(1, 10, "search"), target(2, 20, "search"), target(3, 30, "lookup"))
    bound = [AgentPluginTool(1, 10), AgentPluginTool(2, 20), AgentPluginTool(3, 30)]
    runner = Runner()
    tools = await AgentToolbox(published, runner).toolset(1, bound, taken={"lookup"})
    assert [t.name for t in tools.offered] == ["search", "search_2", "lookup_2"]
    await tools.run([ToolInvocation("c", "search_2", {"city": "x", "days": 1, "api_region": "x"})], user_id=1)
    assert runner.calls[0][0] == "search"  # the operation of plugin 2, under its offered name


async def test_tools_of_another_space_or_not_bound_are_not_offered() -> None:
    published = Published(target(7, 70, "forecast"))
    assert (await AgentToolbox(published, Runner()).toolset(2, [BOUND])).offered == []
    tools = await AgentToolbox(published, Runner()).toolset(1, [BOUND])
    (result,) = await tools.run([ToolInvocation("c", "delete_all", {})], user_id=1)
    assert not result.ok and "no tool named" in result.output and result.plugin_id == 0


CLIENT = OAuthClient(
    OAuthFlow.AUTHORIZATION_CODE, "cid", "sealed", "https://id.test/token", "https://id.test/a"
)


class Consents:
    def __init__(self) -> None:
        self.asked: list[tuple[int, str, int]] = []

    async def consent_link(self, plugin_id: int, client: OAuthClient, user_id: int) -> str:
        self.asked.append((plugin_id, client.client_id, user_id))
        return f"https://id.test/a?state=s{len(self.asked)}"


def per_user(tool_id: int, name: str) -> ToolTarget:
    plain = target(7, tool_id, name)
    auth = PluginAuth(AuthKind.OAUTH, oauth=CLIENT)
    return ToolTarget(plain.plugin_id, plain.tool_id, plain.operation, plain.server_url, auth)


async def test_a_missing_user_authorization_asks_for_consent_once_per_plugin() -> None:
    consents = Consents()
    published = Published(per_user(71, "consent"), per_user(72, "consent"), target(8, 80, "forecast"))
    bound = [AgentPluginTool(7, 71), AgentPluginTool(7, 72), AgentPluginTool(8, 80)]
    tools = await AgentToolbox(published, Runner(), consents).toolset(1, bound)
    calls = [ToolInvocation("a", "consent", {}), ToolInvocation("b", "consent_2", {})]
    calls.append(ToolInvocation("c", "forecast", {"city": "x"}))
    first, second, third = await tools.run(calls, user_id=5)
    link = ConsentNeeded(7, "Weather", "https://id.test/a?state=s1")
    assert (first.consent, second.consent, third.consent) == (link, link, None)
    assert not first.ok and "not authorized" in first.output and third.ok
    assert consents.asked == [(7, "cid", 5)]


async def test_without_a_consent_flow_a_missing_authorization_is_an_error_result() -> None:
    tools = await AgentToolbox(Published(per_user(71, "consent")), Runner()).toolset(
        1, [AgentPluginTool(7, 71)]
    )
    (result,) = await tools.run([ToolInvocation("c", "consent", {})], user_id=1)
    assert not result.ok and result.consent is None and "not authorized" in result.output
