"""Contract for the full-text index port, run against every adapter: SQLite FTS5 and the ES API."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from domain.common.errors import InvalidInput
from domain.common.fulltext import (
    And,
    Document,
    FieldSpec,
    FieldType,
    FullTextIndex,
    FullTextIndexExists,
    FullTextIndexNotFound,
    Highlight,
    IndexSpec,
    Language,
    Not,
    Or,
    Range,
    SearchRequest,
    Term,
    Terms,
)
from infra.fulltext.elasticsearch import ElasticsearchFullTextIndex
from infra.fulltext.sqlite_fts import SqliteFullTextIndex
from tests.support.servers import server_url

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)

SPEC_FIELDS = (
    FieldSpec("title", FieldType.TEXT, Language.ENGLISH),
    FieldSpec("body", FieldType.TEXT, Language.CHINESE),
    FieldSpec("space", FieldType.KEYWORD),
    FieldSpec("rank", FieldType.INTEGER),
    FieldSpec("weight", FieldType.FLOAT),
    FieldSpec("public", FieldType.BOOLEAN),
    FieldSpec("created", FieldType.DATE),
)


@pytest.fixture(params=["sqlite-fts5", "elasticsearch"])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[FullTextIndex]:
    adapter: SqliteFullTextIndex | ElasticsearchFullTextIndex
    if request.param == "sqlite-fts5":
        adapter = SqliteFullTextIndex(tmp_path / "fulltext.db")
    else:
        adapter = ElasticsearchFullTextIndex(server_url("COZEPLUS_TEST_ES_URL"), content_type="plain-json")
    await adapter.start()
    try:
        yield adapter
    finally:
        await adapter.stop()


@pytest.fixture
async def index(engine: FullTextIndex) -> AsyncIterator[str]:
    name = f"t-{uuid.uuid4().hex[:12]}"  # unique: parallel runs share the ES-API server
    await engine.create_index(IndexSpec(name, SPEC_FIELDS))
    try:
        yield name
    finally:
        await engine.drop_index(name)


def doc(
    doc_id: str, title: str, body: str = "", *, space: str = "s1", rank: int = 0, public: bool = True
) -> Document:
    return Document(
        doc_id,
        {
            "title": title,
            "body": body,
            "space": space,
            "rank": rank,
            "weight": rank / 2,
            "public": public,
            "created": T0 + timedelta(days=rank),
        },
    )


async def ids(engine: FullTextIndex, index: str, request: SearchRequest) -> list[str]:
    return [h.id for h in (await engine.search(index, request)).hits]


async def test_create_exists_drop_and_duplicate(engine: FullTextIndex) -> None:
    name = f"t-{uuid.uuid4().hex[:12]}"
    spec = IndexSpec(name, SPEC_FIELDS)
    assert not await engine.index_exists(name)
    await engine.create_index(spec)
    try:
        assert await engine.index_exists(name)
        with pytest.raises(FullTextIndexExists):
            await engine.create_index(spec)
        await engine.create_index(spec, exist_ok=True)  # same mapping: fine
        with pytest.raises(FullTextIndexExists):
            await engine.create_index(IndexSpec(name, SPEC_FIELDS[:2]), exist_ok=True)
    finally:
        await engine.drop_index(name)
    assert not await engine.index_exists(name)
    await engine.drop_index(name)  # dropping a missing index is not an error


async def test_unknown_index_is_an_error(engine: FullTextIndex) -> None:
    with pytest.raises(FullTextIndexNotFound):
        await engine.search("no-such-index-x1", SearchRequest(text="x"))
    with pytest.raises(FullTextIndexNotFound):
        await engine.upsert("no-such-index-x1", [doc("1", "a")])
    with pytest.raises(InvalidInput):
        await engine.search("Bad Name!", SearchRequest(text="x"))


async def test_upsert_overwrites_and_roundtrips_typed_fields(engine: FullTextIndex, index: str) -> None:
    assert await engine.upsert(index, [doc("a", "Alpha report", rank=3), doc("b", "Beta report")]) == 2
    await engine.upsert(index, [Document("a", {"title": "Gamma notes", "rank": 7, "created": T0})])
    result = await engine.search(index, SearchRequest(text="alpha"))
    assert result.total == 0
    result = await engine.search(index, SearchRequest(text="gamma"))
    assert [h.id for h in result.hits] == ["a"]
    fields = result.hits[0].fields
    assert fields["title"] == "Gamma notes"
    assert fields["rank"] == 7
    assert fields["created"] == T0
    assert fields["space"] is None  # a replaced document loses fields it no longer has
    b = (await engine.search(index, SearchRequest(text="beta"))).hits[0].fields
    assert b["public"] is True
    assert b["weight"] == 0.0
    assert isinstance(b["weight"], float)


async def test_rejects_undeclared_fields_and_wrong_types(engine: FullTextIndex, index: str) -> None:
    with pytest.raises(InvalidInput):
        await engine.upsert(index, [Document("x", {"nope": "1"})])
    with pytest.raises(InvalidInput):
        await engine.upsert(index, [Document("x", {"rank": "seven"})])
    with pytest.raises(InvalidInput):
        await engine.upsert(index, [Document("x", {"created": datetime(2024, 1, 1)})])  # naive
    with pytest.raises(InvalidInput):
        await engine.search(index, SearchRequest(filter=Term("title", "x")))  # text fields are not filters
    with pytest.raises(InvalidInput):
        await engine.search(index, SearchRequest(filter=Term("rank", "1")))


async def test_delete_by_id_and_by_filter(engine: FullTextIndex, index: str) -> None:
    await engine.upsert(
        index, [doc(str(i), f"note {i}", rank=i, space="s1" if i < 6 else "s2") for i in range(10)]
    )
    assert await engine.delete(index, ["0", "1", "missing"]) == 2
    assert await engine.delete_by_filter(index, And((Term("space", "s1"), Range("rank", gte=4)))) == 2
    remaining = await ids(engine, index, SearchRequest(size=50))
    assert sorted(remaining) == ["2", "3", "6", "7", "8", "9"]
    assert (await engine.search(index, SearchRequest(text="note"))).total == 6


async def test_english_matching(engine: FullTextIndex, index: str) -> None:
    await engine.upsert(
        index,
        [
            doc("1", "Running the indexing jobs"),
            doc("2", "He runs the index"),
            doc("3", "Cooking recipes"),
        ],
    )
    # Porter stemming on `en` fields: run/running/runs meet, index/indexing meet.
    assert sorted(await ids(engine, index, SearchRequest(text="runs"))) == ["1", "2"]
    assert sorted(await ids(engine, index, SearchRequest(text="INDEXES"))) == ["1", "2"]
    assert await ids(engine, index, SearchRequest(text="running jobs", match_all_words=True)) == ["1"]
    assert sorted(await ids(engine, index, SearchRequest(text="jobs recipes"))) == ["1", "3"]


async def test_chinese_words(engine: FullTextIndex, index: str) -> None:
    await engine.upsert(
        index,
        [
            doc("zh1", "RAG", "知识库检索增强生成"),
            doc("zh2", "other", "今天天气很好，我们去公园散步"),
            doc("mix", "mixed", "用Python构建知识库"),
        ],
    )
    assert sorted(await ids(engine, index, SearchRequest(text="知识库"))) == ["mix", "zh1"]
    assert await ids(engine, index, SearchRequest(text="检索增强", match_all_words=True)) == ["zh1"]
    assert await ids(engine, index, SearchRequest(text="公园", fields=("body",))) == ["zh2"]
    assert await ids(engine, index, SearchRequest(text="python")) == ["mix"]
    # Words are words: a single character inside a longer word does not match it.
    assert await ids(engine, index, SearchRequest(text="库")) == []


async def test_filters(engine: FullTextIndex, index: str) -> None:
    docs = [doc(str(i), f"report {i}", rank=i, space=f"s{i % 3}", public=i % 2 == 0) for i in range(12)]
    await engine.upsert(index, docs)

    async def match(flt: object) -> list[str]:
        found = await ids(engine, index, SearchRequest(text="report", filter=flt, size=50))  # type: ignore[arg-type]
        return sorted(found, key=lambda i: (not i.isdigit(), int(i) if i.isdigit() else 0))

    assert await match(Term("space", "s1")) == ["1", "4", "7", "10"]
    assert await match(Terms("rank", (2, 3, 99))) == ["2", "3"]
    assert await match(Range("rank", gt=8)) == ["9", "10", "11"]
    assert await match(Range("weight", gte=1.0, lt=2.0)) == ["2", "3"]
    assert await match(Range("created", lte=T0 + timedelta(days=1))) == ["0", "1"]
    assert await match(Term("public", False)) == ["1", "3", "5", "7", "9", "11"]
    assert await match(Or((Term("rank", 1), And((Term("space", "s2"), Range("rank", lt=6)))))) == [
        "1",
        "2",
        "5",
    ]
    assert await match(And((Not(Term("space", "s0")), Range("rank", lte=4)))) == ["1", "2", "4"]
    # A document without the field matches a negated filter on it (must_not semantics).
    await engine.upsert(index, [Document("x", {"title": "report without space"})])
    assert "x" in await match(Not(Term("space", "s0")))
    # Filter-only listing: no query text.
    assert (await engine.search(index, SearchRequest(filter=Term("space", "s2")))).total == 4


async def test_highlight_marks_words_in_the_original_text(engine: FullTextIndex, index: str) -> None:
    await engine.upsert(index, [doc("h", "Running <fast> & far", "我们的知识库检索增强生成，很好用")])
    result = await engine.search(index, SearchRequest(text="run 知识库", highlight=Highlight()))
    hl = result.hits[0].highlights
    assert hl["title"] == "<em>Running</em> &lt;fast&gt; &amp; far"
    assert hl["body"] == "我们的<em>知识库</em>检索增强生成，很好用"
    raw = await engine.search(
        index, SearchRequest(text="fast", highlight=Highlight(("title",), "[", "]", escape_html=False))
    )
    assert raw.hits[0].highlights == {"title": "Running <[fast]> & far"}


async def walk(engine: FullTextIndex, index: str, request: SearchRequest) -> list[str]:
    """Every id, following next_cursor from the first page to the last."""
    page = await engine.search(index, request)
    seen = [h.id for h in page.hits]
    while page.next_cursor is not None:
        page = await engine.search(index, replace(request, after=page.next_cursor))
        seen += [h.id for h in page.hits]
    return seen


async def is_osmem(engine: FullTextIndex) -> bool:
    if not isinstance(engine, ElasticsearchFullTextIndex):
        return False
    return (await engine.client.info()).get("cluster_name") == "osmem"


async def test_offset_pages_without_duplicates(engine: FullTextIndex, index: str) -> None:
    # Equal scores everywhere: ties must be broken by id for pages to be stable.
    await engine.upsert(index, [doc(f"d{i:03d}", "same words here", rank=i) for i in range(45)])
    assert (await engine.search(index, SearchRequest(text="words", size=10))).total == 45
    by_offset: list[str] = []
    for offset in range(0, 45, 10):
        by_offset += await ids(engine, index, SearchRequest(text="words", size=10, offset=offset))
    assert by_offset == sorted(by_offset)
    assert len(set(by_offset)) == 45
    with pytest.raises(InvalidInput):
        await engine.search(index, SearchRequest(text="words", after="not-a-cursor"))
    with pytest.raises(InvalidInput):
        await engine.search(index, SearchRequest(text="words", size=5000))


async def test_cursor_pages_of_a_filtered_listing(engine: FullTextIndex, index: str) -> None:
    await engine.upsert(index, [doc(f"d{i:03d}", f"item {i}", rank=i, space=f"s{i % 2}") for i in range(45)])
    seen = await walk(engine, index, SearchRequest(filter=Term("space", "s0"), size=7))
    assert seen == [f"d{i:03d}" for i in range(0, 45, 2)]


async def test_cursor_pages_by_relevance(engine: FullTextIndex, index: str) -> None:
    if await is_osmem(engine):
        pytest.xfail(
            "osmem prints scores rounded to 8 digits but compares search_after in float64, "
            "so score cursors repeat or skip ties; real Elasticsearch round-trips float32 scores"
        )
    docs = [
        doc(f"d{i:03d}", "same words here" if i % 3 else "same words here words", rank=i) for i in range(45)
    ]
    await engine.upsert(index, docs)
    seen = await walk(engine, index, SearchRequest(text="words", size=10))
    assert len(seen) == 45
    assert len(set(seen)) == 45
    assert set(seen[:15]) == {f"d{i:03d}" for i in range(0, 45, 3)}  # the better matches first


@pytest.mark.parametrize(
    "hostile",
    [
        '"unbalanced',
        "title:secret OR body:*",
        "NEAR(a b, 2)",
        "a AND NOT b",
        "* ^ - + ( ) { } [ ] ~ : \\ /",
        "secret*",
        "'; DROP TABLE x; --",
        '{"match_all": {}}',
    ],
)
async def test_hostile_query_text_is_words_not_syntax(
    engine: FullTextIndex, index: str, hostile: str
) -> None:
    await engine.upsert(index, [doc("1", "secret plans"), doc("2", "public notes")])
    result = await engine.search(index, SearchRequest(text=hostile, highlight=Highlight()))
    # Only documents that contain one of the words of the string can match; nothing is a wildcard.
    assert {h.id for h in result.hits} <= {"1"}
    assert (await engine.search(index, SearchRequest(text="secret"))).total == 1


# ---------------------------------------------------------------- top-k mode (retrieval)

TOPK_DOCS = [
    doc("k01", "Invoice overdue reminder", "发票已经逾期，请尽快付款", space="s1", rank=1),
    doc("k02", "Invoice paid in March", "三月份的发票已经支付", space="s1", rank=2),
    doc("k03", "Running invoices through the pipeline", "知识库检索增强生成", space="s2", rank=3),
    doc("k04", "Lunch menu", "今天天气很好", space="s1", rank=4),
    doc("k05", "Invoice invoice invoice", "发票", space="s2", rank=5),
    doc("k06", "The same words here", "相同的词", space="s1", rank=6),
    doc("k07", "The same words here", "相同的词", space="s1", rank=7),
    Document("k08", {"title": "Invoice without a space", "rank": 8}),
]


@pytest.mark.parametrize(
    "request_",
    [
        SearchRequest(text="invoice 发票"),
        SearchRequest(text="invoices overdue", filter=Term("space", "s1")),
        SearchRequest(text="invoice paid", match_all_words=True),
        SearchRequest(text="same words", size=1, offset=1),
        SearchRequest(text="invoice", filter=Not(Term("space", "s2")), size=3),
        SearchRequest(text="invoice 知识库", fields=("body",)),
        SearchRequest(text="nothing-matches-this"),
    ],
    ids=["any-words", "filtered", "all-words", "tie-by-id-offset", "not-missing", "one-field", "none"],
)
async def test_top_k_mode_ranks_like_the_exact_mode(
    engine: FullTextIndex, index: str, request_: SearchRequest
) -> None:
    await engine.upsert(index, TOPK_DOCS)
    exact = await engine.search(index, request_)
    top = await engine.search(index, replace(request_, exact_total=False))
    assert [h.id for h in top.hits] == [h.id for h in exact.hits]
    assert [h.score for h in top.hits] == pytest.approx([h.score for h in exact.hits], rel=1e-6)
    assert [h.fields for h in top.hits] == [h.fields for h in exact.hits]
    assert exact.total_exact and not top.total_exact
    assert top.total == request_.offset + len(top.hits) <= exact.total


async def test_top_k_mode_sees_every_write(engine: FullTextIndex, index: str) -> None:
    async def found(text: str) -> list[str]:
        return await ids(engine, index, SearchRequest(text=text, exact_total=False))

    await engine.upsert(index, TOPK_DOCS)
    assert await found("pipeline") == ["k03"]
    await engine.upsert(index, [doc("k03", "Renamed note"), doc("k09", "Another pipeline")])
    assert await found("pipeline") == ["k09"]
    assert await found("renamed") == ["k03"]
    await engine.delete(index, ["k09"])
    await engine.delete_by_filter(index, Term("space", "s2"))
    assert await found("pipeline") == []
    assert "k05" not in await found("invoice")


async def test_top_k_mode_highlights_and_pages(engine: FullTextIndex, index: str) -> None:
    if await is_osmem(engine):
        pytest.xfail("osmem compares score cursors in float64 (see test_cursor_pages_by_relevance)")
    await engine.upsert(
        index, [doc(f"d{i:03d}", "same words here" + " words" * (i % 3), rank=i) for i in range(25)]
    )
    seen = await walk(engine, index, SearchRequest(text="words", size=4, exact_total=False))
    assert seen == await ids(engine, index, SearchRequest(text="words", size=25))
    result = await engine.search(index, SearchRequest(text="here", highlight=Highlight(), exact_total=False))
    assert result.hits[0].highlights["title"].startswith("same words <em>here</em>")
