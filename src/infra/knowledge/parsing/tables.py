"""What the table parsers (csv, xlsx, json) share: a builder that takes rows one at a time,
drops empty ones, enforces the row, column and text limits as it goes, and infers column types.

The first non-empty row is the header. A column's type is the narrowest that fits every non-empty
cell: integers and decimals widen to NUMBER, anything mixed is STRING. Text cells are read the
way a person would (" 42 " is an integer, "2024-05-01" a time) except numbers with a leading zero,
which are codes ("007", zip codes) and stay strings."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from decimal import Decimal

from domain.knowledge.parsed import (
    ColumnType,
    FailureReason,
    ParsedTable,
    ParseFailed,
    ParseLimits,
    TableColumn,
)

_INTEGER = re.compile(r"[+-]?(?:0|[1-9]\d*)")
_NUMBER = re.compile(r"[+-]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?")
# A date, or a date and time (ISO 8601 or with slashes), with an optional zone.
_TIME = re.compile(
    r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_INT64 = 2**63 - 1
_BOOLEANS = {"true", "false"}
_NUMERIC = frozenset({ColumnType.INTEGER, ColumnType.NUMBER})


class TableBuilder:
    def __init__(self, limits: ParseLimits, what: str) -> None:
        self._limits, self._what = limits, what
        self._header: list[str | None] | None = None
        self._rows: list[list[str | None]] = []
        self._types: list[ColumnType | None] = []  # None: no value seen yet
        self._chars = 0

    @property
    def has_header(self) -> bool:
        return self._header is not None

    def header(self, names: Sequence[object]) -> None:
        """Set the header row even when some or all of its cells are blank (JSON keys)."""
        cells = [render(name) for name in names]
        self._check_width(len(cells))
        self._count(cells)
        self._header = cells

    def add(self, values: Sequence[object]) -> bool:
        """Take one row of raw cell values; False (and nothing kept) when it is empty."""
        cells = [render(value) for value in values]
        while cells and cells[-1] is None:
            cells.pop()
        if not cells:
            return False
        self._check_width(len(cells))
        self._count(cells)
        if self._header is None:
            self._header = cells
            return True
        if len(self._rows) >= self._limits.max_rows:
            raise ParseFailed(
                FailureReason.TOO_MANY_ROWS,
                f"the {self._what} has more than {self._limits.max_rows:,} rows",
            )
        if len(self._types) < len(cells):
            self._types.extend([None] * (len(cells) - len(self._types)))
        for index, value in enumerate(values[: len(cells)]):
            if cells[index] is not None:
                self._types[index] = _widen(self._types[index], kind_of(value))
        self._rows.append(cells)
        return True

    def build(self, sheet: str = "") -> ParsedTable:
        if self._header is None:
            raise ParseFailed(FailureReason.EMPTY, f"the {self._what} has no rows")
        if not self._rows:
            raise ParseFailed(FailureReason.EMPTY, f"the {self._what} has a header row but no data rows")
        width = max(len(self._header), len(self._types))
        names = column_names([*self._header, *[None] * (width - len(self._header))])
        types = [*self._types, *[None] * (width - len(self._types))]
        columns = tuple(
            TableColumn(name, kind or ColumnType.STRING) for name, kind in zip(names, types, strict=True)
        )
        rows = tuple(tuple(row) + (None,) * (width - len(row)) for row in self._rows)
        return ParsedTable(columns, rows, sheet)

    def _check_width(self, width: int) -> None:
        if width > self._limits.max_columns:
            raise ParseFailed(
                FailureReason.TOO_MANY_COLUMNS,
                f"the {self._what} has {width:,} columns, "
                f"more than the limit of {self._limits.max_columns:,}",
            )

    def _count(self, cells: list[str | None]) -> None:
        self._chars += sum(len(cell) for cell in cells if cell)
        if self._chars > self._limits.max_text_chars:
            raise ParseFailed(
                FailureReason.TOO_LARGE,
                f"the {self._what}'s cells hold more than {self._limits.max_text_chars:,} characters",
            )


def render(value: object) -> str | None:
    """A cell's text; None for an empty cell."""
    if value is None:
        return None
    return _text(value) or None


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.date | dt.time):
        return _moment(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value).strip()  # str, int, Decimal, anything else


def _moment(value: dt.date | dt.time) -> str:
    """Dates without their midnight (spreadsheets store dates as datetimes), times as ISO 8601."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None and value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    return value.isoformat()


def kind_of(value: object) -> ColumnType:
    """The type of one non-empty raw value."""
    if isinstance(value, bool):
        return ColumnType.BOOLEAN
    if isinstance(value, int):
        return ColumnType.INTEGER if -_INT64 - 1 <= value <= _INT64 else ColumnType.STRING
    if isinstance(value, float | Decimal):
        return ColumnType.NUMBER
    if isinstance(value, dt.date | dt.time):  # datetime is a date
        return ColumnType.TIME
    if isinstance(value, str):
        return _kind_of_text(value.strip())
    return ColumnType.STRING


def _kind_of_text(text: str) -> ColumnType:
    if _INTEGER.fullmatch(text):
        return ColumnType.INTEGER if abs(int(text)) <= _INT64 else ColumnType.STRING
    if _NUMBER.fullmatch(text) and not re.match(r"[+-]?0\d", text):
        return ColumnType.NUMBER
    if text.lower() in _BOOLEANS:
        return ColumnType.BOOLEAN
    time = _TIME.fullmatch(text)
    if time and _is_time(time):
        return ColumnType.TIME
    return ColumnType.STRING


def _is_time(match: re.Match[str]) -> bool:
    year, month, day, hour, minute, second = (int(part) if part else 0 for part in match.groups()[:6])
    try:
        dt.datetime(year, month, day, hour, minute, second)
    except ValueError:
        return False
    return True


def _widen(current: ColumnType | None, new: ColumnType) -> ColumnType:
    if current is None or current is new:
        return new
    if current in _NUMERIC and new in _NUMERIC:
        return ColumnType.NUMBER
    return ColumnType.STRING


def column_names(header: Sequence[str | None]) -> list[str]:
    """Header cells as unique column names: blanks become column_N, repeats get _2, _3, ..."""
    names: list[str] = []
    seen: set[str] = set()
    for index, cell in enumerate(header):
        base = " ".join((cell or "").split()) or f"column_{index + 1}"
        name, suffix = base, 2
        while name in seen:
            name, suffix = f"{base}_{suffix}", suffix + 1
        seen.add(name)
        names.append(name)
    return names
