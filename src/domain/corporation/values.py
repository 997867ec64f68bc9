"""Enums, limits and field checks of the organisation tree."""

from __future__ import annotations

import re
from enum import StrEnum

from domain.corporation.errors import InvalidOrganisationField

MAX_NAME = 100
MAX_CODE = 64
MAX_EMPLOYEE_NO = 32
MAX_EMAIL = 254
MAX_MOBILE = 32
MAX_POSITION = 100
MAX_REASON = 500
# Bounded depths keep every walk up or down the tree short, and the tree readable.
MAX_CORPORATION_DEPTH = 8
MAX_DEPARTMENT_DEPTH = 15
MAX_DEPARTMENTS_PER_EMPLOYEE = 20
INT32 = 2**31 - 1

_EMAIL = re.compile(r"^[^@\s\x00-\x1f]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.)+[A-Za-z0-9-]{2,63}$")
_MOBILE = re.compile(r"^\+?[0-9][0-9 \-]{3,30}$")
_EMPLOYEE_NO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")


class CorporationType(StrEnum):
    GROUP = "group"
    COMPANY = "company"
    BRANCH = "branch"

    @property
    def rank(self) -> int:
        return {CorporationType.GROUP: 3, CorporationType.COMPANY: 2, CorporationType.BRANCH: 1}[self]

    def may_contain(self, child: CorporationType) -> bool:
        """A group holds anything, a company holds companies and branches, a branch only branches."""
        return child.rank <= self.rank


class DataSource(StrEnum):
    """Where a record came from. Only manual entry exists today; directory sync would add the others."""

    MANUAL = "manual"


class EmployeeStatus(StrEnum):
    ACTIVE = "active"
    RESIGNED = "resigned"


def _no_controls(text: str) -> bool:
    return not any(ord(c) < 32 or ord(c) == 127 for c in text)


def checked_name(value: str, field: str = "name") -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        raise InvalidOrganisationField(field=field, reason="must not be empty")
    if len(cleaned) > MAX_NAME:
        raise InvalidOrganisationField(field=field, reason=f"at most {MAX_NAME} characters")
    if not _no_controls(cleaned):
        raise InvalidOrganisationField(field=field, reason="control characters are not allowed")
    return cleaned


def checked_text(value: str | None, field: str, limit: int) -> str:
    """Optional free text: trimmed, bounded, single line."""
    cleaned = (value or "").strip()
    if len(cleaned) > limit:
        raise InvalidOrganisationField(field=field, reason=f"at most {limit} characters")
    if not _no_controls(cleaned):
        raise InvalidOrganisationField(field=field, reason="control characters are not allowed")
    return cleaned


def checked_code(value: str | None) -> str:
    cleaned = checked_text(value, "code", MAX_CODE)
    if cleaned and not _CODE.match(cleaned):
        raise InvalidOrganisationField(field="code", reason="letters, digits, '.', '_' and '-' only")
    return cleaned


def checked_employee_no(value: str | None) -> str | None:
    """None when absent: employee numbers are optional but unique within a corporation when given.

    Upper-cased, so 'e-01' and 'E-01' are one number on every database (MySQL collations ignore case,
    SQLite's comparisons do not)."""
    cleaned = checked_text(value, "employee_no", MAX_EMPLOYEE_NO).upper()
    if not cleaned:
        return None
    if not _EMPLOYEE_NO.match(cleaned):
        raise InvalidOrganisationField(field="employee_no", reason="letters, digits, '.', '_' and '-' only")
    return cleaned


def checked_email(value: str | None) -> str:
    cleaned = (value or "").strip().lower()
    if cleaned and (len(cleaned) > MAX_EMAIL or not _EMAIL.match(cleaned)):
        raise InvalidOrganisationField(field="email", reason="not an email address")
    return cleaned


def checked_mobile(value: str | None) -> str:
    cleaned = (value or "").strip()
    if cleaned and (len(cleaned) > MAX_MOBILE or not _MOBILE.match(cleaned)):
        raise InvalidOrganisationField(field="mobile", reason="digits, spaces, '-' and a leading '+' only")
    return cleaned


def checked_sort(value: int) -> int:
    if not -INT32 <= value <= INT32:
        raise InvalidOrganisationField(field="sort", reason="must fit in 32 bits")
    return value
