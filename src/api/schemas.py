"""Shared request/response building blocks."""

from __future__ import annotations

from typing import Annotated

from litestar.params import PathParameter

from domain.common.errors import InvalidInput

INT64_MAX = 2**63 - 1

# A path id: a positive int64. Larger numbers are refused with 4000 instead of reaching the database.
Int64Id = Annotated[int, PathParameter(ge=1, le=INT64_MAX, description="int64 id (strings in JSON bodies)")]


def id_str(value: int) -> str:
    """int64 ids travel as JSON strings: JavaScript clients lose precision above 2**53."""
    return str(value)


def parse_id(value: str | int) -> int:
    """An int64 id from a JSON string (or number); anything else is invalid input (4000)."""
    text = str(value).strip()
    if not text.isdigit() or len(text) > 19:
        raise InvalidInput()
    number = int(text)
    if not 1 <= number <= INT64_MAX:
        raise InvalidInput()
    return number
