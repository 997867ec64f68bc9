from __future__ import annotations

from domain.common.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class RoleNotFound(NotFound):
    message_key = "permission.role_not_found"


class RoleCodeTaken(Conflict):
    message_key = "permission.role_code_taken"


class BuiltinRoleLocked(Conflict):
    """Built-in roles cannot be deleted, renamed or disabled; super_admin's rights cannot change."""

    message_key = "permission.builtin_role_locked"


class DerivedRole(InvalidInput):
    """super_admin follows the account's superuser flag and space roles follow space membership."""

    message_key = "permission.derived_role"


class RoleInUse(Conflict):
    message_key = "permission.role_in_use"


class InvalidPermission(InvalidInput):
    message_key = "permission.invalid_entry"


class InvalidRole(InvalidInput):
    message_key = "permission.invalid_role"


class InvalidDomain(InvalidInput):
    message_key = "permission.invalid_domain"


class NotPermitted(PermissionDenied):
    message_key = "permission.denied"
