"""Whether a new sheet fits a table knowledge base's columns (Coze's table_schema/validate).

The knowledge base's schema is the columns of its first ready table document. A sheet fits when it
has every schema column by name (order and extra columns do not matter) and each such column's values
convert to the schema's type: anything is text, a whole number is a number.
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.knowledge.parsed import ColumnType, TableColumn

MISSING = "column not found in provided data"

_ACCEPTS: dict[ColumnType, frozenset[ColumnType]] = {
    ColumnType.STRING: frozenset(ColumnType),
    ColumnType.NUMBER: frozenset({ColumnType.NUMBER, ColumnType.INTEGER}),
    ColumnType.INTEGER: frozenset({ColumnType.INTEGER}),
    ColumnType.BOOLEAN: frozenset({ColumnType.BOOLEAN}),
    ColumnType.TIME: frozenset({ColumnType.TIME}),
}


def mismatches(schema: Sequence[TableColumn], sheet: Sequence[TableColumn]) -> dict[str, str]:
    """Schema column name -> why the sheet does not fit it; empty when the sheet fits."""
    given = {c.name: c for c in sheet}
    result: dict[str, str] = {}
    for column in schema:
        found = given.get(column.name)
        if found is None:
            result[column.name] = MISSING
        elif found.type not in _ACCEPTS[column.type]:
            result[column.name] = f"column type invalid, expected {column.type.value}, got {found.type.value}"
    return result


def describe(found: dict[str, str]) -> str:
    return "; ".join(f"{name}: {why}" for name, why in sorted(found.items()))
