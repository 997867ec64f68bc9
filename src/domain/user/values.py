from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from domain.user.errors import InvalidEmail, WeakPassword

_EMAIL = re.compile(r"^[^@\s\x00-\x1f]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.)+[A-Za-z0-9-]{2,63}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 128  # argon2 is slow on purpose: an unbounded password is a denial-of-service lever


class UserStatus(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"


@dataclass(frozen=True, slots=True)
class Email:
    """Case-insensitive address, stored lower-cased so one person cannot hold two accounts."""

    value: str

    @classmethod
    def parse(cls, raw: str) -> Email:
        candidate = (raw or "").strip().lower()
        if len(candidate) > 254 or not _EMAIL.match(candidate):
            raise InvalidEmail()
        return cls(candidate)

    def __str__(self) -> str:
        return self.value


def check_password_policy(password: str) -> str:
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise WeakPassword(min=MIN_PASSWORD, max=MAX_PASSWORD)
    if password.isdigit() or password.isalpha() or len(set(password)) < 4:
        raise WeakPassword(min=MIN_PASSWORD, max=MAX_PASSWORD)
    return password
