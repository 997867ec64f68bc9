"""Index specs, filters and search requests to Elasticsearch mappings and query DSL (as dicts).

Everything here is plain Elasticsearch 8/9 DSL: custom analyzers built from the whitespace
tokenizer and the lowercase/porter_stem filters, a disabled object for original text, `_meta` for
the cozeplus spec. Text fields hold pre-segmented words (analysis.py), so the engine never has to
know Chinese.
"""

from __future__ import annotations

import struct
from datetime import datetime
from typing import Any

from domain.common.fulltext import (
    And,
    FieldType,
    Filter,
    IndexSpec,
    Language,
    Not,
    Or,
    Range,
    SearchRequest,
    Term,
    Terms,
    Value,
    decode_cursor,
    to_epoch_ms,
)
from infra.fulltext import analysis

ORIGINALS = "originals__"  # object with the unanalysed text of every text field (not indexed)
META_KEY = "cozeplus"

ANALYSIS = {
    "analyzer": {
        "cozeplus_en": {"type": "custom", "tokenizer": "whitespace", "filter": ["lowercase", "porter_stem"]},
        "cozeplus_zh": {"type": "custom", "tokenizer": "whitespace", "filter": ["lowercase"]},
    }
}
_ANALYZER = {Language.ENGLISH: "cozeplus_en", Language.CHINESE: "cozeplus_zh"}
_TYPES: dict[FieldType, dict[str, Any]] = {
    FieldType.KEYWORD: {"type": "keyword"},
    FieldType.INTEGER: {"type": "long"},
    FieldType.FLOAT: {"type": "double"},
    FieldType.BOOLEAN: {"type": "boolean"},
    FieldType.DATE: {"type": "date", "format": "epoch_millis"},
}


def mappings(spec: IndexSpec) -> dict[str, Any]:
    props: dict[str, Any] = {"id": {"type": "keyword"}, ORIGINALS: {"type": "object", "enabled": False}}
    for f in spec.fields:
        if f.type is FieldType.TEXT:
            props[f.name] = {"type": "text", "analyzer": _ANALYZER[f.language]}
        else:
            props[f.name] = dict(_TYPES[f.type])
    return {"dynamic": "strict", "_meta": {META_KEY: spec.to_dict()}, "properties": props}


def to_es(value: Value) -> Value | int:
    return to_epoch_ms(value) if isinstance(value, datetime) else value


def source(spec: IndexSpec, doc_id: str, fields: dict[str, Value | None]) -> dict[str, Any]:
    body: dict[str, Any] = {"id": doc_id}
    originals: dict[str, str] = {}
    for f in spec.fields:
        value = fields.get(f.name)
        if value is None:
            continue
        if f.type is FieldType.TEXT:
            assert isinstance(value, str)
            originals[f.name] = value
            body[f.name] = analysis.word_string(value)
        else:
            body[f.name] = to_es(value)
    body[ORIGINALS] = originals
    return body


def query_filter(flt: Filter) -> dict[str, Any]:
    if isinstance(flt, And):
        return {"bool": {"filter": [query_filter(f) for f in flt.filters]}}
    if isinstance(flt, Or):
        return {"bool": {"should": [query_filter(f) for f in flt.filters], "minimum_should_match": 1}}
    if isinstance(flt, Not):
        return {"bool": {"must_not": [query_filter(flt.filter)]}}
    if isinstance(flt, Term):
        return {"term": {flt.field: {"value": to_es(flt.value)}}}
    if isinstance(flt, Terms):
        return {"terms": {flt.field: [to_es(v) for v in flt.values]}}
    assert isinstance(flt, Range)
    bounds = {
        op: to_es(b)
        for op, b in (("gt", flt.gt), ("gte", flt.gte), ("lt", flt.lt), ("lte", flt.lte))
        if b is not None
    }
    return {"range": {flt.field: bounds}}


def float32(value: float) -> float:
    """The float32 that Elasticsearch scores are, written out exactly as a double.

    Elasticsearch reads a search_after score back as float32, so this changes nothing there;
    servers that compare in float64 would otherwise see the shortest decimal (e.g. 0.0032787211)
    as larger than the score it came from and repeat the page.
    """
    return float(struct.unpack("<f", struct.pack("<f", value))[0])


def search_body(spec: IndexSpec, request: SearchRequest, words: list[str]) -> dict[str, Any]:
    """Keyword arguments for `AsyncElasticsearch.search`."""
    must: list[dict[str, Any]]
    if words:
        must = [
            {
                "multi_match": {
                    "query": " ".join(words),
                    "fields": list(request.searched_fields(spec)),
                    "type": "best_fields",
                    "operator": "and" if request.match_all_words else "or",
                }
            }
        ]
    else:
        must = [{"match_all": {}}]
    query: dict[str, Any] = {"bool": {"must": must}}
    if request.filter is not None:
        query["bool"]["filter"] = [query_filter(request.filter)]
    body: dict[str, Any] = {
        "query": query,
        "sort": [{"_score": {"order": "desc"}}, {"id": {"order": "asc"}}],
        "size": request.size,
        # Top-k mode lets Elasticsearch skip blocks that cannot reach the page (block-max WAND).
        "track_total_hits": request.exact_total,
    }
    if request.after is not None:
        score, last_id = decode_cursor(request.after)
        body["search_after"] = [float32(score), last_id]
    elif request.offset:
        body["from_"] = request.offset
    if request.highlight is not None and words:
        body["highlight"] = {
            "fields": {
                name: {"number_of_fragments": 0}
                for name in request.highlight.fields or request.searched_fields(spec)
            },
            "pre_tags": [analysis.MARK_OPEN],
            "post_tags": [analysis.MARK_CLOSE],
            "require_field_match": False,
        }
    return body
