"""Localized messages for API errors, chosen from Accept-Language (en-US or zh-CN)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

LOCALES = ("en-US", "zh-CN")

MESSAGES: dict[str, dict[str, str]] = {
    "error.domain": {"en-US": "request could not be completed", "zh-CN": "请求无法完成"},
    "error.invalid_input": {"en-US": "invalid parameters", "zh-CN": "参数无效"},
    "error.invalid_params": {"en-US": "invalid parameters: {detail}", "zh-CN": "参数无效：{detail}"},
    "error.body_not_object": {
        "en-US": "the request body must be a JSON object",
        "zh-CN": "请求体必须是 JSON 对象",
    },
    "error.malformed_body": {"en-US": "request body is not valid JSON", "zh-CN": "请求体不是合法的 JSON"},
    "error.bad_encoding": {
        "en-US": "request body is not valid UTF-8",
        "zh-CN": "请求体不是合法的 UTF-8 编码",
    },
    "error.unsupported_media_type": {
        "en-US": "unsupported content type, send application/json",
        "zh-CN": "不支持的内容类型，请使用 application/json",
    },
    "error.body_too_large": {"en-US": "request body too large", "zh-CN": "请求体过大"},
    "error.body_too_deep": {
        "en-US": "request body nests JSON too deeply",
        "zh-CN": "请求体的 JSON 嵌套层级过深",
    },
    "json.too_deep": {
        "en-US": "invalid parameters: {field} nests JSON deeper than {limit} levels",
        "zh-CN": "参数无效：{field} 的 JSON 嵌套超过 {limit} 层",
    },
    "json.too_large": {
        "en-US": "invalid parameters: {field} is longer than {limit} characters of JSON",
        "zh-CN": "参数无效：{field} 的 JSON 超过 {limit} 个字符",
    },
    "json.malformed": {
        "en-US": "invalid parameters: {field} is not valid JSON",
        "zh-CN": "参数无效：{field} 不是合法的 JSON",
    },
    "error.not_found": {"en-US": "resource not found", "zh-CN": "资源不存在"},
    "error.route_not_found": {"en-US": "no such API route", "zh-CN": "接口不存在"},
    "error.non_canonical_path": {
        "en-US": "the request path is not in canonical form (empty or dot segments, needless "
        "percent-encoding, ';' parameters or a case variant of a prefix)",
        "zh-CN": "请求路径不是规范形式（空段或点段、多余的百分号编码、';' 参数或前缀大小写不符）",
    },
    "error.method_not_allowed": {"en-US": "method not allowed", "zh-CN": "不支持该请求方法"},
    "error.conflict": {"en-US": "the resource was changed concurrently", "zh-CN": "资源已被并发修改"},
    "error.permission_denied": {"en-US": "no permission", "zh-CN": "没有权限"},
    "error.unauthenticated": {"en-US": "authentication is invalid", "zh-CN": "身份验证无效"},
    "error.rate_limited": {"en-US": "too many requests", "zh-CN": "请求过于频繁"},
    "error.internal": {"en-US": "internal error", "zh-CN": "服务器内部错误"},
    "error.unavailable": {"en-US": "service temporarily unavailable", "zh-CN": "服务暂时不可用"},
    "error.database_unavailable": {
        "en-US": "the database is unavailable; try again shortly",
        "zh-CN": "数据库暂不可用，请稍后重试",
    },
    "kv.unavailable": {
        "en-US": "the key-value store is unavailable; try again shortly",
        "zh-CN": "键值存储暂不可用，请稍后重试",
    },
    "vectors.unavailable": {
        "en-US": "the vector store is unavailable; try again shortly",
        "zh-CN": "向量存储暂不可用，请稍后重试",
    },
    "error.fulltext.unavailable": {
        "en-US": "the full-text index is unavailable; try again shortly",
        "zh-CN": "全文索引暂不可用，请稍后重试",
    },
    "outbound.invalid_allow_list": {
        "en-US": "the outbound allow-list is not valid: {detail}",
        "zh-CN": "出站白名单无效：{detail}",
    },
    "outbound.refused": {
        "en-US": "the URL is not allowed: {reason}",
        "zh-CN": "不允许访问该 URL：{reason}",
    },
    "outbound.failed": {
        "en-US": "the remote server failed: {reason}",
        "zh-CN": "远程服务器出错：{reason}",
    },
    "outbound.timeout": {
        "en-US": "the remote server did not answer in time: {reason}",
        "zh-CN": "远程服务器响应超时：{reason}",
    },
    "outbound.too_large": {
        "en-US": "the remote answer is too large: {reason}",
        "zh-CN": "远程响应过大：{reason}",
    },
    "security.csrf": {
        "en-US": "cross-site request refused (Origin not allowed)",
        "zh-CN": "已拒绝跨站请求（来源不被允许）",
    },
    "storage.error": {"en-US": "object storage failed", "zh-CN": "对象存储出错"},
    "storage.invalid_key": {
        "en-US": "invalid object key {key}: {reason}",
        "zh-CN": "对象键 {key} 无效：{reason}",
    },
    "storage.invalid_range": {
        "en-US": "the byte range is outside the object",
        "zh-CN": "字节范围超出对象大小",
    },
    "storage.invalid_link_ttl": {
        "en-US": "link lifetime must be between {minimum} and {maximum} seconds",
        "zh-CN": "链接有效期须在 {minimum} 到 {maximum} 秒之间",
    },
    "storage.invalid_content_type": {
        "en-US": "invalid content type {value}",
        "zh-CN": "内容类型 {value} 无效",
    },
    "storage.object_not_found": {"en-US": "object not found", "zh-CN": "对象不存在"},
    "storage.object_too_large": {
        "en-US": "object larger than {limit} bytes",
        "zh-CN": "对象超过 {limit} 字节",
    },
    "storage.link_refused": {"en-US": "link refused: {reason}", "zh-CN": "链接无效：{reason}"},
    "storage.unavailable": {
        "en-US": "object storage unavailable: {reason}",
        "zh-CN": "对象存储不可用：{reason}",
    },
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
    "runstream.unavailable": {
        "en-US": "chat event streams are unavailable ({service} unreachable); try again shortly",
        "zh-CN": "对话事件流暂不可用（{service} 无法访问），请稍后重试",
    },
}


MAX_ACCEPT_LANGUAGE = 512  # real headers are a few dozen characters; the rest is not read


def install(messages: Mapping[str, Mapping[str, str]]) -> None:
    """Adds a context module's messages (bootstrap.modules does it); a key means one text only."""
    for key, texts in messages.items():
        known = MESSAGES.get(key)
        if known is not None and known != texts:
            raise ValueError(f"message {key} is already defined with other texts")
        MESSAGES[key] = dict(texts)


def negotiate(accept_language: str | None, default: str = "en-US") -> str:
    """Pick the best supported locale from an Accept-Language header (q-values honoured)."""
    if not accept_language:
        return default
    # Cut before the cache: it keys on the text, and a client chooses how long that is.
    return _negotiate(accept_language[:MAX_ACCEPT_LANGUAGE], default)


@lru_cache(maxsize=512)
def _negotiate(accept_language: str, default: str) -> str:
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


class _Blanks(dict[str, str]):
    """Placeholders the error did not fill read as empty (e.g. a reason that was not given)."""

    missing = False

    def __missing__(self, key: str) -> str:
        self.missing = True
        return ""


def message(key: str, locale: str, params: dict[str, Any] | None = None) -> str:
    texts = MESSAGES.get(key) or MESSAGES["error.domain"]
    template = texts.get(locale) or texts["en-US"]
    values = _Blanks({k: _short(v) for k, v in (params or {}).items()})
    try:
        text = template.format_map(values)
    except (IndexError, ValueError):
        return template
    # A message whose detail was left out ends in a dangling separator.
    return text.rstrip("：: ") if values.missing else text


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 200 else text[:197] + "..."
