"""Table parsing (csv, xlsx, json): header, column types, empty rows, limits."""

from __future__ import annotations

import datetime as dt
import io
import json
import time
import zipfile

import pytest

from domain.knowledge.parsed import ColumnType, FailureReason, ParsedTable, ParseFailed, ParseLimits
from infra.knowledge.parsing import FileParser
from infra.knowledge.parsing.sheet_dimensions import with_dimensions
from tests.unit.knowledge.documents import (
    compound_file,
    ooxml_package,
    sheet_with_empty_rows,
    word_document,
    workbook,
)

LIMITS = ParseLimits()
STR, INT, NUM = ColumnType.STRING, ColumnType.INTEGER, ColumnType.NUMBER
BOOL, TIME = ColumnType.BOOLEAN, ColumnType.TIME


def parse(data: bytes, file_type: str, limits: ParseLimits = LIMITS) -> ParsedTable:
    result = FileParser().parse(data, file_type, limits)
    assert isinstance(result, ParsedTable)
    return result


def failure(data: bytes, file_type: str, limits: ParseLimits = LIMITS) -> ParseFailed:
    with pytest.raises(ParseFailed) as caught:
        FileParser().parse(data, file_type, limits)
    return caught.value


def shape(table: ParsedTable) -> list[tuple[str, ColumnType]]:
    return [(column.name, column.type) for column in table.columns]


# ------------------------------------------------------------------ csv
def test_csv_header_types_and_empty_rows_dropped() -> None:
    text = (
        "name,age,score,member,joined,code\n"
        "Ann, 31 ,4.5,true,2024-05-01,007\n"
        ",,,,,\n"
        "\n"
        'Bob,42,3,FALSE,2024/5/2 09:30,"0042"\n'
        '"Cy, Jr.",7,-1e3,true,2024-05-03T10:00:00Z,12\n'
    )
    table = parse(text.encode(), "csv")

    assert shape(table) == [
        ("name", STR),
        ("age", INT),
        ("score", NUM),
        ("member", BOOL),
        ("joined", TIME),
        ("code", STR),
    ]
    assert table.rows == (
        ("Ann", "31", "4.5", "true", "2024-05-01", "007"),
        ("Bob", "42", "3", "FALSE", "2024/5/2 09:30", "0042"),
        ("Cy, Jr.", "7", "-1e3", "true", "2024-05-03T10:00:00Z", "12"),
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gb18030", "gbk"])
def test_csv_in_chinese_encodings(encoding: str) -> None:
    text = "城市;人口;面积\n北京;2189;16410.5\n上海;2487;6340.5\n"
    table = parse(text.encode(encoding), "csv")

    assert shape(table) == [("城市", STR), ("人口", INT), ("面积", NUM)]
    assert table.rows[1] == ("上海", "2487", "6340.5")


def test_csv_tabs_quoted_newlines_ragged_rows_and_blank_header_cells() -> None:
    text = 'id\t\tnote\tid\n1\tx\t"two\nlines"\t9\n2\n'
    table = parse(text.encode(), "csv")

    assert [c.name for c in table.columns] == ["id", "column_2", "note", "id_2"]
    assert table.rows == (("1", "x", "two\nlines", "9"), ("2", None, None, None))


def test_a_date_that_does_not_exist_is_a_string() -> None:
    table = parse(b"day\n2024-02-30\n", "csv")

    assert shape(table) == [("day", STR)]


def test_csv_with_only_a_header_is_empty() -> None:
    found = failure(b"a,b,c\n\n,,\n", "csv")

    assert found.reason is FailureReason.EMPTY
    assert "header row" in found.detail


def test_csv_rows_and_columns_limits() -> None:
    many_rows = "n\n" + "".join(f"{i}\n" for i in range(11))
    wide = ",".join(f"c{i}" for i in range(9)) + "\n" + ",".join("1" * 9) + "\n"

    assert failure(many_rows.encode(), "csv", ParseLimits(max_rows=10)).reason is FailureReason.TOO_MANY_ROWS
    assert failure(wide.encode(), "csv", ParseLimits(max_columns=8)).reason is FailureReason.TOO_MANY_COLUMNS
    assert parse(many_rows.encode(), "csv", ParseLimits(max_rows=11)).rows[-1] == ("10",)


def test_an_unterminated_quote_past_the_field_limit_is_broken() -> None:
    data = b'a,b\n1,"' + b"x" * 200_000 + b"\n"

    assert failure(data, "csv").reason is FailureReason.BROKEN


# ------------------------------------------------------------------ xlsx
def test_xlsx_first_sheet_with_data_typed_cells() -> None:
    data = workbook(
        {
            "Empty": [],
            "产品": [
                ["名称", "价格", "库存", "上架", "日期", "时间戳"],
                ["苹果", 3.5, 10, True, dt.date(2024, 5, 1), dt.datetime(2024, 5, 1, 8, 30)],
                [None, None, None, None, None, None],
                ["梨", 4, 0, False, dt.date(2024, 5, 2), dt.datetime(2024, 5, 2, 9, 0)],
            ],
        }
    )
    table = parse(data, "xlsx")

    assert table.sheet == "产品"
    assert shape(table) == [
        ("名称", STR),
        ("价格", NUM),
        ("库存", INT),
        ("上架", BOOL),
        ("日期", TIME),
        ("时间戳", TIME),
    ]
    assert table.rows == (
        ("苹果", "3.5", "10", "true", "2024-05-01", "2024-05-01 08:30:00"),
        ("梨", "4", "0", "false", "2024-05-02", "2024-05-02 09:00:00"),
    )


@pytest.mark.parametrize("dimension", [True, False])
def test_a_million_formatted_empty_rows_are_cheap(dimension: bool) -> None:
    data = sheet_with_empty_rows(1_000_000, dimension=dimension)
    started = time.perf_counter()
    table = parse(data, "xlsx")
    took = time.perf_counter() - started
    print(f"\nxlsx, 1,000,000 empty rows, dimension {dimension} ({len(data):,} bytes): {took:.2f} s")

    assert shape(table) == [("name", STR), ("age", INT)]
    assert table.rows == (("ann", "31"), ("bob", "42"))


def test_rows_after_a_short_gap_are_kept() -> None:
    table = parse(sheet_with_empty_rows(500, styled=False, data_after=True), "xlsx")

    assert table.rows[-1] == ("late", "7")


def test_a_placeholder_dimension_keeps_the_package_readable_with_prefixed_names() -> None:
    sheet = (
        '<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>k</x:t></x:is></x:c></x:row>'
        '<x:row r="2"><x:c r="A2"><x:v>5</x:v></x:c></x:row></x:sheetData></x:worksheet>'
    )
    package = sheet_with_empty_rows(0, dimension=False)
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        parts: dict[str, str | bytes] = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/worksheets/sheet1.xml"] = sheet
    data = ooxml_package(parts)

    patched = with_dimensions(data)
    with zipfile.ZipFile(io.BytesIO(patched)) as archive:
        assert b'<x:dimension ref="A1"/><x:sheetData>' in archive.read("xl/worksheets/sheet1.xml")
    declared = sheet_with_empty_rows(0)
    assert with_dimensions(declared) is declared  # nothing to add: not copied
    assert parse(data, "xlsx").rows == (("5",),)


def test_xlsx_limits() -> None:
    rows = [["n"], *[[i] for i in range(12)]]
    wide = [[f"c{i}" for i in range(10)], list(range(10))]

    assert (
        failure(workbook({"a": rows}), "xlsx", ParseLimits(max_rows=10)).reason is FailureReason.TOO_MANY_ROWS
    )
    found = failure(workbook({"a": wide}), "xlsx", ParseLimits(max_columns=9))
    assert found.reason is FailureReason.TOO_MANY_COLUMNS


def test_a_workbook_without_data_is_empty() -> None:
    assert failure(workbook({"a": [], "b": [[None, None]]}), "xlsx").reason is FailureReason.EMPTY


def test_xlsx_bad_packages() -> None:
    assert (
        failure(compound_file(["EncryptionInfo", "EncryptedPackage"]), "xlsx").reason
        is FailureReason.ENCRYPTED
    )
    assert failure(compound_file(["Workbook"]), "xlsx").reason is FailureReason.MISLABELLED
    assert failure(word_document(), "xlsx").reason is FailureReason.MISLABELLED
    data = workbook({"a": [["x"], [1]]})
    assert failure(data[:-200], "xlsx").reason is FailureReason.BROKEN


# ------------------------------------------------------------------ json
def dumps(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


def test_json_list_of_objects_unions_keys_in_first_seen_order() -> None:
    table = parse(
        dumps(
            [
                {"id": 1, "name": "甲", "tags": ["a", "b"]},
                {"id": 2, "price": 9.5, "name": "乙"},
                {},
                {"id": None, "name": None},
            ]
        ),
        "json",
    )

    assert shape(table) == [("id", INT), ("name", STR), ("tags", STR), ("price", NUM)]
    assert table.rows == (("1", "甲", '["a","b"]', None), ("2", "乙", None, "9.5"))


def test_json_list_of_lists_and_columns_and_rows_and_a_wrapper() -> None:
    lists = parse(dumps([["k", "v"], ["a", True], ["b", False]]), "json")
    columns_rows = parse(
        dumps({"columns": [{"name": "k"}, "v"], "rows": [["a", 1], {"k": "b", "v": 2}]}), "json"
    )
    wrapped = parse(dumps({"data": [{"k": "a", "v": "2024-01-01"}]}), "json")

    assert shape(lists) == [("k", STR), ("v", BOOL)]
    assert lists.rows == (("a", "true"), ("b", "false"))
    assert shape(columns_rows) == [("k", STR), ("v", INT)]
    assert columns_rows.rows == (("a", "1"), ("b", "2"))
    assert shape(wrapped) == [("k", STR), ("v", TIME)]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"[]", FailureReason.EMPTY),
        (b"[{}, {}]", FailureReason.EMPTY),
        (b'{"a": 1, "b": 2}', FailureReason.BROKEN),
        (b"[1, 2, 3]", FailureReason.BROKEN),
        (b'[{"a": 1}, [1]]', FailureReason.BROKEN),
        (b'[{"a": 1}', FailureReason.BROKEN),
        (b"[" * 100_000 + b"]" * 100_000, FailureReason.BROKEN),
    ],
)
def test_json_that_is_not_a_table(data: bytes, reason: FailureReason) -> None:
    assert failure(data, "json").reason is reason


def test_json_columns_limit() -> None:
    found = failure(dumps([{f"k{i}": i for i in range(20)}]), "json", ParseLimits(max_columns=10))

    assert found.reason is FailureReason.TOO_MANY_COLUMNS
