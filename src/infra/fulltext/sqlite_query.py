"""Typed filters and page cursors to parameterised SQLite SQL for the embedded full-text index.

Identifiers come only from validated index specs (names match ^[a-z][a-z0-9_-]*$) and are quoted;
every value is a bound parameter.
"""

from __future__ import annotations

from datetime import datetime

from domain.common.fulltext import (
    And,
    FieldType,
    Filter,
    IndexSpec,
    Not,
    Or,
    Range,
    Term,
    Terms,
    Value,
    to_epoch_ms,
)

Params = list[object]


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def docs_table(index: str) -> str:
    return ident(f"ft_{index}__docs")


def words_table(index: str, field: str) -> str:
    return ident(f"ft_{index}__w_{field}")


def column(field: str) -> str:
    return ident(f"f_{field}")


def sql_type(kind: FieldType) -> str:
    return {
        FieldType.KEYWORD: "TEXT",
        FieldType.INTEGER: "INTEGER",
        FieldType.FLOAT: "REAL",
        FieldType.BOOLEAN: "INTEGER",
        FieldType.DATE: "INTEGER",
    }[kind]


def to_sql(value: Value) -> object:
    """Stored form: dates as epoch milliseconds, booleans as 0/1."""
    if isinstance(value, datetime):
        return to_epoch_ms(value)
    if isinstance(value, bool):
        return int(value)
    return value


def where(spec: IndexSpec, flt: Filter, params: Params) -> str:
    if isinstance(flt, And):
        return "(" + " AND ".join(where(spec, f, params) for f in flt.filters) + ")"
    if isinstance(flt, Or):
        return "(" + " OR ".join(where(spec, f, params) for f in flt.filters) + ")"
    if isinstance(flt, Not):
        # A missing value is "no match" inside, so NOT of it is a match (as in Elasticsearch's must_not).
        return f"(NOT COALESCE({where(spec, flt.filter, params)}, 0))"
    col = "d." + column(spec.field(flt.field).name)
    if isinstance(flt, Term):
        params.append(to_sql(flt.value))
        return f"({col} = ?)"
    if isinstance(flt, Terms):
        params.extend(to_sql(v) for v in flt.values)
        return f"({col} IN ({', '.join('?' for _ in flt.values)}))"
    assert isinstance(flt, Range)
    parts = []
    for op, bound in ((">", flt.gt), (">=", flt.gte), ("<", flt.lt), ("<=", flt.lte)):
        if bound is not None:
            params.append(to_sql(bound))
            parts.append(f"{col} {op} ?")
    return "(" + " AND ".join(parts) + ")"


def match_expression(words: list[str], *, all_words: bool) -> str:
    """An FTS5 MATCH string in which every word is a quoted string: never an operator or prefix."""
    quoted = ['"' + w.replace('"', '""') + '"' for w in words]
    return (" AND " if all_words else " OR ").join(quoted)
