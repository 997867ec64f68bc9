"""API codes and messages of the plugin context: a broken OpenAPI document or arguments that do not
fit a tool are bad input (4000); a tool whose API cannot be reached answers 5040 like the guarded
client; a per-user plugin the user has not authorized yet is 4101."""

from __future__ import annotations

from api.errors import ErrorSpec
from domain.common.errors import DomainError
from domain.plugin.invocation import ToolArgumentsInvalid, ToolCallFailed, ToolNeedsAuthorization
from domain.plugin.tools import InvalidPluginDocument

ERRORS: dict[type[DomainError], ErrorSpec] = {
    InvalidPluginDocument: ErrorSpec(400, 4000),
    ToolArgumentsInvalid: ErrorSpec(400, 4000),
    ToolNeedsAuthorization: ErrorSpec(403, 4101),
    ToolCallFailed: ErrorSpec(502, 5040),
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
}
