"""What one NL2SQL query costs on the platform's side: `python -m tests.bench.bench_nl2sql`.

Each query builds a private in-memory table from the dataset's rows and runs the model's SQL on it
(infra/knowledge/sheet_sql.py). Printed per table size: the full call (load + query, what a chat
turn pays), and as the baseline the same query on a table already loaded, so the load's share is
plain. Knob: COZEPLUS_BENCH_ROWS (default "1000,10000,100000"); 7 runs each, the median shown."""

from __future__ import annotations

import os
import random
import sqlite3
import statistics
import time

from domain.knowledge.parsed import ColumnType, TableColumn
from domain.knowledge.sheets import Sheet, SheetLimits, SheetRows
from infra.knowledge.sheet_sql import SqliteSheetQueries

COLUMNS = (
    TableColumn("order"),
    TableColumn("region"),
    TableColumn("product"),
    TableColumn("quantity", ColumnType.INTEGER),
    TableColumn("price", ColumnType.NUMBER),
    TableColumn("paid", ColumnType.BOOLEAN),
    TableColumn("day", ColumnType.TIME),
    TableColumn("note"),
)
SQL = (
    'SELECT "region", SUM("quantity" * "price") AS revenue, COUNT(*) AS orders FROM sheet '
    'WHERE "paid" = 1 AND "day" >= \'2026-03-01\' GROUP BY "region" ORDER BY revenue DESC'
)
RUNS = 7


def rows(n: int) -> list[tuple[str | None, ...]]:
    chance = random.Random(n)
    regions = ["north", "south", "east", "west", "centre"]
    return [
        (
            f"A-{i:07d}",
            chance.choice(regions),
            f"product {chance.randrange(300)}",
            str(chance.randrange(1, 50)),
            f"{chance.uniform(1, 500):.2f}",
            chance.choice(["true", "false"]),
            f"2026-{chance.randrange(1, 13):02d}-{chance.randrange(1, 29):02d}",
            chance.choice([None, "gift wrap", "call before delivery", "fragile"]),
        )
        for i in range(n)
    ]


def median_ms(work: object) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        work()  # type: ignore[operator]
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    sizes = [int(s) for s in os.environ.get("COZEPLUS_BENCH_ROWS", "1000,10000,100000").split(",")]
    queries, limits = SqliteSheetQueries(), SheetLimits(time_budget_s=30)
    print(f"{'rows':>8} {'load+query ms':>14} {'query only ms':>14} {'answer rows':>12}")
    for n in sizes:
        sheet = Sheet.of([SheetRows(COLUMNS, rows(n))])
        answer = queries.select(sheet, SQL, limits)
        full = median_ms(lambda sheet=sheet: queries.select(sheet, SQL, limits))
        loaded = sqlite3.connect(":memory:")
        loaded.execute(
            'CREATE TABLE sheet ("order" TEXT, "region" TEXT, "product" TEXT, "quantity" INTEGER, '
            '"price" REAL, "paid" INTEGER, "day" TEXT, "note" TEXT)'
        )
        loaded.executemany(
            "INSERT INTO sheet VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (r[0], r[1], r[2], int(r[3] or 0), float(r[4] or 0), int(r[5] == "true"), r[6], r[7])
                for r in sheet.rows
            ],
        )
        only = median_ms(lambda loaded=loaded: loaded.execute(SQL).fetchall())
        print(f"{n:>8} {full:>14.1f} {only:>14.1f} {len(answer.rows):>12}")


if __name__ == "__main__":
    main()
