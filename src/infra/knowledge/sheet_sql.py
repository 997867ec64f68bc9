"""NL2SQL's executor: the model's SQL runs in a private in-memory SQLite database that holds the one
table of one dataset and nothing else, so even a query the checks below let through can read no
other data (docs/adr/0061-nl2sql.md). On top of that isolation:

- the text must be one statement that starts as a query (SELECT, WITH or VALUES);
- SQLite's authorizer, consulted for every table, column and function the compiled statement uses,
  allows reading the sheet and calling listed functions only (no PRAGMA, ATTACH, writes, schema
  tables, recursive CTEs, or blob/extension functions), and `query_only` forbids writes again;
- a progress handler stops the query at the time budget, and strings are capped at 1 MB so no
  function can build a memory bomb.
"""

from __future__ import annotations

import re
import sqlite3
import time

from domain.knowledge.errors import UnsafeQuery
from domain.knowledge.parsed import ColumnType
from domain.knowledge.sheets import SQL_TYPES, TABLE_NAME, Sheet, SheetAnswer, SheetLimits

MAX_STRING_BYTES = 1_000_000
PROGRESS_STEPS = 10_000  # virtual machine steps between deadline checks
_LEADING = re.compile(r"(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/|\()*", re.S)
_QUERY_START = re.compile(r"(select|with|values)\b", re.I)

# Functions a question about a table needs; anything else (randomblob, zeroblob, load_extension,
# sqlite_* introspection, json_each tables, ...) is refused by the authorizer.
# fmt: off
ALLOWED_FUNCTIONS = frozenset({
    # aggregates and windows
    "avg", "count", "group_concat", "max", "min", "string_agg", "sum", "total",
    "cume_dist", "dense_rank", "first_value", "lag", "last_value", "lead", "nth_value", "ntile",
    "percent_rank", "rank", "row_number",
    # numbers
    "abs", "ceil", "ceiling", "exp", "floor", "ln", "log", "log10", "log2", "mod", "pi", "pow",
    "power", "round", "sign", "sqrt", "trunc",
    # text and values
    "coalesce", "format", "glob", "hex", "ifnull", "iif", "instr", "length", "like", "lower", "ltrim",
    "nullif", "printf", "quote", "replace", "rtrim", "substr", "substring", "trim", "typeof", "unicode",
    "upper",
    # time
    "date", "datetime", "julianday", "strftime", "time", "unixepoch",
})
# fmt: on
_ALLOWED_ACTIONS = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION}
# fmt: off
_ACTIONS = (
    "CREATE_INDEX", "CREATE_TABLE", "CREATE_TEMP_INDEX", "CREATE_TEMP_TABLE", "CREATE_TEMP_TRIGGER",
    "CREATE_TEMP_VIEW", "CREATE_TRIGGER", "CREATE_VIEW", "DELETE", "DROP_INDEX", "DROP_TABLE",
    "DROP_TEMP_INDEX", "DROP_TEMP_TABLE", "DROP_TEMP_TRIGGER", "DROP_TEMP_VIEW", "DROP_TRIGGER",
    "DROP_VIEW", "INSERT", "PRAGMA", "READ", "SELECT", "TRANSACTION", "UPDATE", "ATTACH", "DETACH",
    "ALTER_TABLE", "REINDEX", "ANALYZE", "CREATE_VTABLE", "DROP_VTABLE", "FUNCTION", "SAVEPOINT",
    "RECURSIVE",
)
# fmt: on
# Authorizer action codes share numbers with result codes in the module, so name them from a list.
_ACTION_NAMES = {
    getattr(sqlite3, f"SQLITE_{name}"): name.lower().replace("_", " ")
    for name in _ACTIONS
    if hasattr(sqlite3, f"SQLITE_{name}")
}


class SqliteSheetQueries:
    def select(self, sheet: Sheet, sql: str, limits: SheetLimits) -> SheetAnswer:
        text = _checked_text(sql, limits)
        with _Connection(sheet) as db:
            refusals: list[str] = []
            deadline = time.monotonic() + limits.time_budget_s
            db.set_authorizer(_authorizer(refusals))
            db.set_progress_handler(lambda: int(time.monotonic() > deadline), PROGRESS_STEPS)
            try:
                cursor = db.execute(text)
                rows = cursor.fetchmany(limits.max_rows + 1)
            except sqlite3.ProgrammingError as exc:  # several statements, mostly
                raise UnsafeQuery(detail=f"the SQL is not one query: {exc}") from None
            except sqlite3.DatabaseError as exc:
                raise UnsafeQuery(detail=_reason(exc, refusals, limits)) from None
            names = tuple(d[0] for d in cursor.description or ())
        return SheetAnswer(
            names,
            [tuple(_shown(v, limits.max_cell_chars) for v in row) for row in rows[: limits.max_rows]],
            truncated=len(rows) > limits.max_rows,
        )


def _checked_text(sql: str, limits: SheetLimits) -> str:
    text = sql.strip().rstrip(";").strip()
    if not text:
        raise UnsafeQuery(detail="the SQL is empty")
    if len(text) > limits.max_sql_chars:
        raise UnsafeQuery(detail=f"the SQL is longer than {limits.max_sql_chars} characters")
    if "\x00" in text:
        raise UnsafeQuery(detail="the SQL holds a NUL character")
    start = _LEADING.match(text)
    if not _QUERY_START.match(text, start.end() if start else 0):
        raise UnsafeQuery(detail="only a SELECT query is accepted")
    return text


class _Connection:
    """An in-memory database holding the sheet, opened for one query and closed after it."""

    def __init__(self, sheet: Sheet) -> None:
        self._sheet = sheet
        self._db: sqlite3.Connection | None = None

    def __enter__(self) -> sqlite3.Connection:
        db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        db.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_STRING_BYTES)
        db.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
        columns = self._sheet.columns
        declared = ", ".join(f'"{_quoted(c.name)}" {SQL_TYPES[c.type]}' for c in columns) or "_empty TEXT"
        db.execute(f"CREATE TABLE {TABLE_NAME} ({declared})")
        if columns:
            marks = ", ".join("?" * len(columns))
            db.execute("BEGIN")
            # Only placeholders and the constant table name are in the text; the cells are bound.
            insert = f"INSERT INTO {TABLE_NAME} VALUES ({marks})"  # noqa: S608
            db.executemany(insert, _typed(self._sheet))
            db.execute("COMMIT")
        db.execute("PRAGMA query_only = ON")
        self._db = db
        return db

    def __exit__(self, *_: object) -> None:
        if self._db is not None:
            self._db.close()


def _typed(sheet: Sheet) -> list[tuple[object, ...]]:
    """The rows as SQL sees them, converted a column at a time (a 100k-row table is converted
    several times faster than cell by cell); text and time columns pass through as they are."""
    if not sheet.rows:
        return []
    columns = list(zip(*sheet.rows, strict=True))
    for at, column in enumerate(sheet.columns):
        convert = _CONVERTERS.get(column.type)
        if convert is not None:
            columns[at] = tuple(map(convert, columns[at]))
    return list(zip(*columns, strict=True))


def _integer(cell: str | None) -> object:
    """A cell that does not read as its column's type stays text."""
    if cell is None:
        return None
    try:
        return int(cell)
    except ValueError:
        return cell


def _number(cell: str | None) -> object:
    if cell is None:
        return None
    try:
        return float(cell)
    except ValueError:
        return cell


def _boolean(cell: str | None) -> object:
    if cell is None:
        return None
    lowered = cell.lower()
    return (lowered == "true") if lowered in ("true", "false") else cell


_CONVERTERS = {ColumnType.INTEGER: _integer, ColumnType.NUMBER: _number, ColumnType.BOOLEAN: _boolean}


def _quoted(name: str) -> str:
    return name.replace('"', '""')


def _authorizer(refusals: list[str]):  # type: ignore[no-untyped-def]
    def decide(action: int, arg1: str | None, arg2: str | None, db: str | None, _: str | None) -> int:
        if action not in _ALLOWED_ACTIONS:
            refusals.append(_ACTION_NAMES.get(action, f"action {action}"))
        elif action == sqlite3.SQLITE_READ and (arg1 != TABLE_NAME or db not in (None, "main")):
            refusals.append(f"reading {arg1!r}; only the table {TABLE_NAME!r} can be read")
        elif action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() not in ALLOWED_FUNCTIONS:
            refusals.append(f"the function {arg2}()")
        else:
            return sqlite3.SQLITE_OK
        return sqlite3.SQLITE_DENY

    return decide


def _reason(exc: sqlite3.DatabaseError, refusals: list[str], limits: SheetLimits) -> str:
    message = str(exc)
    if refusals:
        return f"the SQL uses what is not allowed: {refusals[0]}"
    if "interrupted" in message:
        return f"the query ran longer than {limits.time_budget_s:g} s"
    if "too big" in message:
        return "the query built a value larger than 1 MB"
    return f"the SQL does not run: {message}"


def _shown(value: object, max_chars: int) -> object:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str) and len(value) > max_chars:
        return value[:max_chars] + "…"
    return value
