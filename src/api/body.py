"""How every JSON request body is read: one place, for every route (docs/adr/0030-request-contract.md).

- A body must be a JSON object where the route takes one: `null`, `[]`, `1` or `"x"` are refused with
  4000 before the handler's type is looked at, so an optional body type cannot let `null` through.
- The object is converted strictly into the handler's `data` type: a number is not a bool and "5" is
  not an int. (Litestar's own conversion is lax, which made the server accept what idl/ refuses.)
  A number with no fraction (5.0) is an integer, as JSON Schema counts it.
  Query and path values stay text parsed by their declared types: cozepy sends numbers as query text.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import ClientException, ValidationException
from litestar.types import Empty

from domain.common.errors import InvalidInput

_WHITESPACE = b" \t\r\n"


class BodyNotAnObject(InvalidInput):
    message_key = "error.body_not_object"


def data_type(request: Request[Any, Any, Any]) -> Any:
    """The type the route handler declares for its JSON body, or Any when it reads the body itself."""
    field = request.route_handler.parsed_fn_signature.parameters.get("data")
    return Any if field is None else field.annotation


def decode_object(raw: bytes, target: Any) -> Any:
    """A JSON object decoded strictly into `target`; anything else is the client's mistake (4000)."""
    if not raw.lstrip(_WHITESPACE).startswith(b"{"):
        try:
            msgspec.json.decode(raw)
        except msgspec.DecodeError:
            raise ClientException(detail="malformed JSON body") from None
        raise BodyNotAnObject()
    try:
        value = msgspec.json.decode(raw)
    except msgspec.DecodeError:
        raise ClientException(detail="malformed JSON body") from None
    try:
        return msgspec.convert(_integral(value), target, strict=True)
    except msgspec.ValidationError as exc:
        raise ValidationException(extra=[{"key": "body", "message": str(exc)}]) from None


def _integral(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    if isinstance(value, dict):
        return {k: _integral(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_integral(v) for v in value]
    return value


class ApiRequest(Request[Any, Any, Any]):
    """Litestar's request with `json()` decoding as above (Litestar's data extractor calls it)."""

    async def json(self) -> Any:
        if self._json is Empty:
            self._json = decode_object(await self.body(), data_type(self))
        return self._json
