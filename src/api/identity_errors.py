"""Messages of the identity context (users, sessions, spaces, personal access tokens); their codes
come from the kernel specs their errors derive from (api/errors.py)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "user.invalid_credentials": {"en-US": "wrong email or password", "zh-CN": "邮箱或密码错误"},
    "user.wrong_password": {"en-US": "the current password is wrong", "zh-CN": "当前密码错误"},
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
    "space.already_invited": {
        "en-US": "this user already has a pending invitation to the space",
        "zh-CN": "该用户已有待处理的空间邀请",
    },
    "space.invitation_not_found": {"en-US": "invitation not found", "zh-CN": "邀请不存在"},
    "space.invitation_not_pending": {
        "en-US": "the invitation is no longer pending ({state})",
        "zh-CN": "该邀请已不可处理（{state}）",
    },
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
}
