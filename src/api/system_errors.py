"""Messages of the system settings; codes from the kernel specs their errors derive from."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
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
