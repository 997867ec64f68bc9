"""Fields the token API and the SPA share for agents."""

from __future__ import annotations

from typing import Any

import msgspec

from api.schemas import parse_id
from domain.agent.errors import InvalidAgentConfig
from domain.common.errors import InvalidInput


class ClientToolConfig(msgspec.Struct):
    """A tool the client runs (cozeplus extension of Coze's bot shapes)."""

    name: str
    description: str = ""
    parameters: dict[str, Any] = msgspec.field(default_factory=lambda: {"type": "object", "properties": {}})


def ids_of(values: list[str], name: str) -> tuple[int, ...]:
    try:
        return tuple(parse_id(v) for v in values)
    except InvalidInput:
        raise InvalidAgentConfig(reason=f"{name} must hold int64 ids as strings") from None


def one_id(value: str, name: str) -> int:
    return ids_of([value], name)[0]
