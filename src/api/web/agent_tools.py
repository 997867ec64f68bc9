"""An agent's own values for a bound plugin tool's parameters (Coze Studio's bot default params,
under /api/plugin_api/): `local_default` fills what the model leaves out, `default_param_source` 1
with `variable_ref` takes an agent variable's value in the chat instead, `local_disable` hides the
parameter from the model (it always takes its default or variable)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from api.envelope import Envelope
from api.schemas import Int64Str, parse_id
from api.security.identity import CurrentActor
from api.web.plugin_schemas import APIParameter
from application.agent.service import AgentService
from crossdomain.plugin import PublishedTool
from domain.agent.values import PluginBinding
from domain.plugin.parameters import request_parameters, response_parameters
from domain.plugin.tools import Argument, Location, Method, ToolOperation

Agents = NamedDependency[AgentService]
FROM_VARIABLE = 1  # Coze's DefaultParamSource: 0 the value given, 1 an agent variable (variable_ref)
ToolName = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class BotToolRequest(msgspec.Struct, forbid_unknown_fields=True):
    bot_id: Int64Str
    plugin_id: Int64Str
    api_name: ToolName
    space_id: Int64Str | None = None  # the agent's space decides
    dev_id: str | None = None
    plugin_referrer_id: str | None = None
    plugin_referrer_scene: int | None = None
    plugin_is_debug: bool | None = None
    workflow_id: str | None = None
    plugin_publish_version_ts: str | None = None


class BotDefaultParamsResponse(Envelope, kw_only=True):
    request_params: list[APIParameter]
    response_params: list[APIParameter]
    response_style: dict[str, int] = msgspec.field(default_factory=lambda: {"mode": 0})


class UpdateBotDefaultParamsRequest(BotToolRequest, forbid_unknown_fields=True):
    request_params: Annotated[list[APIParameter], msgspec.Meta(max_length=100)] = msgspec.field(
        default_factory=list
    )
    response_params: list[APIParameter] | None = None  # shown, not changed
    response_style: dict[str, int] | None = None


class UpdateBotDefaultParamsResponse(Envelope, kw_only=True):
    pass


def _operation(tool: PublishedTool) -> ToolOperation:
    routing = tuple(Argument(a.name, Location(a.location), a.required) for a in tool.routing)
    return ToolOperation(
        tool.name,
        Method(tool.method),
        tool.path,
        tool.description,
        tool.arguments,
        routing,
        tool.responses,
        tool.body,
    )


def _shown(tool: PublishedTool, bound: PluginBinding) -> BotDefaultParamsResponse:
    operation, defaults, variables = _operation(tool), dict(bound.defaults), dict(bound.variables)
    requested = [APIParameter.of(p) for p in request_parameters(operation)]
    for parameter in requested:
        parameter.local_default = defaults.get(parameter.name)
        parameter.local_disable = parameter.name in bound.hidden
        if parameter.name in variables:
            parameter.default_param_source, parameter.variable_ref = FROM_VARIABLE, variables[parameter.name]
    return BotDefaultParamsResponse(
        request_params=requested, response_params=[APIParameter.of(p) for p in response_parameters(operation)]
    )


@post("/api/plugin_api/get_bot_default_params", status_code=200, tags=["plugin"])
async def get_bot_default_params(
    actor: CurrentActor, agent_service: Agents, data: JSONBody[BotToolRequest]
) -> BotDefaultParamsResponse:
    tool, bound = await agent_service.tool_values(
        actor, parse_id(data.bot_id), parse_id(data.plugin_id), data.api_name
    )
    return _shown(tool, bound)


@post("/api/plugin_api/update_bot_default_params", status_code=200, tags=["plugin"])
async def update_bot_default_params(
    actor: CurrentActor, agent_service: Agents, data: JSONBody[UpdateBotDefaultParamsRequest]
) -> UpdateBotDefaultParamsResponse:
    bound = {
        p.name: p.variable_ref
        for p in data.request_params
        if p.default_param_source == FROM_VARIABLE and p.variable_ref
    }
    given = [p for p in data.request_params if p.local_default is not None or p.local_disable]
    await agent_service.set_tool_values(
        actor,
        parse_id(data.bot_id),
        parse_id(data.plugin_id),
        data.api_name,
        {p.name: p.local_default or "" for p in given if p.local_default is not None or p.name not in bound},
        [p.name for p in given if p.local_disable],
        bound,
    )
    return UpdateBotDefaultParamsResponse()


ROUTES = [get_bot_default_params, update_bot_default_params]
