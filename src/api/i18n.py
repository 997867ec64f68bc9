"""Localized messages for API errors, chosen from Accept-Language (en-US or zh-CN)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

LOCALES = ("en-US", "zh-CN")

MESSAGES: dict[str, dict[str, str]] = {
    "error.domain": {"en-US": "request could not be completed", "zh-CN": "请求无法完成"},
    "error.invalid_input": {"en-US": "invalid parameters", "zh-CN": "参数无效"},
    "error.invalid_params": {"en-US": "invalid parameters: {detail}", "zh-CN": "参数无效：{detail}"},
    "error.malformed_body": {"en-US": "request body is not valid JSON", "zh-CN": "请求体不是合法的 JSON"},
    "error.bad_encoding": {"en-US": "request body is not valid UTF-8", "zh-CN": "请求体不是合法的 UTF-8 编码"},
    "error.unsupported_media_type": {
        "en-US": "unsupported content type, send application/json",
        "zh-CN": "不支持的内容类型，请使用 application/json",
    },
    "error.body_too_large": {"en-US": "request body too large", "zh-CN": "请求体过大"},
    "error.not_found": {"en-US": "resource not found", "zh-CN": "资源不存在"},
    "error.route_not_found": {"en-US": "no such API route", "zh-CN": "接口不存在"},
    "error.method_not_allowed": {"en-US": "method not allowed", "zh-CN": "不支持该请求方法"},
    "error.conflict": {"en-US": "the resource was changed concurrently", "zh-CN": "资源已被并发修改"},
    "error.permission_denied": {"en-US": "no permission", "zh-CN": "没有权限"},
    "error.unauthenticated": {"en-US": "authentication is invalid", "zh-CN": "身份验证无效"},
    "error.rate_limited": {"en-US": "too many requests", "zh-CN": "请求过于频繁"},
    "error.internal": {"en-US": "internal error", "zh-CN": "服务器内部错误"},
    "error.unavailable": {"en-US": "service temporarily unavailable", "zh-CN": "服务暂时不可用"},
    "eventbus.invalid_name": {
        "en-US": "invalid event {kind}: {name}",
        "zh-CN": "事件{kind}无效：{name}",
    },
    "eventbus.unavailable": {
        "en-US": "the event bus is unavailable, try again later",
        "zh-CN": "事件总线暂不可用，请稍后重试",
    },
    "eventbus.dead_letter_not_found": {
        "en-US": "dead letter {dead_letter_id} not found",
        "zh-CN": "死信 {dead_letter_id} 不存在",
    },
    "system.setting_not_found": {"en-US": "setting {key} not found", "zh-CN": "设置项 {key} 不存在"},
    "system.setting_revision_not_found": {
        "en-US": "setting revision not found",
        "zh-CN": "设置项历史版本不存在",
    },
    "system.invalid_setting_key": {
        "en-US": "invalid setting key: use dotted lower-case names such as site.title",
        "zh-CN": "设置项名称无效：请使用如 site.title 的小写点分名称",
    },
    "system.setting_value_too_large": {
        "en-US": "setting value is {size} bytes, the limit is {limit}",
        "zh-CN": "设置值大小为 {size} 字节，上限为 {limit}",
    },
    "system.setting_version_conflict": {
        "en-US": "setting {key} changed meanwhile (expected version {expected})",
        "zh-CN": "设置项 {key} 已被修改（期望版本 {expected}）",
    },
}


@lru_cache(maxsize=512)
def negotiate(accept_language: str | None, default: str = "en-US") -> str:
    """Pick the best supported locale from an Accept-Language header (q-values honoured)."""
    if not accept_language:
        return default
    best, best_q = default, -1.0
    for index, part in enumerate(accept_language.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        lang = tag.strip().lower()
        locale = "zh-CN" if lang.startswith("zh") else "en-US" if lang.startswith("en") else None
        # earlier entries win ties, as browsers list preferences in order
        if locale and q > best_q and q > 0:
            best, best_q = locale, q - index * 1e-6
    return best


def message(key: str, locale: str, params: dict[str, Any] | None = None) -> str:
    texts = MESSAGES.get(key) or MESSAGES["error.domain"]
    template = texts.get(locale) or texts["en-US"]
    if not params:
        return template.replace("{detail}", "").rstrip("：: ")
    try:
        return template.format(**{k: _short(v) for k, v in params.items()})
    except (KeyError, IndexError, ValueError):
        return template


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 200 else text[:197] + "..."
