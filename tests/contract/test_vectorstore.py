"""The VectorStore contract, run against the flat store (embedded default), milvus-lite embedded and a
Milvus gRPC server.

The gRPC server is `milvus-lite server` from scripts/services.py (COZEPLUS_TEST_MILVUS_URI); a real
Milvus 2.x can be added with COZEPLUS_TEST_MILVUS_REAL_URI (dense features only before 2.5).
"""

from __future__ import annotations

import math
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from domain.common.vector_filters import And, Eq, In, InvalidVectorRequest, Not, Or, Range
from domain.common.vectors import (
    CollectionSpec,
    FieldType,
    Metric,
    Rrf,
    ScalarField,
    VectorCollectionExists,
    VectorCollectionNotFound,
    VectorFeatureUnsupported,
    VectorRecord,
    Weighted,
)
from infra.vectorstore.flat import FlatVectorStore
from infra.vectorstore.milvus import MilvusVectorStore
from tests.support.servers import server_url

REAL_MILVUS_ENV = "COZEPLUS_TEST_MILVUS_REAL_URI"
ADAPTERS = [
    "flat",
    "milvus-lite",
    "milvus-grpc",
    pytest.param(
        "milvus-real",
        marks=pytest.mark.skipif(not os.environ.get(REAL_MILVUS_ENV), reason=f"{REAL_MILVUS_ENV} not set"),
    ),
]
DIM = 8
Store = FlatVectorStore | MilvusVectorStore


@pytest.fixture(scope="session", params=ADAPTERS)
async def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Store]:
    vectors: Store
    if request.param == "flat":
        vectors = FlatVectorStore(tmp_path_factory.mktemp("flat") / "vectors")
    elif request.param == "milvus-lite":
        uri = str(Path(tmp_path_factory.mktemp("milvus")) / "milvus.db")
    elif request.param == "milvus-grpc":
        uri = server_url("COZEPLUS_TEST_MILVUS_URI")
    else:
        uri = os.environ[REAL_MILVUS_ENV]
    if request.param != "flat":
        vectors = MilvusVectorStore(uri)
    await vectors.start()
    ok, detail = await vectors.check()
    assert ok, detail
    yield vectors
    await vectors.stop()


Make = Callable[..., Awaitable[CollectionSpec]]


@pytest.fixture
async def make(store: Store) -> AsyncIterator[Make]:
    """Create uniquely named collections (parallel runs never collide) and drop them afterwards."""
    created: list[str] = []

    async def create(
        dimension: int = DIM,
        metric: Metric = Metric.COSINE,
        fields: tuple[ScalarField, ...] = (),
        text_max_length: int | None = None,
    ) -> CollectionSpec:
        spec = CollectionSpec(f"ct_{uuid.uuid4().hex[:12]}", dimension, metric, fields, text_max_length)
        created.append(spec.name)
        await store.create_collection(spec)
        return spec

    yield create
    for name in created:
        await store.drop_collection(name)


def unit(i: int, dim: int = DIM) -> list[float]:
    """A distinct direction per i, so nearest-neighbour answers are unambiguous."""
    vector = [0.05] * dim
    vector[i % dim] = 1.0
    vector[(i + 1) % dim] = 0.1 * (i // dim)
    return vector


TYPED = (
    ScalarField("kind", FieldType.STRING, max_length=64),
    ScalarField("n", FieldType.INT),
    ScalarField("w", FieldType.FLOAT),
    ScalarField("ok", FieldType.BOOL),
)


# ---------------------------------------------------------------- lifecycle


async def test_collection_lifecycle(store: Store, make: Make) -> None:
    spec = await make(
        fields=(ScalarField("space", FieldType.INT, partition_key=True), *TYPED), metric=Metric.IP
    )
    assert await store.has_collection(spec.name)
    if isinstance(store, MilvusVectorStore):
        store._specs.clear()  # read the spec back from the server, not from this process' cache
    assert await store.describe_collection(spec.name) == spec
    with pytest.raises(VectorCollectionExists):
        await store.create_collection(spec)
    assert await store.drop_collection(spec.name) is True
    assert not await store.has_collection(spec.name)
    assert await store.drop_collection(spec.name) is False
    with pytest.raises(VectorCollectionNotFound):
        await store.describe_collection(spec.name)


async def test_upsert_overwrites_by_id(store: Store, make: Make) -> None:
    spec = await make(fields=TYPED)
    first = VectorRecord("doc-1", unit(0), {"kind": "a", "n": 1, "w": 0.5, "ok": True})
    assert (
        await store.upsert(spec.name, [first, VectorRecord("doc-2", unit(1), {**first.fields, "n": 2})]) == 2
    )
    changed = VectorRecord("doc-1", unit(3), {"kind": "b", "n": 10, "w": 1.5, "ok": False})
    await store.upsert(spec.name, [changed])
    assert await store.count(spec.name) == 2
    [got] = await store.get(spec.name, ["doc-1"])
    assert got.fields == changed.fields
    assert got.vector == pytest.approx(changed.vector)
    hits = await store.search(spec.name, unit(3), top_k=1)
    assert hits[0].id == "doc-1"
    assert hits[0].fields["kind"] == "b"


# ---------------------------------------------------------------- filters


TRICKY = [
    'say "hi"',
    "back\\slash",
    'end\\"',
    "tab\there",
    "new\nline",
    "中文 text",
    'x" or n >= 0 or kind == "',
]


async def _fill(store: Store, spec: CollectionSpec) -> CollectionSpec:
    records = [
        VectorRecord(f"r{i}", unit(i), {"kind": ["a", "b", "c"][i % 3], "n": i, "w": i / 4, "ok": i % 2 == 0})
        for i in range(12)
    ]
    records += [
        VectorRecord(f"t{i}", unit(i + 3), {"kind": value, "n": 100 + i, "w": 0.0, "ok": False})
        for i, value in enumerate(TRICKY)
    ]
    await store.upsert(spec.name, records)
    return spec


@pytest.fixture(scope="session")
async def shared(store: Store) -> AsyncIterator[CollectionSpec]:
    """One filled collection per adapter for the read-only tests (creating one costs ~0.5 s)."""
    spec = CollectionSpec(f"ct_{uuid.uuid4().hex[:12]}", DIM, Metric.COSINE, TYPED)
    await store.create_collection(spec)
    yield await _fill(store, spec)
    await store.drop_collection(spec.name)


@pytest.fixture
async def filled(store: Store, make: Make) -> CollectionSpec:
    return await _fill(store, await make(fields=TYPED))


@pytest.mark.parametrize(
    ("where", "ids"),
    [
        (Eq("kind", "a"), {"r0", "r3", "r6", "r9"}),
        (Eq("n", 4), {"r4"}),
        (Eq("ok", True), {"r0", "r2", "r4", "r6", "r8", "r10"}),
        (Eq("w", 0.75), {"r3"}),
        (In("n", [1, 2, 99]), {"r1", "r2"}),
        (In("id", ["r5", "t0", "missing"]), {"r5", "t0"}),
        (Range("n", gte=9, lt=12), {"r9", "r10", "r11"}),
        (Range("w", gt=2.5, lte=100), {"r11"}),
        (And(Eq("kind", "b"), Range("n", lt=6)), {"r1", "r4"}),
        (Or(Eq("n", 0), Eq("n", 11)), {"r0", "r11"}),
        (And(Not(Eq("ok", True)), Range("n", lt=12)), {"r1", "r3", "r5", "r7", "r9", "r11"}),
    ],
)
async def test_filter_operators(store: Store, shared: CollectionSpec, where: object, ids: set[str]) -> None:
    hits = await store.search(shared.name, unit(0), top_k=50, where=where)  # type: ignore[arg-type]
    assert {h.id for h in hits} == ids
    assert await store.count(shared.name, where) == len(ids)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", TRICKY)
async def test_quotes_and_backslashes_match_literally(
    store: Store, shared: CollectionSpec, value: str
) -> None:
    hits = await store.search(shared.name, unit(0), top_k=50, where=Eq("kind", value))
    assert [h.id for h in hits] == [f"t{TRICKY.index(value)}"]
    assert hits[0].fields["kind"] == value


async def test_unknown_field_is_refused(store: Store, shared: CollectionSpec) -> None:
    with pytest.raises(InvalidVectorRequest, match="unknown field"):
        await store.search(shared.name, unit(0), where=Eq("secret", 1))
    with pytest.raises(InvalidVectorRequest, match="unknown field"):
        await store.delete(shared.name, Eq("n == 1 or id", "x"))
    assert await store.count(shared.name) == 12 + len(TRICKY)


async def test_delete_by_filter(store: Store, filled: CollectionSpec) -> None:
    await store.delete(filled.name, Or(Eq("kind", "a"), Range("n", gte=100)))
    assert await store.count(filled.name) == 8
    assert await store.count(filled.name, Eq("kind", "a")) == 0
    await store.delete(filled.name, Eq("kind", "no such kind"))
    assert await store.count(filled.name) == 8
    remaining = {h.id for h in await store.search(filled.name, unit(0), top_k=50)}
    assert remaining == {f"r{i}" for i in range(12) if i % 3 != 0}


# ---------------------------------------------------------------- ordering


@pytest.mark.parametrize("metric", list(Metric))
async def test_top_k_is_ordered_best_first(store: Store, make: Make, metric: Metric) -> None:
    spec = await make(metric=metric)
    # r_i = (10 - i, i, 0, ...) against q = (10, 0, ...): cosine and inner product fall and the L2
    # distance grows with i, so every metric must answer r0, r1, r2, ...
    records = [VectorRecord(f"r{i}", [10.0 - i, float(i)] + [0.0] * (DIM - 2)) for i in range(10)]
    await store.upsert(spec.name, list(reversed(records)))
    await store.flush(spec.name)
    hits = await store.search(spec.name, [10.0] + [0.0] * (DIM - 1), top_k=4)
    assert [h.id for h in hits] == ["r0", "r1", "r2", "r3"]
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert len(set(scores)) == 4


# ---------------------------------------------------------------- tenants


async def test_partition_key_keeps_tenants_apart(store: Store, make: Make) -> None:
    spec = await make(fields=(ScalarField("space", FieldType.STRING, max_length=32, partition_key=True),))
    for space in ("alpha", "beta"):
        await store.upsert(
            spec.name, [VectorRecord(f"{space}-{i}", unit(i), {"space": space}) for i in range(6)]
        )
    hits = await store.search(spec.name, unit(2), top_k=100, partition="alpha")
    assert {h.id for h in hits} == {f"alpha-{i}" for i in range(6)}
    assert hits[0].id == "alpha-2"
    with pytest.raises(InvalidVectorRequest, match="partition"):
        await store.search(spec.name, unit(2), top_k=10)
    # An explicit filter naming the other tenant is narrowed, not widened.
    assert await store.search(spec.name, unit(2), partition="alpha", where=Eq("space", "beta")) == []
    await store.delete(spec.name, Range("id", gte=""), partition="beta")
    assert await store.count(spec.name, partition="beta") == 0
    assert await store.count(spec.name, partition="alpha") == 6


# ---------------------------------------------------------------- hybrid


def axis(*pairs: tuple[int, float]) -> list[float]:
    vector = [0.0] * DIM
    for index, value in pairs:
        vector[index] = value
    return vector


# Against the query vector e0 and the words "invoice INV-7731": h0 is the dense winner, h1 the keyword
# winner (dense last), and h2 is second in both lists, so reciprocal rank fusion puts h2 first.
HYBRID = {
    "h0": (axis((0, 1.0)), "milvus stores dense vectors for semantic search"),
    "h1": (axis((0, -1.0), (3, 1.0)), "invoice invoice INV-7731 overdue invoice"),
    "h2": (axis((0, 1.0), (1, 0.5)), "the invoice INV-7731 was paid in march"),
    "h3": (axis((4, 1.0)), "unrelated note about lunch"),
}


async def test_hybrid_search_fuses_dense_and_keyword(store: Store, make: Make) -> None:
    if not (await store.capabilities()).hybrid:
        with pytest.raises(VectorFeatureUnsupported):
            await make(text_max_length=512)
        return
    spec = await make(fields=(ScalarField("space", FieldType.INT, partition_key=True),), text_max_length=512)
    records = [VectorRecord(rid, vector, {"space": 1}, text) for rid, (vector, text) in HYBRID.items()]
    records.append(VectorRecord("other-tenant", axis((0, 1.0)), {"space": 2}, "invoice INV-7731 invoice"))
    await store.upsert(spec.name, records)
    await store.flush(spec.name)
    query, words = axis((0, 1.0)), "invoice INV-7731"

    rrf = await store.hybrid_search(spec.name, query, words, top_k=4, partition=1, fusion=Rrf(60))
    assert [h.id for h in rrf[:3]] == ["h2", "h1", "h0"]
    assert "other-tenant" not in {h.id for h in rrf}
    assert rrf[0].text == HYBRID["h2"][1]
    assert rrf[0].fields == {"space": 1}
    scores = [h.score for h in rrf]
    assert scores == sorted(scores, reverse=True)
    dense_only = await store.hybrid_search(
        spec.name, query, words, top_k=2, partition=1, fusion=Weighted(1.0, 0.0)
    )
    assert dense_only[0].id == "h0"
    words_only = await store.hybrid_search(
        spec.name, query, words, top_k=2, partition=1, fusion=Weighted(0.0, 1.0)
    )
    assert words_only[0].id == "h1"


async def test_hybrid_needs_a_text_field(store: Store, make: Make) -> None:
    spec = await make()
    error = VectorFeatureUnsupported if not (await store.capabilities()).hybrid else InvalidVectorRequest
    with pytest.raises(error):
        await store.hybrid_search(spec.name, unit(0), "words")


# ---------------------------------------------------------------- bad input


async def test_bad_input_is_refused_before_it_reaches_the_store(store: Store, make: Make) -> None:
    spec = await make(fields=(ScalarField("n", FieldType.INT),))
    good = VectorRecord("a", unit(0), {"n": 1})
    bad_records = [
        VectorRecord("a", unit(0)[:-1], {"n": 1}),
        VectorRecord("a", [math.nan, *unit(0)[1:]], {"n": 1}),
        VectorRecord("a", [math.inf, *unit(0)[1:]], {"n": 1}),
        VectorRecord("a", unit(0), {"n": "one"}),
        VectorRecord("a", unit(0), {}),
        VectorRecord("a", unit(0), {"n": 1}, text="no text field"),
        VectorRecord("x" * 200, unit(0), {"n": 1}),
    ]
    for record in bad_records:
        with pytest.raises(InvalidVectorRequest):
            await store.upsert(spec.name, [good, record] if record.id != "a" else [record])
    with pytest.raises(InvalidVectorRequest, match="duplicate"):
        await store.upsert(spec.name, [good, good])
    assert await store.count(spec.name) == 0
    for vector in ([*unit(0), 1.0], [math.nan] * DIM, [0.0] * DIM):
        with pytest.raises(InvalidVectorRequest):
            await store.search(spec.name, vector)
    with pytest.raises(InvalidVectorRequest):
        await store.search(spec.name, unit(0), top_k=0)


async def test_unknown_collection(store: Store) -> None:
    missing = f"ct_missing_{uuid.uuid4().hex[:8]}"
    with pytest.raises(VectorCollectionNotFound):
        await store.search(missing, unit(0))
    with pytest.raises(VectorCollectionNotFound):
        await store.upsert(missing, [VectorRecord("a", unit(0))])
    with pytest.raises(InvalidVectorRequest, match="collection name"):
        await store.search('bad"name', unit(0))
