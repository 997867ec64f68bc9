"""Shared request/response building blocks: ids, paging values and their documented constraints.

The types here carry their constraints (msgspec Meta, Litestar parameter bounds), so the decoded
value is checked and idl/ says the same thing (docs/adr/0030-request-contract.md).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar.params import KwargDefinition, PathParameter, QueryParameter

from domain.common.errors import InvalidInput, NotFound


class InvalidParams(InvalidInput):
    """A query or body value the HTTP layer checks itself; `detail` says which."""

    message_key = "error.invalid_params"


INT64_MAX = 2**63 - 1
# An int64 id as JSON carries it: decimal digits, no sign, no leading zero. 19-digit values above
# INT64_MAX match too; they name nothing, so they are answered 404 like any unknown id.
ID_PATTERN = r"^[1-9][0-9]{0,18}$"
ID_OR_EMPTY_PATTERN = r"^([1-9][0-9]{0,18})?$"  # "" means absent (cozepy sends None as "")
MAX_PAGE_NUMBER = 100_000  # the deepest page any list serves

# A path id: a positive int64. Larger numbers are refused with 4000 instead of reaching the database.
Int64Id = Annotated[
    int,
    PathParameter(
        ge=1,
        le=INT64_MAX,
        description="int64 id (strings in JSON bodies)",
        schema_extra={"maximum": INT64_MAX},  # exact: Litestar writes the bound as a float
    ),
]

_ID_STRING_SCHEMA = {"type": "string", "pattern": ID_PATTERN, "description": "int64 id as a decimal string"}
# An int64 id in a JSON body, as a string.
Int64Str = Annotated[str, msgspec.Meta(pattern=ID_PATTERN, description="int64 id as a decimal string")]

# A list of them: Litestar leaves the item constraint out of the schema, so it is restated
# (ID_ITEMS also goes beside a length bound: `Annotated[list[Int64Str], msgspec.Meta(...), ID_ITEMS]`).
ID_ITEMS = KwargDefinition(schema_extra={"items": _ID_STRING_SCHEMA})
Int64StrList = Annotated[list[Int64Str], ID_ITEMS]
OptionalInt64StrList = Annotated[
    list[Int64Str] | None, KwargDefinition(schema_extra={"items": _ID_STRING_SCHEMA})
]
# The same where "" means none; OptionalId also takes null or leaving the field out.
IdOrEmpty = Annotated[str, msgspec.Meta(pattern=ID_OR_EMPTY_PATTERN, description="int64 id; empty for none")]
OptionalId = IdOrEmpty | None
# An update's reference: absent keeps it, "" or "0" clears it, an id sets it.
IdChange = Annotated[
    str, msgspec.Meta(pattern=r"^(0|[1-9][0-9]{0,18})?$", description="int64 id; empty or 0 clears it")
]

_ID_STRING = {"type": "string", "pattern": ID_PATTERN}
_ID_NUMBER = {"type": "integer", "minimum": 1, "maximum": INT64_MAX}
_Number = Annotated[int, msgspec.Meta(ge=1, le=INT64_MAX)]

WIRE_ID_SCHEMA = {"oneOf": [_ID_STRING, _ID_NUMBER], "description": "int64 id"}
# Token API ids: a string (what cozepy sends) or a number.
WireId = Annotated[
    Annotated[str, msgspec.Meta(pattern=ID_PATTERN)] | _Number,
    KwargDefinition(schema_extra=WIRE_ID_SCHEMA),
]
# The same where the id may be left out: null and "" mean absent.
OptionalWireId = Annotated[
    Annotated[str, msgspec.Meta(pattern=ID_OR_EMPTY_PATTERN)] | _Number | None,
    KwargDefinition(
        schema_extra={
            "oneOf": [{"type": "string", "pattern": ID_OR_EMPTY_PATTERN}, _ID_NUMBER, {"type": "null"}],
            "description": "int64 id; null or empty for none",
        }
    ),
]

# Query values are text, and cozepy sends a None as "": the handler reads them (query_id, query_int)
# so that a missing id gets its context's own code (4002 conversation, 4005 message, 4006 bot ...).
# The document still says what is required and how it is spelled.
QueryId = Annotated[
    str | None,
    QueryParameter(
        required=True,
        schema_extra={"oneOf": None, "type": "string", "pattern": ID_PATTERN},
        description="int64 id",
    ),
]
OptionalQueryId = Annotated[
    str | None,
    QueryParameter(
        schema_extra={"oneOf": None, "type": "string", "pattern": ID_OR_EMPTY_PATTERN},
        description="int64 id; empty for none",
    ),
]


def _number_or_empty(maximum: int, what: str) -> KwargDefinition:
    schema = {
        "oneOf": [{"type": "integer", "minimum": 1, "maximum": maximum}, {"type": "string", "enum": [""]}]
    }
    return QueryParameter(schema_extra=schema, description=f"{what}, 1-{maximum}; empty for the default")


# Query paging values: a number in range, or "" for the default; anything else is refused (4000),
# never clamped. Page sizes go by each list's maximum.
QueryPage = Annotated[str | None, _number_or_empty(MAX_PAGE_NUMBER, "page number")]
QuerySize50 = Annotated[str | None, _number_or_empty(50, "page size")]
QuerySize100 = Annotated[str | None, _number_or_empty(100, "page size")]
BodyPage = Annotated[int, msgspec.Meta(ge=1, le=MAX_PAGE_NUMBER, description="page number, from 1")]
BodySize100 = Annotated[int, msgspec.Meta(ge=1, le=100, description="page size, 1-100")]


def query_int(value: str | None, default: int, maximum: int, name: str) -> int:
    """A paging value from the query: "" or absent is the default; outside 1..maximum is refused."""
    if value is None or value == "":
        return default
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= maximum:
        raise InvalidParams(detail=f"{name} must be an integer from 1 to {maximum}")
    return int(value)


def seconds(at: datetime) -> int:
    """A time as both surfaces send it: whole unix seconds (the SPA spells them as text)."""
    return int(at.timestamp())


def seconds_text(at: datetime | None) -> str:
    """The SPA's spelling of a time: unix seconds as a string, "" for none."""
    return "" if at is None else str(seconds(at))


def id_str(value: int) -> str:
    """int64 ids travel as JSON strings: JavaScript clients lose precision above 2**53."""
    return str(value)


def parse_id(value: str | int) -> int:
    """An int64 id from a JSON string (or number); anything else is invalid input (4000).

    A well-formed id beyond int64 cannot name anything: it is not found (404), as the documented
    pattern admits it."""
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        raise InvalidInput()
    number = int(text)
    if number > INT64_MAX and not text.startswith("0"):
        raise NotFound()
    if not 1 <= number <= INT64_MAX:
        raise InvalidInput()
    return number
