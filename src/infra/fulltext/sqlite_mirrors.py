"""Which indexes have an in-memory mirror for top-k searches, and keeping them current.

Used only from the SQLite adapter's single worker thread. A small index is mirrored on its first
top-k search; a large one is read on a thread of its own (its own connection, one snapshot) while
searches take the exact SQL path, and is caught up through the change log once it is ready.
"""

from __future__ import annotations

import sqlite3
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import structlog

from domain.common.fulltext import IndexSpec, Language, SearchRequest
from infra.fulltext.sqlite_query import docs_table
from infra.fulltext.sqlite_topk import Mirror, Tokenizer, build, refresh, reload_rows

log = structlog.get_logger("cozeplus.fulltext")
INLINE_BUILD_MAX_DOCS = 20_000  # below this a first top-k search reads the index itself (< ~2 s)


class Mirrors:
    def __init__(
        self,
        path: Path,
        conn: sqlite3.Connection,
        tokenizers: dict[Language, str],
        *,
        inline_docs: int = INLINE_BUILD_MAX_DOCS,
    ) -> None:
        self.path = path
        self.inline_docs = inline_docs
        self.conn = conn
        self.tokenizer = Tokenizer(conn, tokenizers)
        self._ready: dict[str, Mirror] = {}
        self._building: dict[str, Future[Mirror]] = {}
        self._pool: ThreadPoolExecutor | None = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        self._ready.clear()
        self._building.clear()

    def ready(self, index: str) -> bool:
        """Whether `index` has a mirror (it may still have to catch up)."""
        return index in self._ready

    def forget(self, index: str) -> None:
        self._ready.pop(index, None)
        self._building.pop(index, None)

    def search(
        self, spec: IndexSpec, request: SearchRequest, words: list[str]
    ) -> list[tuple[int, str, float]] | None:
        """The page as (rowid, id, score), or None when the exact path has to answer."""
        mirror = self.current(spec)
        if mirror is None:
            return None
        searched = request.searched_fields(spec)
        languages = {spec.field(name).language for name in searched}
        if len(languages) != 1:
            return None  # fields stemmed differently: the exact path matches per field
        by_word = self.tokenizer.terms(languages.pop(), enumerate(words))
        terms = [next(iter(by_word[i])) for i in range(len(words)) if len(by_word.get(i, {})) == 1]
        if len(terms) != len(words):
            return None  # a word FTS5 splits into a phrase: leave it to FTS5
        return mirror.search(request, terms, searched)

    def current(self, spec: IndexSpec, *, wait: bool = False) -> Mirror | None:
        """The index's mirror, caught up with every commit; None while one is being read apart.

        `wait`: read it now whatever its size (benchmarks, maintenance)."""
        name = spec.name
        self._collect(name, wait)
        mirror = self._ready.pop(name, None)
        if mirror is not None:
            caught_up = refresh(self.conn, mirror, self.tokenizer)
            if caught_up is not None and caught_up.dead <= max(1000, len(caught_up.slot_of)):
                self._ready[name] = caught_up
                return caught_up
            # Too far behind the change log, or mostly superseded slots: read the index again.
        if name in self._building:
            return None
        (count,) = self.conn.execute(f"SELECT count(*) FROM {docs_table(name)}").fetchone()
        if wait or count <= self.inline_docs:
            mirror = self._ready[name] = build(self.conn, spec)
            return mirror
        self._building[name] = self._executor().submit(_build_apart, self.path, spec)
        return None

    def _collect(self, name: str, wait: bool) -> None:
        building = self._building.get(name)
        if building is None or not (wait or building.done()):
            return
        del self._building[name]
        try:
            self._ready[name] = building.result()
        except Exception as exc:  # the exact path keeps answering; the next search tries again
            log.warning("fulltext_mirror_failed", index=name, error=f"{type(exc).__name__}: {exc}")

    def written(self, spec: IndexSpec, rowids: list[int], seq_before: int, seq_after: int) -> None:
        """After a committed write of `rowids` that moved the log from seq_before to seq_after."""
        mirror = self._ready.get(spec.name)
        if mirror is None or mirror.seq != seq_before:
            return  # not mirrored, or behind: the next search catches up through the log
        reload_rows(self.conn, mirror, self.tokenizer, rowids)
        mirror.seq = seq_after

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fulltext-mirror")
        return self._pool


def _build_apart(path: Path, spec: IndexSpec) -> Mirror:
    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    try:
        return build(conn, spec)
    finally:
        conn.close()
