from __future__ import annotations

from domain.common.access import UserNotFound
from domain.common.errors import (
    Conflict,
    InvalidInput,
    PermissionDenied,
    RateLimited,
    Unauthenticated,
)

__all__ = [
    "EmailTaken",
    "InvalidCredentials",
    "InvalidEmail",
    "LoginThrottled",
    "OwnAccount",
    "RegistrationClosed",
    "SessionInvalid",
    "UserDisabled",
    "UserNotFound",
    "WeakPassword",
    "WrongPassword",
]


class InvalidCredentials(Unauthenticated):
    """Unknown email and wrong password are the same error, on purpose."""

    message_key = "user.invalid_credentials"


class WrongPassword(InvalidInput):
    """A signed-in user's current password did not match (changing it): the request is wrong, the
    session is fine, so not 401, which a client rightly reads as "sign in again"."""

    message_key = "user.wrong_password"


class SessionInvalid(Unauthenticated):
    message_key = "user.session_invalid"


class LoginThrottled(RateLimited):
    message_key = "user.login_throttled"


class RegistrationClosed(PermissionDenied):
    message_key = "user.registration_closed"


class EmailTaken(Conflict):
    message_key = "user.email_taken"


class InvalidEmail(InvalidInput):
    message_key = "user.invalid_email"


class WeakPassword(InvalidInput):
    message_key = "user.weak_password"


class OwnAccount(Conflict):
    """An administrator may not disable their own account or reset their own password from the
    console: it would lock them out (the password change route needs the current password)."""

    message_key = "user.own_account"


class UserDisabled(Unauthenticated):
    message_key = "user.disabled"
