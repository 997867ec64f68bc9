"""Excel workbooks (.xlsx) with openpyxl in read-only mode: the first worksheet that has any
non-empty row, cached formula results rather than formulas.

The dimension a sheet declares is ignored (reset_dimensions): it often claims a million rows or
16,384 columns because of formatting, and openpyxl would pad every row to it. Rows are streamed;
after EMPTY_RUN consecutive empty rows the sheet is taken as ended, so a sheet formatted down to
row 1,048,576 costs a few thousand rows of parsing, not a million."""

from __future__ import annotations

import io
from typing import Any

import openpyxl

from domain.knowledge.parsed import FailureReason, ParsedTable, ParseFailed, ParseLimits
from infra.knowledge.parsing.package import check_package
from infra.knowledge.parsing.sheet_dimensions import with_dimensions
from infra.knowledge.parsing.tables import TableBuilder

WHAT = "Excel workbook"
EMPTY_RUN = 10_000
# The workbooks openpyxl opens: .xlsx, and macro-enabled or template ones renamed .xlsx (their
# macros are never run, only the cells read).
MAIN_TYPES = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
)


def parse_xlsx(data: bytes, limits: ParseLimits) -> ParsedTable:
    check_package(data, "xlsx", MAIN_TYPES, WHAT, limits)
    workbook = openpyxl.load_workbook(
        io.BytesIO(with_dimensions(data)), read_only=True, data_only=True, keep_links=False
    )
    try:
        for sheet in workbook.worksheets:
            table = _read(sheet, limits)
            if table.has_header:
                return table.build(str(sheet.title))
    finally:
        workbook.close()
    raise ParseFailed(FailureReason.EMPTY, f"the {WHAT} has no sheet with data")


def _read(sheet: Any, limits: ParseLimits) -> TableBuilder:
    table = TableBuilder(limits, f"sheet {sheet.title!r}")
    sheet.reset_dimensions()
    empty_run = 0
    for row in sheet.iter_rows(values_only=True):
        if table.add(row):
            empty_run = 0
        else:
            empty_run += 1
            if empty_run >= EMPTY_RUN:
                break
    return table
