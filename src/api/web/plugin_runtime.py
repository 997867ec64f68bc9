"""The plugin routes that run or convert rather than edit (Coze Studio's paths and shapes): debugging
a draft tool with the editor's inputs, and converting curl, Postman or Swagger 2 into OpenAPI 3."""

from __future__ import annotations

import json
from typing import Annotated, Any

import msgspec
from litestar import post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from api.envelope import Envelope
from api.schemas import Int64Str, parse_id
from api.security.identity import CurrentActor
from api.web.plugin_schemas import MAX_DOCUMENT, APIParameter
from application.plugin.conversion import ConversionService
from application.plugin.debugging import ToolDebugger
from domain.common.jsonvalue import parse_json_text
from domain.plugin.errors import InvalidPluginRequest
from domain.plugin.parameters import response_parameters

Debugger = NamedDependency[ToolDebugger]
Conversions = NamedDependency[ConversionService]
MAX_DEBUG_INPUT = 100_000  # characters of the inputs' JSON


class DebugApiRequest(msgspec.Struct, forbid_unknown_fields=True):
    plugin_id: Int64Str
    api_id: Int64Str
    parameters: Annotated[str, msgspec.Meta(max_length=MAX_DEBUG_INPUT)] = "{}"
    operation: int = 1  # Coze's DebugOperation: 1 debug, 2 parse (both run the tool here)
    edit_version: int | None = None


class DebugApiResponse(Envelope, kw_only=True):
    response_params: list[APIParameter]
    success: bool
    resp: str  # the answer as the model reads it (JSON trimmed to the declared response)
    reason: str
    raw_resp: str
    raw_req: str  # the request sent, secrets masked


def _inputs(text: str) -> dict[str, Any]:
    value = parse_json_text(text or "{}", field="parameters", max_chars=MAX_DEBUG_INPUT)
    if not isinstance(value, dict):
        raise InvalidPluginRequest(detail="parameters must be a JSON object")
    return value


@post("/api/plugin_api/debug_api", status_code=200, tags=["plugin"])
async def debug_api(
    actor: CurrentActor, plugin_debugger: Debugger, data: JSONBody[DebugApiRequest]
) -> DebugApiResponse:
    result = await plugin_debugger.debug(
        actor, parse_id(data.plugin_id), parse_id(data.api_id), _inputs(data.parameters)
    )
    answer = result.answer
    shown = [APIParameter.of(p) for p in response_parameters(result.tool.operation)]
    if answer is None:
        return DebugApiResponse(
            response_params=shown, success=False, resp="", reason=result.reason, raw_resp="", raw_req=""
        )
    body = answer.body if isinstance(answer.body, str) else json.dumps(answer.body, ensure_ascii=False)
    return DebugApiResponse(
        response_params=shown,
        success=result.success,
        resp=body if result.success else "",
        reason="" if result.success else f"the API answered {answer.status}",
        raw_resp=answer.text,
        raw_req=json.dumps(answer.request, ensure_ascii=False),
    )


class ConvertRequest(msgspec.Struct, forbid_unknown_fields=True):
    space_id: Int64Str
    data: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_DOCUMENT)]
    plugin_name: Annotated[str, msgspec.Meta(max_length=100)] = ""
    plugin_url: Annotated[str, msgspec.Meta(max_length=2048)] = ""
    plugin_description: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    merge_same_paths: bool | None = None


class ConvertResponse(Envelope, kw_only=True):
    openapi: str  # YAML
    ai_plugin: str  # the manifest, JSON
    plugin_data_format: int  # what the input was: 1 OpenAPI, 2 curl, 3 Postman, 4 Swagger
    duplicate_api_infos: list[dict[str, Any]] = msgspec.field(default_factory=list)


@post("/api/plugin_api/convert_to_openapi", status_code=200, tags=["plugin"])
async def convert_to_openapi(
    actor: CurrentActor, plugin_conversion_service: Conversions, data: JSONBody[ConvertRequest]
) -> ConvertResponse:
    converted = await plugin_conversion_service.convert(
        actor,
        parse_id(data.space_id),
        data.data,
        name=data.plugin_name,
        server_url=data.plugin_url,
        description=data.plugin_description,
    )
    return ConvertResponse(
        openapi=converted.conversion.yaml,
        ai_plugin=converted.manifest,
        plugin_data_format=int(converted.conversion.format),
    )


ROUTES = [debug_api, convert_to_openapi]
