"""The typed vector filter model: validation against declared fields and compilation to Milvus syntax."""

from __future__ import annotations

import math

import pytest

from domain.common.vector_filters import (
    MAX_FILTER_DEPTH,
    And,
    Eq,
    FieldType,
    Filter,
    In,
    InvalidVectorRequest,
    Not,
    Or,
    Range,
    check_filter,
)
from domain.common.vectors import (
    CollectionSpec,
    Metric,
    ScalarField,
    VectorRecord,
    check_record,
    check_records,
    check_vector,
    scope_filter,
)
from infra.vectorstore.milvus import hybrid_supported, is_embedded
from infra.vectorstore.milvus_filters import compile_filter, literal

FIELDS = {"id": FieldType.STRING, "kind": FieldType.STRING, "n": FieldType.INT, "w": FieldType.FLOAT}
FIELDS |= {"ok": FieldType.BOOL}


@pytest.mark.parametrize(
    ("where", "expr"),
    [
        (Eq("kind", "doc"), 'kind == "doc"'),
        (Eq("n", -3), "n == -3"),
        (Eq("w", 0.5), "w == 0.5"),
        (Eq("ok", True), "ok == true"),
        (In("n", [1, 2]), "n in [1, 2]"),
        (Range("n", gte=1), "n >= 1"),
        (Range("w", gt=0.1, lte=2), "(w > 0.1 and w <= 2)"),
        (
            And(Eq("n", 1), Or(Eq("kind", "a"), Not(Eq("ok", False)))),
            '((n == 1) and ((kind == "a") or (not (ok == false))))',
        ),
        (Not(Range("n", lt=3, gt=1)), "not ((n > 1 and n < 3))"),
    ],
)
def test_compiles_each_operator(where: Filter, expr: str) -> None:
    check_filter(where, FIELDS)
    assert compile_filter(where) == expr


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ('say "hi"', r'"say \"hi\""'),
        ("back\\slash", r'"back\\slash"'),
        ("line\nbreak\ttab\rret", r'"line\nbreak\ttab\rret"'),
        ('x" or id != "', r'"x\" or id != \""'),
        ("中文", '"中文"'),
        ("\\", r'"\\"'),
    ],
)
def test_string_literals_are_escaped(value: str, text: str) -> None:
    assert literal(value) == text


def test_a_quote_cannot_end_the_literal_early() -> None:
    compiled = compile_filter(Eq("kind", '" or n > 0 or kind == "'))
    body = compiled.removeprefix("kind == ")
    # Every quote inside the literal is escaped, so the only unescaped quotes are its two ends.
    unescaped = [i for i, ch in enumerate(body) if ch == '"' and body[i - 1] != "\\"]
    assert unescaped == [0, len(body) - 1]


@pytest.mark.parametrize(
    "where",
    [
        Eq("nope", 1),
        Eq("kind", 1),
        Eq("n", "1"),
        Eq("n", True),
        Eq("w", math.nan),
        Eq("n", 2**63),
        Eq("kind", "nul\x00"),
        In("n", []),
        In("n", list(range(2000))),
        Range("n"),
        Range("n", gt=1, gte=2),
        Range("ok", gt=False),
        And(),
        Or(),
        Eq("kind or 1 == 1", "x"),
    ],
)
def test_bad_filters_are_refused(where: Filter) -> None:
    with pytest.raises(InvalidVectorRequest):
        check_filter(where, FIELDS)


def test_deep_filters_are_refused() -> None:
    where: Filter = Eq("n", 1)
    for _ in range(MAX_FILTER_DEPTH + 1):
        where = Not(where)
    with pytest.raises(InvalidVectorRequest, match="nested"):
        check_filter(where, FIELDS)


def test_non_filter_objects_are_refused() -> None:
    with pytest.raises(InvalidVectorRequest):
        check_filter("n == 1", FIELDS)  # type: ignore[arg-type]


SPEC = CollectionSpec(
    "docs",
    3,
    Metric.COSINE,
    (
        ScalarField("space", FieldType.INT, partition_key=True),
        ScalarField("kind", FieldType.STRING, max_length=4),
    ),
)


@pytest.mark.parametrize(
    "build",
    [
        lambda: CollectionSpec("1bad", 3),
        lambda: CollectionSpec("has-dash", 3),
        lambda: CollectionSpec("x" * 129, 3),
        lambda: CollectionSpec("ok", 1),
        lambda: CollectionSpec("ok", 3, fields=(ScalarField("a", FieldType.INT),) * 2),
        lambda: CollectionSpec(
            "ok",
            3,
            fields=(
                ScalarField("a", FieldType.INT, partition_key=True),
                ScalarField("b", FieldType.STRING, partition_key=True),
            ),
        ),
        lambda: ScalarField("id", FieldType.STRING),
        lambda: ScalarField("and", FieldType.STRING),
        lambda: ScalarField("a b", FieldType.STRING),
        lambda: ScalarField("f", FieldType.FLOAT, partition_key=True),
        lambda: CollectionSpec("ok", 3, text_max_length=0),
    ],
)
def test_bad_specs_are_refused(build: object) -> None:
    with pytest.raises(InvalidVectorRequest):
        build()  # type: ignore[operator]


@pytest.mark.parametrize(
    "record",
    [
        VectorRecord("a", [1, 2], {"space": 1, "kind": "x"}),
        VectorRecord("a", [1, 2, math.nan], {"space": 1, "kind": "x"}),
        VectorRecord("a", [1, 2, math.inf], {"space": 1, "kind": "x"}),
        VectorRecord("a", [0, 0, 0], {"space": 1, "kind": "x"}),
        VectorRecord("a", [1, 2, 3], {"space": 1}),
        VectorRecord("a", [1, 2, 3], {"space": 1, "kind": "x", "extra": 1}),
        VectorRecord("a", [1, 2, 3], {"space": "1", "kind": "x"}),
        VectorRecord("a", [1, 2, 3], {"space": 1, "kind": "toolong"}),
        VectorRecord("", [1, 2, 3], {"space": 1, "kind": "x"}),
        VectorRecord("a", [1, 2, 3], {"space": 1, "kind": "x"}, text="no text field"),
        VectorRecord("a", "abc", {"space": 1, "kind": "x"}),  # type: ignore[arg-type]
    ],
)
def test_bad_records_are_refused(record: VectorRecord) -> None:
    with pytest.raises(InvalidVectorRequest):
        check_record(SPEC, record)


def test_good_record_becomes_a_row() -> None:
    row = check_record(SPEC, VectorRecord("a", [1, 2, 3], {"space": 7, "kind": "x"}))
    assert row == {"id": "a", "vector": [1.0, 2.0, 3.0], "space": 7, "kind": "x"}
    with pytest.raises(InvalidVectorRequest, match="duplicate"):
        check_records(SPEC, [VectorRecord("a", [1, 2, 3], {"space": 1, "kind": "x"})] * 2)
    assert check_vector(CollectionSpec("l2", 2, Metric.L2), [0, 0]) == [0.0, 0.0]  # zero is fine for L2


def test_partition_scope_is_required_for_searches_and_anded_in() -> None:
    with pytest.raises(InvalidVectorRequest, match="partition"):
        scope_filter(SPEC, None, None, required=True)
    assert scope_filter(SPEC, None, None, required=False) is None
    assert scope_filter(SPEC, Eq("kind", "x"), 5, required=True) == And(Eq("space", 5), Eq("kind", "x"))
    with pytest.raises(InvalidVectorRequest):
        scope_filter(SPEC, None, "five", required=True)
    with pytest.raises(InvalidVectorRequest, match="no partition key"):
        scope_filter(CollectionSpec("flat", 2), None, 1, required=True)


@pytest.mark.parametrize(
    ("version", "hybrid"),
    [
        ("milvus_lite-3.2.2", True),
        ("v2.3.5", False),
        ("2.4.9", False),
        ("v2.5.0", True),
        ("v2.6.1", True),
        ("", False),
    ],
)
def test_hybrid_capability_follows_the_server_version(version: str, hybrid: bool) -> None:
    assert hybrid_supported(version) is hybrid


def test_embedded_or_remote_by_uri() -> None:
    assert is_embedded("/data/milvus.db")
    assert not is_embedded("http://127.0.0.1:19530")
    assert not is_embedded("https://milvus.example:443")
