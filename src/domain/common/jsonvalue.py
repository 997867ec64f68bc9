"""JSON that came from a client, parsed and checked within bounds on nesting depth and size.

Python's json module (and every encoder downstream) recurses once per level: 5,000 nested brackets
in a message, a cursor or a setting end in a RecursionError, a 5xx, somewhere, or a value stored
today fails to encode tomorrow. Every JSON value a client sends, as text or already decoded from a
request body, passes through here first, so the limits are the same everywhere and a breach is a
plain invalid-parameter error (API code 4000), raised before anything is written (ADR 0032).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from domain.common.errors import InvalidInput

MAX_DEPTH = 32  # arrays and objects inside one another; real payloads need a handful
MAX_TEXT_CHARS = 100_000  # the longest message content Coze accepts

# A JSON string (escapes included) or one bracket: strings are skipped, brackets counted.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)


class JsonTooDeep(InvalidInput):
    message_key = "json.too_deep"


class JsonTooLarge(InvalidInput):
    message_key = "json.too_large"


class JsonMalformed(InvalidInput):
    message_key = "json.malformed"


def parse_json_text(
    text: object, *, field: str, max_chars: int = MAX_TEXT_CHARS, max_depth: int = MAX_DEPTH
) -> Any:
    """The JSON value in `text`, refused before parsing when longer or deeper than the limits."""
    if not isinstance(text, str):
        raise JsonMalformed(field=field)
    if len(text) > max_chars:
        raise JsonTooLarge(field=field, limit=max_chars)
    _check_text_depth(text, field, max_depth)
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except ValueError:  # syntax, NaN/Infinity, integers longer than Python converts
        raise JsonMalformed(field=field) from None


def parse_json_bytes(
    raw: bytes, *, field: str, max_chars: int = MAX_TEXT_CHARS, max_depth: int = MAX_DEPTH
) -> Any:
    """parse_json_text for bytes that must be UTF-8."""
    if len(raw) > max_chars * 4:
        raise JsonTooLarge(field=field, limit=max_chars)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise JsonMalformed(field=field) from None
    return parse_json_text(text, field=field, max_chars=max_chars, max_depth=max_depth)


def check_json_value(
    value: object, *, field: str, max_depth: int = MAX_DEPTH, max_bytes: int | None = None
) -> None:
    """Refuse a decoded value nested deeper than `max_depth` or, serialized, longer than `max_bytes`.

    The walk keeps its own stack, so any depth the decoder produced is measured without recursion.
    """
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, Mapping):
            children: Any = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        if depth + 1 > max_depth:
            raise JsonTooDeep(field=field, limit=max_depth)
        stack.extend((child, depth + 1) for child in children)
    if max_bytes is not None:
        try:
            size = len(json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode())
        except (TypeError, ValueError):
            raise JsonMalformed(field=field) from None
        if size > max_bytes:
            raise JsonTooLarge(field=field, limit=max_bytes)


def _check_text_depth(text: str, field: str, max_depth: int) -> None:
    if "[" not in text and "{" not in text:
        return
    depth = 0
    for match in _TOKENS.finditer(text):
        first = match.group()[0]
        if first in "[{":
            depth += 1
            if depth > max_depth:
                raise JsonTooDeep(field=field, limit=max_depth)
        elif first != '"':
            depth -= 1


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
