"""Embedded full-text index: SQLite FTS5 in one file, BM25 ranking, Porter stemming for English.

The adapter: lifecycle, the index catalogue and the port's calls. The tables and writes are in
sqlite_store.py, searching in sqlite_search.py, the in-memory top-k mirrors in sqlite_mirrors.py.
A single connection on a single worker thread serialises access, which is what SQLite wants
anyway; async callers never block the event loop.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from domain.common.fulltext import (
    Document,
    Filter,
    FullTextIndexExists,
    FullTextIndexNotFound,
    IndexSpec,
    SearchRequest,
    SearchResult,
    check_document,
    check_filter,
    validate_doc_id,
    validate_index_name,
)
from infra.fulltext import analysis, sqlite_search
from infra.fulltext.sqlite_mirrors import INLINE_BUILD_MAX_DOCS, Mirrors
from infra.fulltext.sqlite_query import where
from infra.fulltext.sqlite_store import TOKENIZER, create_tables, delete_where, drop_tables, upsert_docs
from infra.fulltext.sqlite_topk import create_log
from infra.privatefs import private_file

T = TypeVar("T")


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
        self._mirrors = Mirrors(self.path, conn, TOKENIZER, inline_docs=self._topk_inline_docs)
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
        create_tables(conn, spec)
        self._specs[spec.name] = spec

    async def drop_index(self, name: str) -> None:
        validate_index_name(name)
        await self._run(self._drop, name)

    def _drop(self, name: str) -> None:
        conn = self.conn
        spec = self._specs.get(name)
        if spec is None:
            return
        drop_tables(conn, spec)
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
        rowids, seq_before, seq_after = upsert_docs(self.conn, spec, docs)
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
        rowids, seq_before, seq_after = delete_where(self.conn, spec, clause, params)
        self.mirrors.written(spec, rowids, seq_before, seq_after)
        return len(rowids)

    # ------------------------------------------------------------ search

    async def search(self, index: str, request: SearchRequest) -> SearchResult:
        spec = self._spec(index)
        request.check(spec)
        return await self._run(lambda: sqlite_search.search(self.conn, self.mirrors, spec, request))
