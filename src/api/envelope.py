"""The response envelope {"code": 0, "msg": "", "data": ...} and helpers to build it."""

from __future__ import annotations

from typing import Any

import msgspec


class Envelope(msgspec.Struct, kw_only=True):
    code: int = 0
    msg: str = ""


class EmptyData(msgspec.Struct):
    """`data: {}`: what the agent endpoints of both surfaces answer when there is nothing to say."""


class EmptyResponse(Envelope, kw_only=True):
    data: EmptyData


class ErrorDetail(msgspec.Struct):
    logid: str


class ErrorEnvelope(Envelope, kw_only=True):
    detail: ErrorDetail
    data: Any = None


def ok(data: Any = None) -> dict[str, Any]:
    return {"code": 0, "msg": "", "data": data}
