"""API codes and messages of model management and model calls (documented in ADR 0016).

Provider-side failures are 5xxx: the request was fine, the model behind it was not. Messages carry
the provider's endpoint (scheme, host, port) and its own words with secrets scrubbed, never a key.
"""

from __future__ import annotations

from api.errors import ErrorSpec
from domain.common.errors import DomainError
from domain.common.llm import (
    ModelAuthFailed,
    ModelBadResponse,
    ModelBusy,
    ModelError,
    ModelProviderError,
    ModelRateLimited,
    ModelTimeout,
    ModelUnavailable,
    ModelUnsupported,
    NoDefaultModel,
    ToolArgumentsInvalid,
)
from domain.modelmgr.errors import ModelDisabled, SecretUnreadable

ERRORS: dict[type[DomainError], ErrorSpec] = {
    ModelError: ErrorSpec(502, 5020),
    ModelProviderError: ErrorSpec(502, 5020),
    ModelAuthFailed: ErrorSpec(502, 5021),
    ModelRateLimited: ErrorSpec(503, 5022),
    ModelUnavailable: ErrorSpec(503, 5023),
    ModelTimeout: ErrorSpec(504, 5024),
    ModelBadResponse: ErrorSpec(502, 5025),
    ToolArgumentsInvalid: ErrorSpec(502, 5026),
    ModelBusy: ErrorSpec(503, 5027),
    NoDefaultModel: ErrorSpec(503, 5028),
    SecretUnreadable: ErrorSpec(500, 5029),
    ModelUnsupported: ErrorSpec(400, 4000),
    ModelDisabled: ErrorSpec(409, 4090),
}
# The shared catalogue grows by context; these keys belong to modelmgr and the LLM runtime.
MESSAGES: dict[str, dict[str, str]] = {
    "model.not_found": {"en-US": "model not found", "zh-CN": "模型不存在"},
    "model.unknown_provider": {
        "en-US": "unknown model provider {provider}",
        "zh-CN": "未知的模型提供方 {provider}",
    },
    "model.api_key_required": {
        "en-US": "provider {provider} needs an api_key",
        "zh-CN": "提供方 {provider} 需要 api_key",
    },
    "model.invalid_config": {
        "en-US": "invalid model settings: {reason}",
        "zh-CN": "模型配置无效：{reason}",
    },
    "model.kind_not_offered": {
        "en-US": "provider {provider} offers no {kind} models",
        "zh-CN": "提供方 {provider} 不提供 {kind} 类模型",
    },
    "model.default_in_use": {
        "en-US": "{model} is the default model: make another model the default first",
        "zh-CN": "{model} 是默认模型，请先将其他模型设为默认",
    },
    "model.disabled": {"en-US": "model {model} is disabled", "zh-CN": "模型 {model} 已停用"},
    "model.secret_unreadable": {
        "en-US": "a stored API key was sealed with an unknown key ({key_id}): see key rotation",
        "zh-CN": "已存储的 API 密钥由未知密钥（{key_id}）加密，请参阅密钥轮换说明",
    },
    "model.error": {"en-US": "the model call failed", "zh-CN": "模型调用失败"},
    "model.provider_error": {
        "en-US": "the model provider answered with an error (HTTP {status}): {detail}",
        "zh-CN": "模型提供方返回错误（HTTP {status}）：{detail}",
    },
    "model.auth_failed": {
        "en-US": "the model provider at {endpoint} refused the credentials (HTTP {status})",
        "zh-CN": "模型提供方 {endpoint} 拒绝了凭据（HTTP {status}）",
    },
    "model.rate_limited": {
        "en-US": "the model provider at {endpoint} is rate limiting requests, try again later",
        "zh-CN": "模型提供方 {endpoint} 正在限流，请稍后重试",
    },
    "model.unavailable": {
        "en-US": "the model provider at {endpoint} is unavailable: {reason}",
        "zh-CN": "模型提供方 {endpoint} 不可用：{reason}",
    },
    "model.timeout": {
        "en-US": "the model provider at {endpoint} did not answer within {timeout} s",
        "zh-CN": "模型提供方 {endpoint} 在 {timeout} 秒内未响应",
    },
    "model.bad_response": {
        "en-US": "the model provider sent an unreadable answer: {reason}",
        "zh-CN": "模型提供方的响应无法解析：{reason}",
    },
    "model.tool_arguments_invalid": {
        "en-US": "the model asked for tool {tool} with arguments that are not a JSON object",
        "zh-CN": "模型调用工具 {tool} 的参数不是 JSON 对象",
    },
    "model.busy": {
        "en-US": "the model is busy ({limit} calls at once), try again later",
        "zh-CN": "模型繁忙（同时最多 {limit} 个调用），请稍后重试",
    },
    "model.unsupported": {
        "en-US": "model {model} does not support {feature}",
        "zh-CN": "模型 {model} 不支持{feature}",
    },
    "model.invalid_parameter": {
        "en-US": "invalid model parameter {name}: {reason}",
        "zh-CN": "模型参数 {name} 无效：{reason}",
    },
    "model.no_default": {
        "en-US": "no default {kind} model is configured",
        "zh-CN": "未配置默认的 {kind} 模型",
    },
}
