"""Shared request/response building blocks."""

from __future__ import annotations

from typing import Annotated

from litestar.params import Parameter

INT64_MAX = 2**63 - 1

# A path id: a positive int64. Larger numbers are refused with 4000 instead of reaching the database.
Int64Id = Annotated[int, Parameter(ge=1, le=INT64_MAX, description="int64 id (strings in JSON bodies)")]


def id_str(value: int) -> str:
    """int64 ids travel as JSON strings: JavaScript clients lose precision above 2**53."""
    return str(value)
