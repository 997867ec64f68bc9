"""JSON files (.json) as a table. The shapes taken:

- a list of objects: one row each, the columns the union of their keys in first-seen order;
- a list of lists: the first is the header row;
- an object with "columns" (names, or objects with a "name") and "rows" (lists or objects);
- an object with exactly one member, holding one of the above (an API export's {"data": [...]}).

Nested values become JSON text in their cell. Anything else is not a table and fails BROKEN."""

from __future__ import annotations

import json
from typing import Any

from domain.knowledge.parsed import FailureReason, ParsedTable, ParseFailed, ParseLimits
from infra.knowledge.parsing.plain_text import check_length
from infra.knowledge.parsing.signatures import refuse_binary
from infra.knowledge.parsing.tables import TableBuilder
from infra.knowledge.parsing.textcodec import decode

WHAT = "JSON file"
_SHAPES = 'a list of objects, a list of lists (the first the header), or an object with "columns" and "rows"'


def parse_json(data: bytes, limits: ParseLimits) -> ParsedTable:
    refuse_binary(data, "json")
    text = decode(data, WHAT)
    check_length(text, limits)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseFailed(FailureReason.BROKEN, f"the {WHAT} is not valid JSON: {exc}") from None
    header, rows = _shape(document)
    table = TableBuilder(limits, WHAT)
    if header is None:
        first, *rows = rows
        table.add(first)
    else:
        table.header(header)
    for row in rows:
        table.add(row)
    return table.build()


def _shape(document: Any) -> tuple[list[object] | None, list[list[object]]]:
    """(header, rows); no header when the first row is the header (a list of lists)."""
    if isinstance(document, dict) and len(document) == 1:
        (inner,) = document.values()
        if isinstance(inner, list | dict):
            document = inner
    if isinstance(document, dict) and "columns" in document and "rows" in document:
        return _columns_and_rows(document["columns"], document["rows"])
    if isinstance(document, list):
        if not document:
            raise ParseFailed(FailureReason.EMPTY, f"the {WHAT} holds an empty list")
        if all(isinstance(item, dict) for item in document):
            return _objects(document)
        if all(isinstance(item, list) for item in document):
            return None, [list(item) for item in document]
    raise ParseFailed(FailureReason.BROKEN, f"the {WHAT} is not a table: expected {_SHAPES}")


def _objects(items: list[dict[str, Any]]) -> tuple[list[object], list[list[object]]]:
    keys: dict[str, None] = {}
    for item in items:
        keys.update(dict.fromkeys(item))
    header = list(keys)
    return list(header), [[item.get(key) for key in header] for item in items]


def _columns_and_rows(columns: Any, rows: Any) -> tuple[list[object], list[list[object]]]:
    if not isinstance(columns, list) or not isinstance(rows, list):
        raise ParseFailed(FailureReason.BROKEN, f'the {WHAT}\'s "columns" and "rows" must be lists')
    names = [column.get("name") if isinstance(column, dict) else column for column in columns]
    header = [name if isinstance(name, str) else None for name in names]
    table_rows: list[list[object]] = []
    for row in rows:
        if isinstance(row, dict):
            table_rows.append([row.get(name) if name else None for name in header])
        elif isinstance(row, list):
            table_rows.append(list(row))
        else:
            raise ParseFailed(FailureReason.BROKEN, f'the {WHAT}\'s "rows" must hold lists or objects')
    return list(header), table_rows
