"""The SQLite full-text index's read path: a search request as SQL over FTS5 (BM25), or a top-k
page from the in-memory mirrors, then the stored documents, highlights and the next cursor."""

from __future__ import annotations

import json
import sqlite3

from domain.common.fulltext import Hit, IndexSpec, SearchRequest, SearchResult, decode_cursor, encode_cursor
from infra.fulltext import analysis
from infra.fulltext.sqlite_mirrors import Mirrors
from infra.fulltext.sqlite_query import docs_table, match_expression, where, words_table
from infra.fulltext.sqlite_store import stored_fields


def search(
    conn: sqlite3.Connection, mirrors: Mirrors, spec: IndexSpec, request: SearchRequest
) -> SearchResult:
    docs = docs_table(spec.name)
    params: list[object] = []
    words = analysis.query_words(request.text)
    if request.text.strip() and not words:
        return SearchResult(total=0, hits=[], next_cursor=None)
    expression = match_expression(words, all_words=request.match_all_words) if words else ""
    if words and not request.exact_total:
        page = mirrors.search(spec, request, words)
        if page is not None:
            return _page(conn, spec, request, expression, page)
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
        Hit(id=doc_id, score=float(s), fields=stored_fields(spec, json.loads(raw)))
        for _, doc_id, raw, s, _ in rows
    ]
    if request.highlight is not None and words and rows:
        _highlight(conn, spec, request, expression, [r[0] for r in rows], hits)
    cursor = encode_cursor([hits[-1].score, hits[-1].id]) if hits and len(hits) == request.size else None
    return SearchResult(total=int(total), hits=hits, next_cursor=cursor, total_exact=request.exact_total)


def _page(
    conn: sqlite3.Connection,
    spec: IndexSpec,
    request: SearchRequest,
    expression: str,
    page: list[tuple[int, str, float]],
) -> SearchResult:
    """A top-k page ranked in memory: its documents, highlights and cursor."""
    rowids = [rowid for rowid, _, _ in page]
    stored = dict(
        conn.execute(
            f"SELECT rowid, doc FROM {docs_table(spec.name)} WHERE rowid IN (SELECT value FROM json_each(?))",
            (json.dumps(rowids),),
        ).fetchall()
    )
    hits = [
        Hit(id=doc_id, score=score, fields=stored_fields(spec, json.loads(stored[r])))
        for r, doc_id, score in page
    ]
    if request.highlight is not None and hits:
        _highlight(conn, spec, request, expression, rowids, hits)
    cursor = encode_cursor([hits[-1].score, hits[-1].id]) if hits and len(hits) == request.size else None
    return SearchResult(total=request.offset + len(hits), hits=hits, next_cursor=cursor, total_exact=False)


def _highlight(
    conn: sqlite3.Connection,
    spec: IndexSpec,
    request: SearchRequest,
    expression: str,
    rowids: list[int],
    hits: list[Hit],
) -> None:
    assert request.highlight is not None
    hl = request.highlight
    by_rowid = dict(zip(rowids, hits, strict=True))
    for name in hl.fields or request.searched_fields(spec):
        table = words_table(spec.name, name)
        rows = conn.execute(
            f"SELECT rowid, highlight({table}, 0, ?, ?) FROM {table} WHERE {table} MATCH ? "
            "AND rowid IN (SELECT value FROM json_each(?))",
            (analysis.MARK_OPEN, analysis.MARK_CLOSE, expression, json.dumps(rowids)),
        )
        for rowid, marked in rows:
            hit = by_rowid[rowid]
            original = hit.fields.get(name)
            if isinstance(original, str):
                text = analysis.highlight(original, marked, hl.pre_tag, hl.post_tag, escape=hl.escape_html)
                if text is not None:
                    hit.highlights[name] = text
