"""Typed filters, cursors and media types: validation and translation without a server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.common.errors import InvalidInput
from domain.common.fulltext import (
    And,
    FieldSpec,
    FieldType,
    IndexSpec,
    Not,
    Or,
    Range,
    SearchRequest,
    Term,
    Terms,
    check_filter,
    decode_cursor,
    encode_cursor,
    from_epoch_ms,
    to_epoch_ms,
)
from infra.fulltext.es_query import float32, mappings, query_filter, search_body
from infra.fulltext.sqlite_query import match_expression, where
from infra.fulltext.transport import plain_mime

SPEC = IndexSpec(
    "docs",
    (
        FieldSpec("title", FieldType.TEXT),
        FieldSpec("space", FieldType.KEYWORD),
        FieldSpec("rank", FieldType.INTEGER),
        FieldSpec("at", FieldType.DATE),
    ),
)
HOSTILE = "x') OR 1=1; --"


@pytest.mark.parametrize("name", ["", "Upper", "has space", "_x", "a" * 64, "a;drop"])
def test_bad_index_names_are_rejected(name: str) -> None:
    with pytest.raises(InvalidInput):
        IndexSpec(name, SPEC.fields)


@pytest.mark.parametrize("name", ["id", "a__b", "Title", "1x", "x-y"])
def test_bad_or_reserved_field_names_are_rejected(name: str) -> None:
    with pytest.raises(InvalidInput):
        FieldSpec(name, FieldType.KEYWORD)


def test_sql_filters_bind_every_value() -> None:
    params: list[object] = []
    flt = And((Term("space", HOSTILE), Or((Terms("rank", (1, 2)), Not(Range("rank", gte=5, lt=9))))))
    sql = where(SPEC, flt, params)
    assert HOSTILE not in sql
    assert params == [HOSTILE, 1, 2, 5, 9]
    assert sql.count("?") == 5


def test_fts5_match_expression_quotes_every_word() -> None:
    assert match_expression(["near", "or", "a"], all_words=True) == '"near" AND "or" AND "a"'
    assert match_expression(['x"y'], all_words=False) == '"x""y"'


def test_es_filters_are_structured_dsl() -> None:
    at = datetime(2024, 1, 2, tzinfo=UTC)
    assert query_filter(Or((Term("space", HOSTILE), Not(Range("at", lt=at))))) == {
        "bool": {
            "should": [
                {"term": {"space": {"value": HOSTILE}}},
                {"bool": {"must_not": [{"range": {"at": {"lt": to_epoch_ms(at)}}}]}},
            ],
            "minimum_should_match": 1,
        }
    }


def test_es_mapping_is_strict_and_records_the_spec() -> None:
    body = mappings(SPEC)
    assert body["dynamic"] == "strict"
    assert body["properties"]["title"] == {"type": "text", "analyzer": "cozeplus_en"}
    assert body["properties"]["at"] == {"type": "date", "format": "epoch_millis"}
    assert IndexSpec.from_dict(body["_meta"]["cozeplus"]) == SPEC


def test_es_search_after_sends_the_exact_float32_score() -> None:
    cursor = encode_cursor([0.0032787211, "d009"])
    body = search_body(SPEC, SearchRequest(text="x", after=cursor), ["x"])
    assert body["search_after"] == [float32(0.0032787211), "d009"]
    assert body["search_after"][0] != 0.0032787211


def test_filters_on_text_or_unknown_fields_and_wrong_types_are_rejected() -> None:
    for flt in (Term("title", "x"), Term("nope", "x"), Term("rank", "1"), Range("space"), Terms("rank", ())):
        with pytest.raises(InvalidInput):
            check_filter(SPEC, flt)


def test_cursor_round_trip_and_garbage() -> None:
    assert decode_cursor(encode_cursor([1.5, "a"])) == (1.5, "a")
    for bad in ("", "!!!", encode_cursor(["a", "b"]), "W10"):
        with pytest.raises(InvalidInput):
            decode_cursor(bad)


def test_epoch_ms_is_exact() -> None:
    at = datetime(2024, 5, 1, 12, 0, 0, 123000, tzinfo=UTC)
    assert from_epoch_ms(to_epoch_ms(at)) == at


@pytest.mark.parametrize(
    ("sent", "plain"),
    [
        ("application/vnd.elasticsearch+json; compatible-with=9", "application/json"),
        ("application/vnd.elasticsearch+x-ndjson; compatible-with=8", "application/x-ndjson"),
        ("application/json", "application/json"),
    ],
)
def test_plain_json_mode_rewrites_only_the_vendor_media_types(sent: str, plain: str) -> None:
    assert plain_mime(sent) == plain
