"""Comma-separated values (.csv): the delimiter is the one of , ; tab | that the header line
uses most (outside quotes), a comma when it has none; quoting as Excel writes it."""

from __future__ import annotations

import csv
import io

from domain.knowledge.parsed import FailureReason, ParsedTable, ParseFailed, ParseLimits
from infra.knowledge.parsing.plain_text import check_length
from infra.knowledge.parsing.signatures import refuse_binary
from infra.knowledge.parsing.tables import TableBuilder
from infra.knowledge.parsing.textcodec import decode

WHAT = "CSV file"
_DELIMITERS = (",", ";", "\t", "|")


def parse_csv(data: bytes, limits: ParseLimits) -> ParsedTable:
    refuse_binary(data, "csv")
    text = decode(data, WHAT)
    check_length(text, limits)
    table = TableBuilder(limits, WHAT)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text), quotechar='"')
    try:
        for row in reader:
            table.add(row)
    except csv.Error as exc:
        raise ParseFailed(
            FailureReason.BROKEN, f"the {WHAT} is malformed at line {reader.line_num}: {exc}"
        ) from None
    return table.build()


def delimiter(text: str) -> str:
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for char in text.lstrip()[:65536]:
        if char == '"':
            quoted = not quoted
        elif char == "\n" and not quoted:
            break
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(_DELIMITERS, key=lambda candidate: counts[candidate])
    return best if counts[best] else ","
