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
    "user.invalid_credentials": {"en-US": "wrong email or password", "zh-CN": "邮箱或密码错误"},
    "user.session_invalid": {"en-US": "please sign in", "zh-CN": "请先登录"},
    "user.login_throttled": {
        "en-US": "too many failed sign-ins, try again in {retry_after} s",
        "zh-CN": "登录失败次数过多，请在 {retry_after} 秒后重试",
    },
    "user.registration_closed": {
        "en-US": "registration is closed: ask an administrator for an account",
        "zh-CN": "已关闭注册，请联系管理员创建账号",
    },
    "user.email_taken": {"en-US": "this email already has an account", "zh-CN": "该邮箱已注册"},
    "user.own_account": {
        "en-US": "an administrator cannot disable or reset their own account; ask another administrator",
        "zh-CN": "管理员不能停用或重置自己的账号，请由其他管理员操作",
    },
    "user.invalid_email": {"en-US": "invalid email address", "zh-CN": "邮箱地址无效"},
    "user.weak_password": {
        "en-US": "password must be {min}-{max} characters and not only digits or letters",
        "zh-CN": "密码须为 {min}-{max} 个字符，且不能只包含数字或字母",
    },
    "user.not_found": {"en-US": "user not found", "zh-CN": "用户不存在"},
    "user.disabled": {"en-US": "account disabled", "zh-CN": "账号已停用"},
    "space.not_found": {"en-US": "space not found", "zh-CN": "空间不存在"},
    "space.role_required": {
        "en-US": "requires the {role} role in this space",
        "zh-CN": "需要该空间的 {role} 角色",
    },
    "space.personal_is_private": {
        "en-US": "a personal space has no other members",
        "zh-CN": "个人空间不能添加成员",
    },
    "space.owner_cannot_leave": {
        "en-US": "the owner cannot leave: transfer ownership first",
        "zh-CN": "所有者不能退出，请先转让空间",
    },
    "space.already_member": {"en-US": "already a member", "zh-CN": "已是空间成员"},
    "space.not_a_member": {"en-US": "not a member of this space", "zh-CN": "不是该空间成员"},
    "space.invalid_name": {
        "en-US": "space name must be 1-100 characters",
        "zh-CN": "空间名称须为 1-100 个字符",
    },
    "openauth.token_invalid": {"en-US": "authentication is invalid", "zh-CN": "身份验证无效"},
    "openauth.scope_not_granted": {
        "en-US": "the token lacks the {scope} scope",
        "zh-CN": "令牌缺少 {scope} 权限",
    },
    "openauth.space_not_granted": {
        "en-US": "the token is not valid for this space",
        "zh-CN": "令牌无权访问该空间",
    },
    "openauth.token_not_found": {"en-US": "token not found", "zh-CN": "令牌不存在"},
    "openauth.invalid_request": {
        "en-US": "invalid token request: {reason}",
        "zh-CN": "令牌请求无效：{reason}",
    },
    "corporation.not_found": {"en-US": "corporation not found", "zh-CN": "组织不存在"},
    "corporation.department_not_found": {"en-US": "department not found", "zh-CN": "部门不存在"},
    "corporation.employee_not_found": {"en-US": "employee not found", "zh-CN": "员工不存在"},
    "corporation.user_not_found": {
        "en-US": "the platform account to link does not exist or is disabled",
        "zh-CN": "要关联的平台账号不存在或已停用",
    },
    "corporation.invalid_field": {"en-US": "invalid {field}: {reason}", "zh-CN": "{field} 无效：{reason}"},
    "corporation.parent_cycle": {
        "en-US": "a node cannot be moved under itself or one of its descendants",
        "zh-CN": "不能把节点移动到它自身或其下级之下",
    },
    "corporation.tree_too_deep": {
        "en-US": "the tree would be deeper than {limit} levels",
        "zh-CN": "层级将超过 {limit} 级",
    },
    "corporation.type_nesting": {
        "en-US": "a {child} cannot sit under a {parent}",
        "zh-CN": "{child} 类型的组织不能位于 {parent} 之下",
    },
    "corporation.department_outside_corporation": {
        "en-US": "the departments must all belong to one corporation (a parent department to the same one)",
        "zh-CN": "部门必须属于同一组织（上级部门须属于同一组织）",
    },
    "corporation.invalid_placement": {
        "en-US": "invalid departments: {reason}",
        "zh-CN": "部门设置无效：{reason}",
    },
    "corporation.sort_outside_parent": {
        "en-US": "sort lists only the direct sub-departments of the given parent, each once",
        "zh-CN": "排序只能包含该上级的直属部门，且每个部门只出现一次",
    },
    "corporation.not_empty": {
        "en-US": "the corporation still has {children} sub-corporations, {departments} departments "
        "and {employees} employees: move or delete them first",
        "zh-CN": "该组织下仍有 {children} 个下级组织、{departments} 个部门和 {employees} 名员工，"
        "请先移走或删除",
    },
    "corporation.department_not_empty": {
        "en-US": "the department still has {children} sub-departments and {employees} employees: "
        "move them first",
        "zh-CN": "该部门下仍有 {children} 个子部门和 {employees} 名员工，请先移走",
    },
    "corporation.employee_no_taken": {
        "en-US": "employee number {employee_no} is already used in this corporation",
        "zh-CN": "工号 {employee_no} 在该组织内已被使用",
    },
    "corporation.user_already_linked": {
        "en-US": "this platform account is already linked to another employee of the corporation",
        "zh-CN": "该平台账号已关联到该组织的其他员工",
    },
    "corporation.employee_status": {
        "en-US": "not possible while the employee is {status}",
        "zh-CN": "员工当前状态（{status}）下无法执行此操作",
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
    "permission.role_not_found": {"en-US": "role not found", "zh-CN": "角色不存在"},
    "permission.role_code_taken": {"en-US": "role code {code} is taken", "zh-CN": "角色编码 {code} 已存在"},
    "permission.builtin_role_locked": {
        "en-US": "built-in roles cannot be deleted, renamed or disabled, and super_admin cannot change",
        "zh-CN": "内置角色不可删除、改名或停用，超级管理员角色不可修改",
    },
    "permission.derived_role": {
        "en-US": "{role} follows the superuser flag or space membership and cannot be granted directly",
        "zh-CN": "{role} 由超级管理员标记或空间成员身份决定，不能直接授予",
    },
    "permission.role_in_use": {
        "en-US": "the role is still granted to {count} users; unassign it first",
        "zh-CN": "该角色仍授予 {count} 个用户，请先取消授权",
    },
    "permission.invalid_entry": {"en-US": "invalid permission: {detail}", "zh-CN": "权限项无效：{detail}"},
    "permission.invalid_role": {"en-US": "invalid role: {detail}", "zh-CN": "角色无效：{detail}"},
    "permission.invalid_domain": {
        "en-US": "invalid domain {domain}: use global or space:<id> matching the role",
        "zh-CN": "权限域 {domain} 无效：请使用与角色匹配的 global 或 space:<id>",
    },
    "permission.denied": {
        "en-US": "no permission to {action} {object}",
        "zh-CN": "没有权限：{action} {object}",
    },
    "conversation.not_found": {"en-US": "conversation not found", "zh-CN": "会话不存在"},
    "conversation.message_not_found": {"en-US": "message not found", "zh-CN": "消息不存在"},
    "conversation.chat_not_found": {"en-US": "chat not found", "zh-CN": "对话不存在"},
    "conversation.chat_stream_interrupted": {
        "en-US": "the chat's event stream was interrupted ({service} unreachable)",
        "zh-CN": "对话的事件流中断（{service} 无法访问）",
    },
    "runstream.unavailable": {
        "en-US": "chat event streams are unavailable ({service} unreachable); try again shortly",
        "zh-CN": "对话事件流暂不可用（{service} 无法访问），请稍后重试",
    },
    "conversation.invalid": {"en-US": "invalid conversation: {reason}", "zh-CN": "会话无效：{reason}"},
    "conversation.invalid_message": {"en-US": "invalid message: {reason}", "zh-CN": "消息无效：{reason}"},
    "conversation.invalid_chat": {"en-US": "invalid chat: {reason}", "zh-CN": "对话请求无效：{reason}"},
    "conversation.meta_data_too_large": {
        "en-US": "invalid meta_data: {reason}",
        "zh-CN": "meta_data 无效：{reason}",
    },
    "conversation.too_many_messages": {
        "en-US": "too many messages: at most {limit}",
        "zh-CN": "消息过多：最多 {limit} 条",
    },
    "conversation.non_stream_needs_history": {
        "en-US": "stream=false requires auto_save_history=true",
        "zh-CN": "非流式对话（stream=false）须设置 auto_save_history=true",
    },
    "conversation.invalid_agent": {
        "en-US": "the bot does not exist or is not available to you",
        "zh-CN": "智能体不存在或无权访问",
    },
    "conversation.agent_not_published": {
        "en-US": "the bot is not published to this channel",
        "zh-CN": "智能体未发布到该渠道",
    },
    "conversation.chat_running": {
        "en-US": "the conversation already has a chat in progress",
        "zh-CN": "该会话中已有正在进行的对话",
    },
    "conversation.chat_not_cancellable": {
        "en-US": "the chat can no longer be cancelled (status {status})",
        "zh-CN": "对话已无法取消（状态 {status}）",
    },
    "conversation.invalid_chat_request": {
        "en-US": "invalid parameters: {reason}",
        "zh-CN": "参数无效：{reason}",
    },
    "conversation.tool_not_offered": {
        "en-US": "the model asked for tool {tool}, which this agent does not offer",
        "zh-CN": "模型调用了该智能体未提供的工具 {tool}",
    },
    "conversation.chat_not_awaiting_tools": {
        "en-US": "the chat is not waiting for these tool outputs: {reason}",
        "zh-CN": "对话并未等待这些工具输出：{reason}",
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
