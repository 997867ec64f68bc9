"""Embedded full-text index: SQLite FTS5 in one file, BM25 ranking, Porter stemming for English.

Per index: a documents table (id, the original fields as JSON, one typed column per filterable
field, indexed) and one FTS5 table per text field holding the pre-segmented words (analysis.py),
rowid-linked to the document. A single connection on a single worker thread serialises access,
which is what SQLite wants anyway; async callers never block the event loop.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from domain.common.fulltext import (
    Document,
    FieldType,
    Filter,
    FullTextIndexExists,
    FullTextIndexNotFound,
    Hit,
    IndexSpec,
    Language,
    SearchRequest,
    SearchResult,
    Value,
    check_document,
    check_filter,
    decode_cursor,
    encode_cursor,
    from_epoch_ms,
    to_epoch_ms,
    validate_doc_id,
    validate_index_name,
)
from infra.fulltext import analysis
from infra.fulltext.sqlite_mirrors import INLINE_BUILD_MAX_DOCS, Mirrors
from infra.fulltext.sqlite_query import (
    column,
    docs_table,
    ident,
    match_expression,
    sql_type,
    to_sql,
    where,
    words_table,
)
from infra.fulltext.sqlite_topk import append_log, create_log, log_table
from infra.privatefs import private_file

T = TypeVar("T")
_TOKENIZER = {
    Language.ENGLISH: "porter unicode61 remove_diacritics 0",
    Language.CHINESE: "unicode61 remove_diacritics 0",
}


class SqliteFullTextIndex:
    name = "fulltext"
    adapter = "sqlite-fts5"

    def __init__(self, path: Path | str, *, topk_inline_docs: int = INLINE_BUILD_MAX_DOCS) -> None:
        self.path = Path(path)
        self._topk_inline_docs = topk_inline_docs
        self._pool: ThreadPoolExecutor | None = None
        self._conn: sqlite3.Connection | None = None
        self._specs: dict[str, IndexSpec] = {}
        self._mirrors: Mirrors | None = None

    # ------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        await self._run(self._open)

    async def stop(self) -> None:
        if self._mirrors is not None:
            self._mirrors.close()
            self._mirrors = None
        if self._conn is not None:
            await self._run(self._conn.close)
            self._conn = None
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    def _open(self) -> None:
        if self._conn is not None:
            return
        analysis.warm_up()
        private_file(self.path)  # SQLite gives the -wal and -shm files the same mode
        # `cozeplus serve` and `cozeplus worker` may share the file: wait for the other's write lock.
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("CREATE TABLE IF NOT EXISTS ft_indexes (name TEXT PRIMARY KEY, spec TEXT NOT NULL)")
        self._specs = {
            name: IndexSpec.from_dict(json.loads(raw))
            for name, raw in conn.execute("SELECT * FROM ft_indexes")
        }
        for name in self._specs:  # indexes made before top-k searches existed get their change log
            create_log(conn, name)
        self._mirrors = Mirrors(self.path, conn, _TOKENIZER, inline_docs=self._topk_inline_docs)
        self._conn = conn

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fulltext-sqlite")
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    @property
    def mirrors(self) -> Mirrors:
        self.conn  # noqa: B018 - opens the file, which makes the mirrors
        assert self._mirrors is not None
        return self._mirrors

    async def warm_topk(self, index: str) -> None:
        """Read `index` into memory for top-k searches now, whatever its size (not part of the port:
        benchmarks and maintenance; a large index is otherwise read in the background on first use)."""
        spec = self._spec(index)
        await self._run(lambda: self.mirrors.current(spec, wait=True))

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            self._open()
        assert self._conn is not None
        return self._conn

    async def check(self) -> tuple[bool, str]:
        started = time.perf_counter()
        try:
            await self._run(lambda: self.conn.execute("SELECT count(*) FROM ft_indexes").fetchone())
        except Exception as exc:  # readiness reports, never raises
            return False, f"{type(exc).__name__}: {exc}"
        return True, f"{(time.perf_counter() - started) * 1000:.1f} ms"

    def _spec(self, name: str) -> IndexSpec:
        validate_index_name(name)
        if self._conn is None:
            self._open()
        spec = self._specs.get(name)
        if spec is None:
            raise FullTextIndexNotFound(index=name)
        return spec

    # ------------------------------------------------------------ indexes

    async def create_index(self, spec: IndexSpec, *, exist_ok: bool = False) -> None:
        await self._run(self._create, spec, exist_ok)

    def _create(self, spec: IndexSpec, exist_ok: bool) -> None:
        conn = self.conn
        existing = self._specs.get(spec.name)
        if existing is not None:
            if exist_ok and existing == spec:
                return
            raise FullTextIndexExists(index=spec.name)
        docs = docs_table(spec.name)
        typed = [f for f in spec.fields if f.type is not FieldType.TEXT]
        cols = "".join(f", {column(f.name)} {sql_type(f.type)}" for f in typed)
        with _transaction(conn):
            key = "rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, doc TEXT NOT NULL"
            conn.execute(f"CREATE TABLE {docs} ({key}{cols})")
            for f in typed:
                conn.execute(
                    f"CREATE INDEX {ident(f'ft_{spec.name}__i_{f.name}')} ON {docs} ({column(f.name)})"
                )
            for f in spec.text_fields:
                tokenizer = _TOKENIZER[f.language].replace("'", "''")
                table = words_table(spec.name, f.name)
                conn.execute(f"CREATE VIRTUAL TABLE {table} USING fts5(w, tokenize='{tokenizer}')")
            create_log(conn, spec.name)
            conn.execute(
                "INSERT INTO ft_indexes (name, spec) VALUES (?, ?)", (spec.name, json.dumps(spec.to_dict()))
            )
        self._specs[spec.name] = spec

    async def drop_index(self, name: str) -> None:
        validate_index_name(name)
        await self._run(self._drop, name)

    def _drop(self, name: str) -> None:
        conn = self.conn
        spec = self._specs.get(name)
        if spec is None:
            return
        with _transaction(conn):
            for f in spec.text_fields:
                conn.execute(f"DROP TABLE IF EXISTS {words_table(name, f.name)}")
            conn.execute(f"DROP TABLE IF EXISTS {docs_table(name)}")
            conn.execute(f"DROP TABLE IF EXISTS {log_table(name)}")
            conn.execute("DELETE FROM ft_indexes WHERE name = ?", (name,))
        self._specs.pop(name, None)
        self.mirrors.forget(name)

    async def index_exists(self, name: str) -> bool:
        validate_index_name(name)
        await self._run(lambda: self.conn)
        return name in self._specs

    # ------------------------------------------------------------ writes

    async def upsert(self, index: str, docs: Sequence[Document]) -> int:
        spec = self._spec(index)
        for doc in docs:
            check_document(spec, doc)
        return await self._run(self._upsert, spec, list(docs))

    def _upsert(self, spec: IndexSpec, docs: list[Document]) -> int:
        conn = self.conn
        typed = [f for f in spec.fields if f.type is not FieldType.TEXT]
        names = ", ".join(["id", "doc", *(column(f.name) for f in typed)])
        marks = ", ".join("?" for _ in range(2 + len(typed)))
        updates = ", ".join(f"{c} = excluded.{c}" for c in ["doc", *(column(f.name) for f in typed)])
        upsert_sql = (
            f"INSERT INTO {docs_table(spec.name)} ({names}) VALUES ({marks}) "
            f"ON CONFLICT(id) DO UPDATE SET {updates} RETURNING rowid"
        )
        rowids: list[int] = []
        with _transaction(conn):
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
        self.mirrors.written(spec, rowids, seq_before, seq_after)
        return len(docs)

    async def delete(self, index: str, ids: Sequence[str]) -> int:
        spec = self._spec(index)
        for doc_id in ids:
            validate_doc_id(doc_id)
        return await self._run(
            self._delete_where, spec, "d.id IN (SELECT value FROM json_each(?))", [json.dumps(list(ids))]
        )

    async def delete_by_filter(self, index: str, flt: Filter) -> int:
        spec = self._spec(index)
        check_filter(spec, flt)
        params: list[object] = []
        clause = where(spec, flt, params)
        return await self._run(self._delete_where, spec, clause, params)

    def _delete_where(self, spec: IndexSpec, clause: str, params: list[object]) -> int:
        conn = self.conn
        docs = docs_table(spec.name)
        with _transaction(conn):
            seq_before = _last_seq(conn, spec.name)
            rowids = [r for (r,) in conn.execute(f"SELECT d.rowid FROM {docs} AS d WHERE {clause}", params)]
            for start in range(0, len(rowids), 500):
                chunk = json.dumps(rowids[start : start + 500])
                for f in spec.text_fields:
                    table = words_table(spec.name, f.name)
                    conn.execute(
                        f"DELETE FROM {table} WHERE rowid IN (SELECT value FROM json_each(?))", (chunk,)
                    )
                conn.execute(f"DELETE FROM {docs} WHERE rowid IN (SELECT value FROM json_each(?))", (chunk,))
            append_log(conn, spec.name, rowids)
            seq_after = _last_seq(conn, spec.name)
        self.mirrors.written(spec, rowids, seq_before, seq_after)
        return len(rowids)

    # ------------------------------------------------------------ search

    async def search(self, index: str, request: SearchRequest) -> SearchResult:
        spec = self._spec(index)
        request.check(spec)
        return await self._run(self._search, spec, request)

    def _search(self, spec: IndexSpec, request: SearchRequest) -> SearchResult:
        conn = self.conn
        docs = docs_table(spec.name)
        params: list[object] = []
        words = analysis.query_words(request.text)
        if request.text.strip() and not words:
            return SearchResult(total=0, hits=[], next_cursor=None)
        expression = match_expression(words, all_words=request.match_all_words) if words else ""
        if words and not request.exact_total:
            page = self.mirrors.search(spec, request, words)
            if page is not None:
                return self._page(spec, request, expression, page)
        if words:
            union = " UNION ALL ".join(
                f"SELECT rowid AS r, -bm25({t}) AS s FROM {t} WHERE {t} MATCH ?"
                for t in (words_table(spec.name, f) for f in request.searched_fields(spec))
            )
            params += [expression] * len(request.searched_fields(spec))
            # LIMIT -1 stops SQLite from flattening the FTS5 scans into the aggregate: bm25() only
            # works directly on a MATCH scan.
            prefix = f"WITH m AS (SELECT r, MAX(s) AS score FROM ({union} LIMIT -1) GROUP BY r) "
            source = f"m JOIN {docs} AS d ON d.rowid = m.r"
            score = "m.score"
        else:
            prefix, source, score = "", f"{docs} AS d", "0.0"
        conditions = []
        if request.filter is not None:
            conditions.append(where(spec, request.filter, params))
        base = f"FROM {source}" + (f" WHERE {' AND '.join(conditions)}" if conditions else "")
        page_params = list(params)
        if request.after is not None:
            last_score, last_id = decode_cursor(request.after)
            conditions.append(f"({score} < ? OR ({score} = ? AND d.id > ?))")
            page_params += [last_score, last_score, last_id]
        page_sql = (
            # The window count rides on the same scan; with a cursor it would count only what follows.
            f"{prefix}SELECT d.rowid, d.id, d.doc, {score}, "
            + ("NULL" if request.after is not None or not request.exact_total else "count(*) OVER ()")
            + f" FROM {source}"
            + (f" WHERE {' AND '.join(conditions)}" if conditions else "")
            + f" ORDER BY {score} DESC, d.id ASC LIMIT ? OFFSET ?"
        )
        rows = conn.execute(page_sql, [*page_params, request.size, request.offset]).fetchall()
        if not request.exact_total:
            total = request.offset + len(rows)
        elif rows and rows[0][4] is not None:
            total = rows[0][4]
        else:  # a cursor page, or a page past the end: count separately
            (total,) = conn.execute(f"{prefix}SELECT count(*) {base}", params).fetchone()
        hits = [
            Hit(id=doc_id, score=float(s), fields=_from_json(spec, json.loads(raw)))
            for _, doc_id, raw, s, _ in rows
        ]
        if request.highlight is not None and words and rows:
            self._highlight(spec, request, expression, [r[0] for r in rows], hits)
        cursor = encode_cursor([hits[-1].score, hits[-1].id]) if hits and len(hits) == request.size else None
        return SearchResult(total=int(total), hits=hits, next_cursor=cursor, total_exact=request.exact_total)

    def _page(
        self, spec: IndexSpec, request: SearchRequest, expression: str, page: list[tuple[int, str, float]]
    ) -> SearchResult:
        """A top-k page ranked in memory: its documents, highlights and cursor."""
        rowids = [rowid for rowid, _, _ in page]
        stored = dict(
            self.conn.execute(
                f"SELECT rowid, doc FROM {docs_table(spec.name)} "
                "WHERE rowid IN (SELECT value FROM json_each(?))",
                (json.dumps(rowids),),
            ).fetchall()
        )
        hits = [
            Hit(id=doc_id, score=score, fields=_from_json(spec, json.loads(stored[r])))
            for r, doc_id, score in page
        ]
        if request.highlight is not None and hits:
            self._highlight(spec, request, expression, rowids, hits)
        cursor = encode_cursor([hits[-1].score, hits[-1].id]) if hits and len(hits) == request.size else None
        return SearchResult(
            total=request.offset + len(hits), hits=hits, next_cursor=cursor, total_exact=False
        )

    def _highlight(
        self, spec: IndexSpec, request: SearchRequest, expression: str, rowids: list[int], hits: list[Hit]
    ) -> None:
        assert request.highlight is not None
        hl = request.highlight
        by_rowid = dict(zip(rowids, hits, strict=True))
        for name in hl.fields or request.searched_fields(spec):
            table = words_table(spec.name, name)
            rows = self.conn.execute(
                f"SELECT rowid, highlight({table}, 0, ?, ?) FROM {table} WHERE {table} MATCH ? "
                "AND rowid IN (SELECT value FROM json_each(?))",
                (analysis.MARK_OPEN, analysis.MARK_CLOSE, expression, json.dumps(rowids)),
            )
            for rowid, marked in rows:
                hit = by_rowid[rowid]
                original = hit.fields.get(name)
                if isinstance(original, str):
                    text = analysis.highlight(
                        original, marked, hl.pre_tag, hl.post_tag, escape=hl.escape_html
                    )
                    if text is not None:
                        hit.highlights[name] = text


def _last_seq(conn: sqlite3.Connection, index: str) -> int:
    (seq,) = conn.execute(f"SELECT max(seq) FROM {log_table(index)}").fetchone()
    return int(seq or 0)


class _transaction:
    """BEGIN IMMEDIATE ... COMMIT/ROLLBACK on an autocommit connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *_: object) -> None:
        self.conn.execute("ROLLBACK" if exc_type is not None else "COMMIT")


def _to_json(value: Value) -> object:
    return to_epoch_ms(value) if isinstance(value, datetime) else value


def _from_json(spec: IndexSpec, raw: dict[str, Any]) -> dict[str, Value | None]:
    out: dict[str, Value | None] = {}
    for f in spec.fields:
        value = raw.get(f.name)
        if value is not None and f.type is FieldType.DATE:
            value = from_epoch_ms(int(value))
        elif value is not None and f.type is FieldType.FLOAT:
            value = float(value)
        out[f.name] = value
    return out
