"""A table knowledge base as one SQL table (NL2SQL, docs/adr/0061-nl2sql.md).

The table's columns are those of the dataset's first table document (Coze's "table schema"); rows
of later documents fill them by column name. Each row slice keeps its cells, in its own document's
column order, beside the "column: value" text that is embedded and searched."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from domain.knowledge.parsed import ColumnType, TableColumn

Cells = tuple[str | None, ...]
TABLE_NAME = "sheet"  # what the SQL writer calls the dataset's table


def row_text(columns: Sequence[TableColumn], cells: Cells) -> str:
    """A row as a slice's text: "column: value" lines, empty cells left out."""
    pairs = zip(columns, cells, strict=False)
    return "\n".join(f"{column.name}: {cell}" for column, cell in pairs if cell not in (None, ""))


def row_of_text(columns: Sequence[TableColumn], text: str) -> Cells:
    """The cells a hand-edited row slice says ("column: value" lines; lines naming no column and
    columns no line names are empty), so SQL sees what the slice shows."""
    by_name = {c.name.casefold(): i for i, c in enumerate(columns)}
    cells: list[str | None] = [None] * len(columns)
    for line in text.splitlines():
        name, sep, value = line.partition(":")
        at = by_name.get(name.strip().casefold()) if sep else None
        if at is not None and value.strip():
            cells[at] = value.strip()
    return tuple(cells)


@dataclass(frozen=True, slots=True)
class SheetRows:
    """One document's rows, in that document's column order."""

    columns: tuple[TableColumn, ...]
    rows: Sequence[Cells]


@dataclass(frozen=True, slots=True)
class Sheet:
    """The dataset's table: the schema of its first document and every ready document's rows,
    aligned to that schema."""

    columns: tuple[TableColumn, ...]
    rows: list[Cells] = field(default_factory=list)

    @classmethod
    def of(cls, documents: Sequence[SheetRows]) -> Sheet:
        if not documents:
            return cls(())
        columns = documents[0].columns
        sheet = cls(columns)
        wanted = [c.name.casefold() for c in columns]
        for document in documents:
            at: Mapping[str, int] = {c.name.casefold(): i for i, c in enumerate(document.columns)}
            picks = [at.get(name) for name in wanted]
            for row in document.rows:
                sheet.rows.append(tuple(None if i is None or i >= len(row) else row[i] for i in picks))
        return sheet

    def schema_text(self, samples: int = 3) -> str:
        """The table as the SQL writer sees it: a CREATE TABLE and a few example rows."""
        lines = [f"CREATE TABLE {TABLE_NAME} ("]
        lines += [f'  "{_quoted(c.name)}" {SQL_TYPES[c.type]},' for c in self.columns]
        lines[-1] = lines[-1].rstrip(",")
        lines.append(");")
        for row in self.rows[:samples]:
            lines.append("-- example row: " + " | ".join("NULL" if c is None else c[:80] for c in row))
        return "\n".join(lines)


def _quoted(name: str) -> str:
    return name.replace('"', '""')


SQL_TYPES = {
    ColumnType.STRING: "TEXT",
    ColumnType.INTEGER: "INTEGER",
    ColumnType.NUMBER: "REAL",
    ColumnType.BOOLEAN: "INTEGER",  # 1 true, 0 false
    ColumnType.TIME: "TEXT",  # ISO 8601, so comparisons and date() work
}


@dataclass(frozen=True, slots=True)
class SheetAnswer:
    columns: tuple[str, ...]
    rows: list[tuple[object, ...]]
    truncated: bool = False  # more rows matched than were returned


@dataclass(frozen=True, slots=True)
class SheetLimits:
    max_rows: int = 100  # rows an answer carries
    max_cell_chars: int = 500
    time_budget_s: float = 2.0  # per query, once the table is loaded
    max_sql_chars: int = 4000


class SheetQueries(Protocol):
    def select(self, sheet: Sheet, sql: str, limits: SheetLimits) -> SheetAnswer:
        """Run `sql` against `sheet` alone. Accepts one read-only SELECT over the table named
        TABLE_NAME (and the query's own CTEs); raises UnsafeQuery saying why otherwise, or when it
        runs past the time budget. Blocking: callers run it in a worker thread."""
        ...
