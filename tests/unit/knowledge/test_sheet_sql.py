"""The NL2SQL executor on its own: one read-only query over the dataset's table, nothing else."""

from __future__ import annotations

import pytest

from domain.knowledge.errors import UnsafeQuery
from domain.knowledge.parsed import ColumnType, TableColumn
from domain.knowledge.sheets import Sheet, SheetLimits, SheetRows, row_of_text, row_text
from infra.knowledge.sheet_sql import SqliteSheetQueries

COLUMNS = (
    TableColumn("city"),
    TableColumn("population", ColumnType.INTEGER),
    TableColumn("area km2", ColumnType.NUMBER),
    TableColumn("capital", ColumnType.BOOLEAN),
)
ROWS = [
    ("Paris", "2100000", "105.4", "true"),
    ("Lyon", "520000", "47.9", "false"),
    ("Nice", None, "71.9", "false"),
]
SHEET = Sheet.of([SheetRows(COLUMNS, ROWS)])
LIMITS = SheetLimits(time_budget_s=0.5)
queries = SqliteSheetQueries()


def refusal(sql: str, sheet: Sheet = SHEET, limits: SheetLimits = LIMITS) -> str:
    with pytest.raises(UnsafeQuery) as refused:
        queries.select(sheet, sql, limits)
    return str(refused.value.params["detail"])


def test_a_question_gets_typed_answers() -> None:
    found = queries.select(SHEET, "SELECT city, population FROM sheet ORDER BY population DESC", LIMITS)
    assert found.columns == ("city", "population")
    assert found.rows == [("Paris", 2100000), ("Lyon", 520000), ("Nice", None)]
    total = queries.select(SHEET, 'select round(sum("area km2"), 1) from sheet where not capital', LIMITS)
    assert total.rows == [(119.8,)]
    window = queries.select(
        SHEET,
        'WITH ranked AS (SELECT city, rank() OVER (ORDER BY "area km2" DESC) AS r FROM sheet) '
        "SELECT city FROM ranked WHERE r = 1;",
        LIMITS,
    )
    assert window.rows == [("Paris",)]


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("SELECT * FROM sqlite_master", "sqlite_master"),
        ("SELECT name FROM sqlite_schema", "only the table"),
        ("PRAGMA table_info(sheet)", "only a SELECT"),
        ("SELECT * FROM pragma_table_info('sheet')", "not allowed"),
        ("SELECT 1; DELETE FROM sheet", "one query"),
        ("DELETE FROM sheet", "only a SELECT"),
        ("UPDATE sheet SET city = 'x'", "only a SELECT"),
        ("DROP TABLE sheet", "only a SELECT"),
        ("WITH x AS (SELECT 1) DELETE FROM sheet", "delete"),
        ("WITH x AS (SELECT 1) INSERT INTO sheet (city) VALUES ('x')", "insert"),
        ("ATTACH DATABASE '/tmp/x.db' AS x", "only a SELECT"),
        ("VACUUM INTO '/tmp/x.db'", "only a SELECT"),
        ("/* hidden */ -- comment\n vacuum", "only a SELECT"),
        ("SELECT load_extension('/tmp/evil')", "load_extension"),
        ("SELECT randomblob(1000000000)", "randomblob"),
        ("SELECT zeroblob(1000000000)", "zeroblob"),
        ("SELECT sqlite_version()", "sqlite_version"),
        ("SELECT * FROM json_each('[1,2]')", "not allowed"),
        (
            "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r",
            "not allowed",
        ),
        ("SELECT * FROM other_table", "no such table"),
        ("SELECT * FROM temp.sheet", "no such table"),
        ("SELEC city FROM sheet", "only a SELECT"),
        ("SELECT city FROM sheet WHERE", "does not run"),
        ("", "empty"),
        ("SELECT '" + "x" * 5000 + "'", "longer than"),
        ("SELECT 1\x00; DROP TABLE sheet", "NUL"),
        ("SELECT replace(printf('%.999990c', 'x'), 'x', 'xxxxxxxxxx')", "1 MB"),
    ],
)
def test_anything_but_one_read_only_query_on_the_sheet_is_refused_with_the_reason(
    sql: str, reason: str
) -> None:
    assert reason in refusal(sql)
    # and nothing changed: the table is built anew for every query, from the rows it was given
    assert queries.select(SHEET, "SELECT count(*) FROM sheet", LIMITS).rows == [(3,)]


def test_a_query_past_the_time_budget_is_stopped() -> None:
    joins = ", ".join(f"sheet s{i}" for i in range(20))  # 3**20 rows to count
    assert "longer than 0.5 s" in refusal(f"SELECT count(*) FROM {joins}")


def test_answers_are_capped_in_rows_and_cell_length() -> None:
    many = Sheet.of([SheetRows((TableColumn("n", ColumnType.INTEGER),), [(str(i),) for i in range(500)])])
    found = queries.select(many, "SELECT n, printf('%.900c', 'y') FROM sheet", SheetLimits(max_rows=10))
    assert len(found.rows) == 10 and found.truncated
    assert len(str(found.rows[0][1])) == 501  # 500 characters and an ellipsis


def test_later_documents_fill_the_first_documents_columns_by_name() -> None:
    later = SheetRows(
        (TableColumn("POPULATION", ColumnType.INTEGER), TableColumn("mayor"), TableColumn("City")),
        [("860000", "someone", "Marseille")],
    )
    sheet = Sheet.of([SheetRows(COLUMNS, ROWS), later])
    assert sheet.columns == COLUMNS
    assert sheet.rows[-1] == ("Marseille", "860000", None, None)
    found = queries.select(sheet, "SELECT city FROM sheet WHERE population > 800000 ORDER BY 1", LIMITS)
    assert found.rows == [("Marseille",), ("Paris",)]


def test_a_cell_that_does_not_read_as_its_type_stays_text() -> None:
    odd = Sheet.of([SheetRows((TableColumn("n", ColumnType.INTEGER),), [("12",), ("about 7",)])])
    assert queries.select(odd, "SELECT n, typeof(n) FROM sheet", LIMITS).rows == [
        (12, "integer"),
        ("about 7", "text"),
    ]


def test_a_row_slice_text_and_its_cells_convert_both_ways() -> None:
    text = row_text(COLUMNS, ROWS[2])
    assert text == "city: Nice\narea km2: 71.9\ncapital: false"
    assert row_of_text(COLUMNS, text) == ROWS[2]
    assert row_of_text(COLUMNS, "City: Nice: the old town\nunknown: 1\npopulation: ") == (
        "Nice: the old town",
        None,
        None,
        None,
    )


def test_the_schema_the_writer_sees_quotes_names_and_shows_examples() -> None:
    sheet = Sheet.of([SheetRows((TableColumn('say "hi"'),), [("hello",)])])
    text = sheet.schema_text()
    assert 'CREATE TABLE sheet (\n  "say ""hi""" TEXT\n);' in text
    assert "-- example row: hello" in text
    assert queries.select(sheet, 'SELECT "say ""hi""" FROM sheet', LIMITS).rows == [("hello",)]
