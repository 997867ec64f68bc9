"""API codes and messages of the plugin context. Not found answers 4200 and bad input 4000 like
every Coze route: a broken OpenAPI document or manifest (the message names the JSON pointer),
arguments that do not fit a tool. A duplicate tool, a version name that does not grow and publishing
without an activated tool are conflicts (4090); a tool whose API cannot be reached answers 5040
like the guarded client, and so does an MCP server whose tools cannot be listed; a per-user plugin
the user has not authorized yet is 4101."""

from __future__ import annotations

from api.errors import ErrorSpec
from domain.common.errors import DomainError
from domain.plugin.errors import (
    DuplicateTool,
    InvalidManifest,
    InvalidPluginRequest,
    McpServerUnusable,
    McpToolsNotEditable,
    NothingToPublish,
    PluginActionDenied,
    PluginNotFound,
    ToolNotFound,
    VersionNotIncreasing,
)
from domain.plugin.grants import ConsentRefused, ConsentStateInvalid
from domain.plugin.invocation import ToolArgumentsInvalid, ToolCallFailed, ToolNeedsAuthorization
from domain.plugin.tools import InvalidPluginDocument

ERRORS: dict[type[DomainError], ErrorSpec] = {
    InvalidPluginDocument: ErrorSpec(400, 4000),
    ToolArgumentsInvalid: ErrorSpec(400, 4000),
    ToolNeedsAuthorization: ErrorSpec(403, 4101),
    ToolCallFailed: ErrorSpec(502, 5040),
    PluginNotFound: ErrorSpec(404, 4200),
    ToolNotFound: ErrorSpec(404, 4200),
    PluginActionDenied: ErrorSpec(403, 4101),
    InvalidPluginRequest: ErrorSpec(400, 4000),
    InvalidManifest: ErrorSpec(400, 4000),
    DuplicateTool: ErrorSpec(409, 4090),
    VersionNotIncreasing: ErrorSpec(409, 4090),
    NothingToPublish: ErrorSpec(409, 4090),
    ConsentStateInvalid: ErrorSpec(400, 4000),
    ConsentRefused: ErrorSpec(400, 4000),
    McpServerUnusable: ErrorSpec(502, 5040),
    McpToolsNotEditable: ErrorSpec(400, 4000),
}

MESSAGES: dict[str, dict[str, str]] = {
    "plugin.invalid_document": {
        "en-US": "the OpenAPI document is not usable at {pointer}: {detail}",
        "zh-CN": "OpenAPI 文档在 {pointer} 处无法使用：{detail}",
    },
    "plugin.invalid_arguments": {
        "en-US": "the tool's arguments do not fit: {detail}",
        "zh-CN": "工具参数不符合要求：{detail}",
    },
    "plugin.needs_authorization": {
        "en-US": "authorize the plugin first",
        "zh-CN": "请先授权该插件",
    },
    "plugin.call_failed": {
        "en-US": "the tool call failed: {detail}",
        "zh-CN": "工具调用失败：{detail}",
    },
    "plugin.consent_state_invalid": {
        "en-US": "this authorization link is not valid any more: ask for a new one",
        "zh-CN": "该授权链接已失效，请重新获取",
    },
    "plugin.consent_refused": {
        "en-US": "the plugin was not authorized: {detail}",
        "zh-CN": "插件未获授权：{detail}",
    },
    "plugin.not_found": {"en-US": "plugin not found", "zh-CN": "插件不存在"},
    "plugin.tool_not_found": {"en-US": "tool not found", "zh-CN": "工具不存在"},
    "plugin.action_denied": {
        "en-US": "you may not {action} plugins here",
        "zh-CN": "你没有权限在这里{action}插件",
    },
    "plugin.invalid_request": {"en-US": "{detail}", "zh-CN": "{detail}"},
    "plugin.invalid_manifest": {
        "en-US": "the plugin manifest is not usable at {pointer}: {detail}",
        "zh-CN": "插件清单在 {pointer} 处无法使用：{detail}",
    },
    "plugin.duplicate_tool": {"en-US": "{detail}", "zh-CN": "{detail}"},
    "plugin.version_not_increasing": {
        "en-US": "version {version} is not after the latest, {latest}",
        "zh-CN": "版本 {version} 必须高于最新版本 {latest}",
    },
    "plugin.mcp_unusable": {
        "en-US": "the MCP server's tools could not be listed: {detail}",
        "zh-CN": "无法列出 MCP 服务的工具：{detail}",
    },
    "plugin.mcp_tools_not_editable": {
        "en-US": "an MCP plugin's tools come from its server: switch them on or off, or refresh them",
        "zh-CN": "MCP 插件的工具来自其服务：只能启用、停用或刷新",
    },
    "plugin.nothing_to_publish": {
        "en-US": "activate at least one tool before publishing",
        "zh-CN": "请至少启用一个工具后再发布",
    },
}
