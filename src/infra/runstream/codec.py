"""Event bodies are JSON objects, encoded once on append (so both adapters refuse the same input)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from domain.common.runstream import MAX_EVENT_BYTES, InvalidRunEvent


def encode_data(data: Mapping[str, Any] | None) -> bytes:
    if data is None:
        return b"{}"
    if not isinstance(data, Mapping):
        raise InvalidRunEvent(detail=f"event data must be a mapping, not {type(data).__name__}")
    try:
        body = orjson.dumps(dict(data))
    except TypeError as exc:  # not JSON-serialisable (objects, non-str keys, ...)
        raise InvalidRunEvent(detail=f"event data is not JSON: {exc}") from None
    if len(body) > MAX_EVENT_BYTES:
        raise InvalidRunEvent(detail=f"event is {len(body)} bytes, the limit is {MAX_EVENT_BYTES}")
    return body


def decode_data(body: bytes) -> dict[str, Any]:
    decoded: dict[str, Any] = orjson.loads(body) if body else {}
    return decoded
