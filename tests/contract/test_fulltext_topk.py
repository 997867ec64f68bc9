"""The embedded index's top-k mode: the in-memory mirror stays true to the FTS5 tables.

Two adapters on one file stand for `cozeplus serve` and `cozeplus worker`: each has its own SQLite
connection, so one sees the other's writes only through the file.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from domain.common.fulltext import Document, FieldSpec, FieldType, IndexSpec, Language, SearchRequest, Term
from infra.fulltext.sqlite_fts import SqliteFullTextIndex

SPEC = IndexSpec(
    "chunks",
    (
        FieldSpec("content", FieldType.TEXT, Language.ENGLISH),
        FieldSpec("dataset", FieldType.KEYWORD),
    ),
)


@pytest.fixture
async def pair(tmp_path: Path) -> AsyncIterator[tuple[SqliteFullTextIndex, SqliteFullTextIndex]]:
    writer, reader = SqliteFullTextIndex(tmp_path / "ft.db"), SqliteFullTextIndex(tmp_path / "ft.db")
    await writer.start()
    await writer.create_index(SPEC)
    await reader.start()
    try:
        yield writer, reader
    finally:
        await reader.stop()
        await writer.stop()


def chunk(doc_id: str, text: str, dataset: str = "kb1") -> Document:
    return Document(doc_id, {"content": text, "dataset": dataset})


async def top(engine: SqliteFullTextIndex, text: str, dataset: str = "kb1") -> list[str]:
    request = SearchRequest(text=text, filter=Term("dataset", dataset), exact_total=False)
    return [h.id for h in (await engine.search("chunks", request)).hits]


async def test_a_reader_sees_what_another_connection_writes(
    pair: tuple[SqliteFullTextIndex, SqliteFullTextIndex],
) -> None:
    writer, reader = pair
    await writer.upsert("chunks", [chunk("a", "alpha beta"), chunk("b", "beta gamma")])
    assert await top(reader, "beta") == ["a", "b"]  # equal scores: by id
    assert reader.mirrors.ready("chunks")  # answered from memory, not by FTS5
    await writer.upsert("chunks", [chunk("a", "delta only"), chunk("c", "gamma gamma", "kb2")])
    assert await top(reader, "alpha") == []
    assert await top(reader, "delta") == ["a"]
    assert await top(reader, "gamma") == ["b"]
    assert await top(reader, "gamma", "kb2") == ["c"]
    await writer.delete("chunks", ["b"])
    assert await top(reader, "gamma") == []


async def test_a_recreated_index_is_read_again(
    pair: tuple[SqliteFullTextIndex, SqliteFullTextIndex],
) -> None:
    writer, reader = pair
    await writer.upsert("chunks", [chunk("old", "shared word")])
    assert await top(reader, "shared") == ["old"]
    await writer.drop_index("chunks")
    await writer.create_index(SPEC)
    await writer.upsert("chunks", [chunk("new", "shared word")])
    assert await top(reader, "shared") == ["new"]


async def test_a_large_index_answers_exactly_while_it_is_read_apart(tmp_path: Path) -> None:
    engine = SqliteFullTextIndex(tmp_path / "ft.db", topk_inline_docs=0)
    await engine.start()
    try:
        await engine.create_index(SPEC)
        await engine.upsert("chunks", [chunk(f"d{i}", f"word{i % 7} common") for i in range(50)])
        first = await top(engine, "word3")  # starts reading the index on a thread of its own
        assert not engine.mirrors.ready("chunks")
        assert first == [f"d{i}" for i in sorted(range(3, 50, 7), key=str)]
        await engine.upsert("chunks", [chunk("d0", "word3 rewritten")])  # while it may still be reading
        await engine.warm_topk("chunks")
        assert engine.mirrors.ready("chunks")
        await engine.upsert("chunks", [chunk("late", "word3 word3")])
        assert (await top(engine, "word3"))[:2] == ["late", "d0"]
        assert "d0" not in await top(engine, "word0")
    finally:
        await engine.stop()


async def test_random_corpus_ranks_as_fts5_does(tmp_path: Path) -> None:
    rng = random.Random(5)
    words = [f"w{i}" for i in range(60)] + ["知识库", "检索", "生成", "发票", "付款"]
    weights = [1 / (r + 1) for r in range(len(words))]
    engine = SqliteFullTextIndex(tmp_path / "ft.db")
    await engine.start()
    try:
        await engine.create_index(SPEC)
        docs = [
            chunk(f"c{i}", " ".join(rng.choices(words, weights, k=rng.randint(3, 40))), f"kb{i % 3}")
            for i in range(400)
        ]
        await engine.upsert("chunks", docs)
        await engine.upsert("chunks", docs[::7])  # rewritten documents get new slots in memory
        for _ in range(40):
            text = " ".join(rng.choices(words, weights, k=rng.randint(1, 6)))
            request = SearchRequest(text=text, filter=Term("dataset", "kb1"), size=10)
            exact = await engine.search("chunks", request)
            fast = await engine.search("chunks", SearchRequest(**{**_fields(request), "exact_total": False}))
            assert [h.id for h in fast.hits] == [h.id for h in exact.hits], text
            assert [h.score for h in fast.hits] == pytest.approx([h.score for h in exact.hits], rel=1e-6)
    finally:
        await engine.stop()


def _fields(request: SearchRequest) -> dict[str, object]:
    return {name: getattr(request, name) for name in SearchRequest.__dataclass_fields__}
