"""Messages of roles and grants; codes from the kernel specs their errors derive from."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
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
}
