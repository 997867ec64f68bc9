"""The SQLite full-text index's tables and writes (sqlite_fts.py holds the adapter).

Per index: a documents table (id, the original fields as JSON, one typed column per filterable
field, indexed), one FTS5 table per text field holding the pre-segmented words (analysis.py),
rowid-linked to the document, and the change log the top-k mirrors catch up from. Every function
runs on the adapter's single worker thread and writes in one transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from domain.common.fulltext import Document, FieldType, IndexSpec, Language, Value, from_epoch_ms, to_epoch_ms
from infra.common.sqlite import ImmediateTransaction
from infra.fulltext import analysis
from infra.fulltext.sqlite_query import column, docs_table, ident, sql_type, to_sql, words_table
from infra.fulltext.sqlite_topk import append_log, create_log, log_table

TOKENIZER = {
    Language.ENGLISH: "porter unicode61 remove_diacritics 0",
    Language.CHINESE: "unicode61 remove_diacritics 0",
}
DELETE_CHUNK = 500

# What a write changed, for the top-k mirrors: the rowids and the change log's last seq before and after.
Written = tuple[list[int], int, int]


def create_tables(conn: sqlite3.Connection, spec: IndexSpec) -> None:
    docs = docs_table(spec.name)
    typed = [f for f in spec.fields if f.type is not FieldType.TEXT]
    cols = "".join(f", {column(f.name)} {sql_type(f.type)}" for f in typed)
    with ImmediateTransaction(conn):
        key = "rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, doc TEXT NOT NULL"
        conn.execute(f"CREATE TABLE {docs} ({key}{cols})")
        for f in typed:
            conn.execute(f"CREATE INDEX {ident(f'ft_{spec.name}__i_{f.name}')} ON {docs} ({column(f.name)})")
        for f in spec.text_fields:
            tokenizer = TOKENIZER[f.language].replace("'", "''")
            table = words_table(spec.name, f.name)
            conn.execute(f"CREATE VIRTUAL TABLE {table} USING fts5(w, tokenize='{tokenizer}')")
        create_log(conn, spec.name)
        conn.execute(
            "INSERT INTO ft_indexes (name, spec) VALUES (?, ?)", (spec.name, json.dumps(spec.to_dict()))
        )


def drop_tables(conn: sqlite3.Connection, spec: IndexSpec) -> None:
    name = spec.name
    with ImmediateTransaction(conn):
        for f in spec.text_fields:
            conn.execute(f"DROP TABLE IF EXISTS {words_table(name, f.name)}")
        conn.execute(f"DROP TABLE IF EXISTS {docs_table(name)}")
        conn.execute(f"DROP TABLE IF EXISTS {log_table(name)}")
        conn.execute("DELETE FROM ft_indexes WHERE name = ?", (name,))


def upsert_docs(conn: sqlite3.Connection, spec: IndexSpec, docs: list[Document]) -> Written:
    typed = [f for f in spec.fields if f.type is not FieldType.TEXT]
    names = ", ".join(["id", "doc", *(column(f.name) for f in typed)])
    marks = ", ".join("?" for _ in range(2 + len(typed)))
    updates = ", ".join(f"{c} = excluded.{c}" for c in ["doc", *(column(f.name) for f in typed)])
    upsert_sql = (
        f"INSERT INTO {docs_table(spec.name)} ({names}) VALUES ({marks}) "
        f"ON CONFLICT(id) DO UPDATE SET {updates} RETURNING rowid"
    )
    rowids: list[int] = []
    with ImmediateTransaction(conn):
        seq_before = _last_seq(conn, spec.name)
        for doc in docs:
            stored = {k: _to_json(v) for k, v in doc.fields.items() if v is not None}
            values: list[object] = [doc.id, json.dumps(stored, ensure_ascii=False)]
            for f in typed:
                value = doc.fields.get(f.name)
                values.append(None if value is None else to_sql(value))
            (rowid,) = conn.execute(upsert_sql, values).fetchone()
            rowids.append(rowid)
            for f in spec.text_fields:
                table = words_table(spec.name, f.name)
                conn.execute(f"DELETE FROM {table} WHERE rowid = ?", (rowid,))
                text = doc.fields.get(f.name)
                if isinstance(text, str) and text:
                    conn.execute(
                        f"INSERT INTO {table} (rowid, w) VALUES (?, ?)",
                        (rowid, analysis.word_string(text)),
                    )
        append_log(conn, spec.name, rowids)
        seq_after = _last_seq(conn, spec.name)
    return rowids, seq_before, seq_after


def delete_where(conn: sqlite3.Connection, spec: IndexSpec, clause: str, params: Sequence[object]) -> Written:
    """Delete the documents `clause` (over `d`, the documents table) matches, words included."""
    docs = docs_table(spec.name)
    with ImmediateTransaction(conn):
        seq_before = _last_seq(conn, spec.name)
        rowids = [r for (r,) in conn.execute(f"SELECT d.rowid FROM {docs} AS d WHERE {clause}", params)]
        for start in range(0, len(rowids), DELETE_CHUNK):
            chunk = json.dumps(rowids[start : start + DELETE_CHUNK])
            for f in spec.text_fields:
                table = words_table(spec.name, f.name)
                conn.execute(f"DELETE FROM {table} WHERE rowid IN (SELECT value FROM json_each(?))", (chunk,))
            conn.execute(f"DELETE FROM {docs} WHERE rowid IN (SELECT value FROM json_each(?))", (chunk,))
        append_log(conn, spec.name, rowids)
        seq_after = _last_seq(conn, spec.name)
    return rowids, seq_before, seq_after


def stored_fields(spec: IndexSpec, raw: dict[str, Any]) -> dict[str, Value | None]:
    """A document's fields as stored (JSON, dates as epoch ms) back in their declared types."""
    out: dict[str, Value | None] = {}
    for f in spec.fields:
        value = raw.get(f.name)
        if value is not None and f.type is FieldType.DATE:
            value = from_epoch_ms(int(value))
        elif value is not None and f.type is FieldType.FLOAT:
            value = float(value)
        out[f.name] = value
    return out


def _last_seq(conn: sqlite3.Connection, index: str) -> int:
    (seq,) = conn.execute(f"SELECT max(seq) FROM {log_table(index)}").fetchone()
    return int(seq or 0)


def _to_json(value: Value) -> object:
    return to_epoch_ms(value) if isinstance(value, datetime) else value
