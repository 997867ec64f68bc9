"""Wire values shared by the organisation routes: Coze Plus's numeric enums, times, optional ids."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import IntEnum
from typing import Annotated, Any, Literal, TypeVar

import msgspec

from api.schemas import Int64Str, id_str, parse_id
from application.common.paging import Page as ResultPage
from application.corporation.common import KEEP, Keep
from domain.corporation.errors import InvalidOrganisationField
from domain.corporation.values import CorporationType, EmployeeStatus

T = TypeVar("T")
R = TypeVar("R")

PREFIX = "/api/v1/corporation"
TAGS = ["organisation"]


class CorpType(IntEnum):
    """Coze Plus's CorporationType: 1 group, 2 company, 3 branch."""

    GROUP = 1
    COMPANY = 2
    BRANCH = 3

    @property
    def domain(self) -> CorporationType:
        return CorporationType[self.name]

    @classmethod
    def of(cls, value: str) -> CorpType:
        return cls[CorporationType(value).name]


class StaffStatus(IntEnum):
    """Coze Plus's EmployeeStatus: 1 employed, 2 quit (resigned)."""

    EMPLOYED = 1
    QUIT = 2

    @property
    def domain(self) -> EmployeeStatus:
        return EmployeeStatus.ACTIVE if self is StaffStatus.EMPLOYED else EmployeeStatus.RESIGNED

    @classmethod
    def of(cls, value: str) -> StaffStatus:
        return cls.EMPLOYED if EmployeeStatus(value) is EmployeeStatus.ACTIVE else cls.QUIT


# Coze Plus's DataSource: 1 WeCom, 2 DingTalk, 3 Feishu, 4 manual. Only manual entry exists here.
MANUAL_SOURCE = 4
Source = Literal[4]
SOURCE = {"manual": MANUAL_SOURCE}

Sort = Annotated[int, msgspec.Meta(ge=-(2**31 - 1), le=2**31 - 1)]
Page = Annotated[int, msgspec.Meta(ge=1, le=100_000)]
PageSize = Annotated[int, msgspec.Meta(ge=1, le=100)]
Keyword = Annotated[str, msgspec.Meta(max_length=100)]
IdText = Int64Str
# A name: 1-100 characters once trimmed, no control characters (domain.corporation.values.checked_name).
OrgName = Annotated[
    str, msgspec.Meta(pattern=r"^[^\x00-\x1f\x7f]*[^\x00-\x1f\x7f\s][^\x00-\x1f\x7f]*$", max_length=100)
]


def millis(at: datetime | None) -> str:
    """Times travel as unix milliseconds in strings, as Coze Plus sends them."""
    return "" if at is None else str(int(at.timestamp() * 1000))


def maybe_id(value: int | None) -> str | None:
    return None if value is None else id_str(value)


def optional_id(value: str | None) -> int | None:
    return None if value in (None, "") else parse_id(value)


def id_change(value: str | None) -> int | Keep | None:
    """Update semantics for an optional reference (a parent, a linked account): absent keeps it,
    "" or "0" clears it (top level, unlinked), an id sets it."""
    if value is None:
        return KEEP
    if value.strip() in ("", "0"):
        return None
    return parse_id(value)


def same_id(body_id: str | None, path_id: int) -> None:
    """Coze Plus clients repeat the id in the body; it must then be the one in the path."""
    if body_id not in (None, "") and parse_id(body_id) != path_id:
        raise InvalidOrganisationField(field="id", reason="differs from the id in the path")


def listed(response: Callable[..., R], page: ResultPage[T], of: Callable[[T], Any]) -> R:
    """A list answer of the organisation routes: the page's items as `of` shows them, the total as
    a string, and whether more follow."""
    return response(data=[of(item) for item in page.items], total=str(page.total), has_more=page.has_more)
