"""The one bounded JSON parser: depth and size refused before parsing, never a RecursionError."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from domain.common.errors import InvalidInput
from domain.common.fulltext import decode_cursor, encode_cursor
from domain.common.jsonvalue import (
    MAX_DEPTH,
    JsonMalformed,
    JsonTooDeep,
    JsonTooLarge,
    check_json_value,
    parse_json_bytes,
    parse_json_text,
)


def nested(depth: int) -> Any:
    value: Any = 1
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


@pytest.mark.parametrize("depth", [0, 1, MAX_DEPTH])
def test_within_the_depth_limit(depth: int) -> None:
    value = nested(depth)
    assert parse_json_text(json.dumps(value), field="f") == value
    check_json_value(value, field="f")


@pytest.mark.parametrize("text", ["[" * 5000, "{" * 100_000, "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)])
def test_too_deep_text(text: str) -> None:
    with pytest.raises(JsonTooDeep) as caught:
        parse_json_text(text, field="content", max_chars=len(text))
    assert caught.value.params == {"field": "content", "limit": MAX_DEPTH}


def test_brackets_inside_strings_do_not_count() -> None:
    text = json.dumps([{"text": "[" * 10_000 + '\\"{' * 100}])
    assert parse_json_text(text, field="f")[0]["text"].startswith("[[[")


def test_too_deep_value_without_recursion() -> None:
    value: Any = []
    for _ in range(50_000):  # far deeper than Python could recurse
        value = [value]
    with pytest.raises(JsonTooDeep):
        check_json_value(value, field="f")


def test_too_large() -> None:
    with pytest.raises(JsonTooLarge):
        parse_json_text('"' + "x" * 100 + '"', field="f", max_chars=50)
    with pytest.raises(JsonTooLarge):
        check_json_value({"a": "x" * 100}, field="f", max_bytes=50)
    with pytest.raises(JsonTooLarge):
        parse_json_bytes(b"1" * 1000, field="f", max_chars=10)


@pytest.mark.parametrize("text", ["", "{", "NaN", "[Infinity]", "[1,]", "1" * 5000, '"\\x"'])
def test_malformed(text: str) -> None:
    with pytest.raises(JsonMalformed):
        parse_json_text(text, field="f")


def test_malformed_bytes_and_types() -> None:
    with pytest.raises(JsonMalformed):
        parse_json_bytes(b'"\xff"', field="f")
    with pytest.raises(JsonMalformed):
        parse_json_text(b"[]", field="f")
    with pytest.raises(JsonMalformed):
        check_json_value({"a": float("nan")}, field="f", max_bytes=100)


def test_every_refusal_is_invalid_input() -> None:
    assert issubclass(JsonTooDeep, InvalidInput)
    assert issubclass(JsonTooLarge, InvalidInput)
    assert issubclass(JsonMalformed, InvalidInput)


def test_page_cursor_round_trip_and_hostile_cursors() -> None:
    assert decode_cursor(encode_cursor([1.5, "doc-1"])) == (1.5, "doc-1")
    for raw in (b"[" * 5000, b"[[1], 2]", b'{"a": 1}', b"\xff"):
        cursor = base64.urlsafe_b64encode(raw).decode()
        with pytest.raises(InvalidInput):
            decode_cursor(cursor)
