"""Top-k searches of the embedded full-text index with numpy, over postings mirrored from FTS5.

SQLite FTS5 ranks every matching row through its bm25() function, about 2.5 µs a row: a retrieval
query of a few common words matches most of a 100k-chunk knowledge base and takes 200+ ms
(docs/adr/0052). Here each index's postings (term -> rows, term frequencies), field lengths and
filterable values live in memory, and a search is a few vectorised additions per query term, the
filter as a mask and a partial sort. Scores are FTS5's BM25 (k1 1.2, b 0.75, the same idf and
document lengths), so the ranking is the one the exact path gives.

The FTS5 tables stay the truth. The mirror is read from them on first use; the terms of new
documents are the ones FTS5's own tokenizer gives (a scratch FTS5 table in the connection's temp
schema). Every write also appends the touched rowids to the index's change log, so a process sees
what another one (`cozeplus worker`) wrote: `PRAGMA data_version` says when to look, the log says
which rows to read again.
"""

from __future__ import annotations

import json
import math
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from domain.common.fulltext import FieldType, IndexSpec, Language, SearchRequest, decode_cursor
from infra.fulltext.sqlite_filters import ValueColumn, evaluate
from infra.fulltext.sqlite_query import column, docs_table, ident, words_table

K1, B = 1.2, 0.75
LOG_KEEP = 200_000  # change-log entries kept; a mirror further behind is rebuilt from the tables
_CHUNK = 500
Floats = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]


def log_table(index: str) -> str:
    return ident(f"ft_{index}__log")


def create_log(conn: sqlite3.Connection, index: str) -> None:
    """The index's change log, started at the clock's microseconds: an index dropped and made again
    logs from a later number than its predecessor, so a mirror of the old one sees a gap and is read
    again instead of taking the new index's first entries for the next of the old one's."""
    table = log_table(index)
    conn.execute(f"CREATE TABLE IF NOT EXISTS {table} (seq INTEGER PRIMARY KEY AUTOINCREMENT, r INTEGER)")
    conn.execute(
        f"INSERT INTO {table} (seq, r) SELECT ?, NULL WHERE NOT EXISTS (SELECT 1 FROM {table})",
        (time.time_ns() // 1000,),
    )


def append_log(conn: sqlite3.Connection, index: str, rowids: Sequence[int]) -> None:
    """Record the written rows (call inside the write's transaction)."""
    table = log_table(index)
    conn.executemany(f"INSERT INTO {table} (r) VALUES (?)", ((r,) for r in rowids))
    conn.execute(f"DELETE FROM {table} WHERE seq <= (SELECT max(seq) FROM {table}) - ?", (LOG_KEEP,))


class Tokenizer:
    """FTS5's own tokenizers, run on scratch tables in the temp schema: terms exactly as indexed."""

    def __init__(self, conn: sqlite3.Connection, tokenizers: dict[Language, str]) -> None:
        self.conn = conn
        for language, spec in tokenizers.items():
            name = f"ft_scratch_{language.value}"
            escaped = spec.replace("'", "''")
            conn.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{name} USING fts5(w, tokenize='{escaped}')"
            )
            conn.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{name}_v "
                f"USING fts5vocab(temp, '{name}', 'instance')"
            )

    def terms(self, language: Language, texts: Iterable[tuple[int, str]]) -> dict[int, dict[str, int]]:
        """{key: {term: count}} for (key, word string) pairs."""
        name = f"temp.ft_scratch_{language.value}"
        self.conn.executemany(f"INSERT INTO {name} (rowid, w) VALUES (?, ?)", texts)
        out: dict[int, dict[str, int]] = {}
        for doc, term, count in self.conn.execute(
            f"SELECT doc, term, count(*) FROM {name}_v GROUP BY doc, term"
        ):
            out.setdefault(int(doc), {})[str(term)] = int(count)
        self.conn.execute(f"DELETE FROM {name}")
        return out


@dataclass
class _Postings:
    """A term's slots and counts: 8 bytes a posting (term counts are small integers, exact in float32)."""

    slots: npt.NDArray[np.int32] = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    tf: npt.NDArray[np.float32] = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    new_slots: list[int] = field(default_factory=list)
    new_tf: list[int] = field(default_factory=list)

    def arrays(self) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]]:
        if self.new_slots:
            self.slots = np.concatenate([self.slots, np.asarray(self.new_slots, dtype=np.int32)])
            self.tf = np.concatenate([self.tf, np.asarray(self.new_tf, dtype=np.float32)])
            self.new_slots, self.new_tf = [], []
        return self.slots, self.tf


class _Field:
    def __init__(self) -> None:
        self.postings: dict[str, _Postings] = {}
        self.lengths: list[int] = []  # tokens per slot (0: no text in this field)
        self.rows = 0  # live slots with text: FTS5's row count
        self.tokens = 0  # their tokens


class Mirror:
    """One index's postings and filter values, slot by slot (a rewritten document gets a new slot)."""

    def __init__(self, spec: IndexSpec) -> None:
        self.spec = spec
        self.seq = 0
        self.ids: list[str] = []
        self.alive: list[bool] = []
        self.slot_of: dict[int, int] = {}  # rowid -> live slot
        self.rowids: list[int] = []
        self.fields = {f.name: _Field() for f in spec.text_fields}
        self.values = {f.name: ValueColumn() for f in spec.fields if f.type is not FieldType.TEXT}
        self._arrays: dict[str, npt.NDArray[Any]] = {}  # numpy views of the lists, until the next write

    def _array(self, key: str, make: Callable[[], npt.NDArray[Any]]) -> npt.NDArray[Any]:
        found = self._arrays.get(key)
        if found is None:
            found = self._arrays[key] = make()
        return found

    @property
    def dead(self) -> int:
        return len(self.ids) - len(self.slot_of)

    def remove(self, rowid: int) -> None:
        slot = self.slot_of.pop(rowid, None)
        if slot is None:
            return
        self._arrays.clear()
        self.alive[slot] = False
        for text in self.fields.values():
            length = text.lengths[slot]
            if length:
                text.rows -= 1
                text.tokens -= length

    def add(
        self, rowid: int, doc_id: str, values: dict[str, object], terms: dict[str, dict[str, int]]
    ) -> None:
        self.remove(rowid)
        self._arrays.clear()
        slot = len(self.ids)
        self.ids.append(doc_id)
        self.alive.append(True)
        self.rowids.append(rowid)
        self.slot_of[rowid] = slot
        for name, column_values in self.values.items():
            column_values.append(values.get(name))
        for name, text in self.fields.items():
            counts = terms.get(name, {})
            length = sum(counts.values())
            text.lengths.append(length)
            if length:
                text.rows += 1
                text.tokens += length
            for term, count in counts.items():
                postings = text.postings.get(term)
                if postings is None:
                    postings = text.postings[term] = _Postings()
                postings.new_slots.append(slot)
                postings.new_tf.append(count)

    # ------------------------------------------------------------ search

    def search(
        self, request: SearchRequest, terms: list[str], searched: Sequence[str]
    ) -> list[tuple[int, str, float]]:
        """(rowid, id, score) of the page, best first, ties by id."""
        n = len(self.ids)
        alive = self._array("alive", lambda: np.asarray(self.alive, dtype=np.bool_))
        best = np.full(n, -np.inf)
        for name in searched:
            scores, matched = self._field_scores(name, terms, alive, request.match_all_words)
            best = np.where(matched & (scores > best), scores, best)
        keep = alive & np.isfinite(best)
        if request.filter is not None:
            keep &= evaluate(request.filter, self.values, n)
        if request.after is not None:
            last_score, last_id = decode_cursor(request.after)
            ids = self._array("ids", lambda: np.asarray(self.ids, dtype=object))
            keep &= (best < last_score) | ((best == last_score) & np.asarray(ids > last_id, dtype=np.bool_))
        want = request.offset + request.size
        candidates = np.flatnonzero(keep)
        if want == 0 or candidates.size == 0:
            return []
        if candidates.size > want:
            # Everything scoring at least the want-th best score: ties at the cut are ordered by id.
            cut = np.partition(best[candidates], candidates.size - want)[candidates.size - want]
            candidates = candidates[best[candidates] >= cut]
        ranked = sorted(candidates.tolist(), key=lambda s: (-best[s], self.ids[s]))
        page = ranked[request.offset : want]
        return [(self.rowids[s], self.ids[s], float(best[s])) for s in page]

    def _field_scores(self, name: str, terms: list[str], alive: Mask, all_words: bool) -> tuple[Floats, Mask]:
        text = self.fields[name]
        n = len(alive)
        scores = np.zeros(n)
        if text.rows == 0:
            return scores, np.zeros(n, dtype=np.bool_)
        norm = self._array(
            f"norm:{name}",
            lambda: K1 * (1 - B + B * np.asarray(text.lengths, dtype=np.float64) / (text.tokens / text.rows)),
        )
        hits = np.zeros(n, dtype=np.int32) if all_words else None
        superseded = self.dead > 0
        for term in terms:
            postings = text.postings.get(term)
            if postings is None:
                continue
            slots, tf = postings.arrays()
            if superseded:
                live = alive[slots]
                slots, tf = slots[live], tf[live]
            df = slots.size
            idf = math.log((text.rows - df + 0.5) / (df + 0.5))
            idf = idf if idf > 0 else 1e-6
            counts = tf.astype(np.float64)  # score in double precision, as FTS5 does
            scores[slots] += idf * counts * (K1 + 1) / (counts + norm[slots])
            if hits is not None:
                hits[slots] += 1
        # Every match scores above 0 (idf has a floor, as in FTS5), so any-word matches are scores > 0.
        return scores, (hits == len(terms)) if hits is not None else (scores > 0)


def build(conn: sqlite3.Connection, spec: IndexSpec) -> Mirror:
    """A mirror of the index as committed, read in one transaction (one snapshot)."""
    mirror = Mirror(spec)
    conn.execute("BEGIN")
    try:
        (seq,) = conn.execute(f"SELECT max(seq) FROM {log_table(spec.name)}").fetchone()
        mirror.seq = int(seq or 0)
        typed = list(mirror.values)
        select = ", ".join(["rowid", "id", *(column(name) for name in typed)])
        for row in conn.execute(f"SELECT {select} FROM {docs_table(spec.name)}"):
            mirror.add(int(row[0]), str(row[1]), dict(zip(typed, row[2:], strict=True)), {})
        for name, text in mirror.fields.items():
            _read_postings(conn, mirror, name, text)
    finally:
        conn.execute("COMMIT")
    return mirror


def _read_postings(conn: sqlite3.Connection, mirror: Mirror, name: str, text: _Field) -> None:
    vocab = "temp.ft_vocab_build"
    table = f"ft_{mirror.spec.name}__w_{name}"  # the raw name of words_table(...)
    conn.execute(f"DROP TABLE IF EXISTS {vocab}")
    conn.execute(f"CREATE VIRTUAL TABLE {vocab} USING fts5vocab(main, {_quote(table)}, 'instance')")
    lengths = np.zeros(len(mirror.ids), dtype=np.int64)
    rows = conn.execute(
        f"SELECT term, group_concat(doc), group_concat(n) FROM "
        f"(SELECT term, doc, count(*) AS n FROM {vocab} GROUP BY term, doc) GROUP BY term"
    )
    for term, docs, counts in rows:
        rowids = np.asarray(docs.split(","), dtype=np.int64).tolist()
        slots = np.asarray([mirror.slot_of[r] for r in rowids], dtype=np.int32)
        tf = np.asarray(counts.split(","), dtype=np.float32)
        text.postings[str(term)] = _Postings(slots, tf)
        lengths[slots] += tf.astype(np.int64)  # a term's slots are distinct
    conn.execute(f"DROP TABLE {vocab}")
    text.lengths = lengths.tolist()
    text.rows = int(np.count_nonzero(lengths))
    text.tokens = int(lengths.sum())


def refresh(conn: sqlite3.Connection, mirror: Mirror, tokenizer: Tokenizer) -> Mirror | None:
    """Apply what other connections logged since the mirror's last look; None: rebuild instead."""
    table = log_table(mirror.spec.name)
    # Two subqueries: SQLite answers a lone min() or max() from the key's b-tree, both at once by a scan.
    low, high = conn.execute(
        f"SELECT (SELECT min(seq) FROM {table}), (SELECT max(seq) FROM {table})"
    ).fetchone()
    if high is None or high < mirror.seq or (low is not None and low > mirror.seq + 1):
        return None if (high or 0) != mirror.seq else mirror
    changed = sorted(
        {
            int(r)
            for (r,) in conn.execute(f"SELECT r FROM {table} WHERE seq > ? AND r IS NOT NULL", (mirror.seq,))
        }
    )
    reload_rows(conn, mirror, tokenizer, changed)
    mirror.seq = int(high)
    return mirror


def reload_rows(conn: sqlite3.Connection, mirror: Mirror, tokenizer: Tokenizer, rowids: list[int]) -> None:
    """Read `rowids` back from the tables into the mirror (rows that are gone are removed)."""
    spec = mirror.spec
    typed = list(mirror.values)
    select = ", ".join(["rowid", "id", *(column(name) for name in typed)])
    for start in range(0, len(rowids), _CHUNK):
        chunk = rowids[start : start + _CHUNK]
        marks = json.dumps(chunk)
        docs: dict[int, tuple[Any, ...]] = {
            int(row[0]): row
            for row in conn.execute(
                f"SELECT {select} FROM {docs_table(spec.name)} "
                "WHERE rowid IN (SELECT value FROM json_each(?))",
                (marks,),
            )
        }
        terms: dict[int, dict[str, dict[str, int]]] = {}
        for f in spec.text_fields:
            words = conn.execute(
                f"SELECT rowid, w FROM {words_table(spec.name, f.name)} "
                "WHERE rowid IN (SELECT value FROM json_each(?))",
                (marks,),
            ).fetchall()
            for rowid, counts in tokenizer.terms(f.language, words).items():
                terms.setdefault(rowid, {})[f.name] = counts
        for rowid in chunk:
            row = docs.get(rowid)
            if row is None:
                mirror.remove(rowid)
            else:
                values = dict(zip(typed, row[2:], strict=True))
                mirror.add(rowid, str(row[1]), values, terms.get(rowid, {}))


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
