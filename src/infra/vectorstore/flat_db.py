"""The durable side of the flat vector store: one SQLite file holding every collection's records.

Per collection: a rows table (SQLite rowid, id, scalar fields as JSON, text, the vector as float32
bytes) and, when the collection has text, an FTS5 table of its pre-segmented words for BM25
(rowid-linked, as in the embedded full-text index). Tables are named by a collection number, not by
the collection's name: SQLite compares table names without case, collection names are exact.
Only the thread that holds the store's lock uses the connection.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from domain.common.vectors import (
    ID_FIELD,
    TEXT_FIELD,
    CollectionSpec,
    FieldType,
    Metric,
    ScalarField,
    VectorRecord,
)
from infra.common.sqlite import ImmediateTransaction
from infra.fulltext import analysis
from infra.fulltext.sqlite_query import match_expression

_TOKENIZER = "porter unicode61 remove_diacritics 0"
_CHUNK = 500  # ids or rowids per IN (json_each) query


def spec_to_json(spec: CollectionSpec) -> str:
    fields = [[f.name, f.type.value, f.max_length, f.partition_key] for f in spec.fields]
    return json.dumps(
        {
            "name": spec.name,
            "dimension": spec.dimension,
            "metric": spec.metric.value,
            "fields": fields,
            "text_max_length": spec.text_max_length,
        }
    )


def spec_from_json(raw: str) -> CollectionSpec:
    data = json.loads(raw)
    fields = tuple(
        ScalarField(n, FieldType(t), max_length=m, partition_key=p) for n, t, m, p in data["fields"]
    )
    return CollectionSpec(
        data["name"], int(data["dimension"]), Metric(data["metric"]), fields, data["text_max_length"]
    )


def _rows(cid: int) -> str:
    return f"vs_rows_{int(cid)}"


def _words(cid: int) -> str:
    return f"vs_words_{int(cid)}"


class FlatDatabase:
    def __init__(self, path: Path) -> None:
        # isolation_level=None: we open our own transactions (BEGIN IMMEDIATE) around each write.
        self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS vs_collections "
            "(cid INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, spec TEXT NOT NULL)"
        )

    def close(self) -> None:
        self.conn.close()

    def collections(self) -> dict[str, tuple[int, CollectionSpec]]:
        rows = self.conn.execute("SELECT cid, spec FROM vs_collections").fetchall()
        return {spec.name: (cid, spec) for cid, spec in ((c, spec_from_json(s)) for c, s in rows)}

    def create(self, spec: CollectionSpec) -> int:
        with self._transaction():
            cursor = self.conn.execute(
                "INSERT INTO vs_collections (name, spec) VALUES (?, ?)", (spec.name, spec_to_json(spec))
            )
            cid = int(cursor.lastrowid or 0)
            self.conn.execute(
                f"CREATE TABLE {_rows(cid)} (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, "
                "fields TEXT NOT NULL, text TEXT, vector BLOB NOT NULL)"
            )
            if spec.has_text:
                self.conn.execute(
                    f"CREATE VIRTUAL TABLE {_words(cid)} USING fts5(w, tokenize='{_TOKENIZER}')"
                )
        return cid

    def drop(self, cid: int) -> None:
        with self._transaction():
            self.conn.execute(f"DROP TABLE IF EXISTS {_words(cid)}")
            self.conn.execute(f"DROP TABLE IF EXISTS {_rows(cid)}")
            self.conn.execute("DELETE FROM vs_collections WHERE cid = ?", (cid,))

    def load(self, cid: int, spec: CollectionSpec) -> Iterator[tuple[int, dict[str, object]]]:
        """Every stored row as (rowid, flat row) with the vector as a float32 array."""
        for rowid, record_id, fields, raw in self.conn.execute(
            f"SELECT rowid, id, fields, vector FROM {_rows(cid)}"
        ):
            row: dict[str, object] = json.loads(fields)
            row[ID_FIELD] = record_id
            row["vector"] = np.frombuffer(raw, dtype=np.float32)
            yield int(rowid), row

    def upsert(self, cid: int, spec: CollectionSpec, rows: Sequence[dict[str, object]]) -> list[int]:
        """Write checked rows; their rowids, in order."""
        upsert_sql = (
            f"INSERT INTO {_rows(cid)} (id, fields, text, vector) VALUES (?, ?, ?, ?) ON CONFLICT(id) "
            "DO UPDATE SET fields = excluded.fields, text = excluded.text, vector = excluded.vector "
            "RETURNING rowid"
        )
        names = [f.name for f in spec.fields]
        rowids: list[int] = []
        with self._transaction():
            for row in rows:
                text = row.get(TEXT_FIELD) if spec.has_text else None
                vector = np.asarray(row["vector"], dtype=np.float32).tobytes()
                fields = json.dumps({n: row[n] for n in names}, ensure_ascii=False)
                (rowid,) = self.conn.execute(upsert_sql, (row[ID_FIELD], fields, text, vector)).fetchone()
                rowids.append(int(rowid))
                if spec.has_text:
                    self.conn.execute(f"DELETE FROM {_words(cid)} WHERE rowid = ?", (rowid,))
                    if isinstance(text, str) and text:
                        self.conn.execute(
                            f"INSERT INTO {_words(cid)} (rowid, w) VALUES (?, ?)",
                            (rowid, analysis.word_string(text)),
                        )
        return rowids

    def delete(self, cid: int, spec: CollectionSpec, rowids: Sequence[int]) -> None:
        with self._transaction():
            for start in range(0, len(rowids), _CHUNK):
                chunk = json.dumps(list(rowids[start : start + _CHUNK]))
                for table in (_words(cid),) if spec.has_text else ():
                    self.conn.execute(
                        f"DELETE FROM {table} WHERE rowid IN (SELECT value FROM json_each(?))", (chunk,)
                    )
                self.conn.execute(
                    f"DELETE FROM {_rows(cid)} WHERE rowid IN (SELECT value FROM json_each(?))", (chunk,)
                )

    def get(self, cid: int, spec: CollectionSpec, ids: Sequence[str]) -> list[VectorRecord]:
        out: list[VectorRecord] = []
        for start in range(0, len(ids), _CHUNK):
            chunk = json.dumps(list(ids[start : start + _CHUNK]))
            for record_id, fields, text, raw in self.conn.execute(
                f"SELECT id, fields, text, vector FROM {_rows(cid)} "
                "WHERE id IN (SELECT value FROM json_each(?))",
                (chunk,),
            ):
                vector = np.frombuffer(raw, dtype=np.float32).tolist()
                out.append(
                    VectorRecord(record_id, vector, json.loads(fields), text if spec.has_text else None)
                )
        return out

    def texts(self, cid: int, rowids: Sequence[int]) -> dict[int, str | None]:
        rows = self.conn.execute(
            f"SELECT rowid, text FROM {_rows(cid)} WHERE rowid IN (SELECT value FROM json_each(?))",
            (json.dumps(list(rowids)),),
        )
        return {int(r): t for r, t in rows}

    def keyword_matches(self, cid: int, text: str) -> Iterator[tuple[int, float]]:
        """(rowid, BM25 score) of every record whose text shares a word with `text`, best first."""
        words = analysis.query_words(text)
        if not words:
            return iter(())
        table = _words(cid)
        cursor = self.conn.execute(
            f"SELECT rowid, -bm25({table}) FROM {table} WHERE {table} MATCH ? ORDER BY rank",
            (match_expression(words, all_words=False),),
        )
        return ((int(r), float(s)) for r, s in cursor)

    def _transaction(self) -> ImmediateTransaction:
        return ImmediateTransaction(self.conn)
