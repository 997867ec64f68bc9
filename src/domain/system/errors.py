from __future__ import annotations

from domain.common.errors import Conflict, InvalidInput, NotFound


class SettingNotFound(NotFound):
    message_key = "system.setting_not_found"


class SettingRevisionNotFound(NotFound):
    message_key = "system.setting_revision_not_found"


class InvalidSettingKey(InvalidInput):
    message_key = "system.invalid_setting_key"


class SettingValueTooLarge(InvalidInput):
    message_key = "system.setting_value_too_large"


class SettingVersionConflict(Conflict):
    message_key = "system.setting_version_conflict"
