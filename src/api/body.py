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
        return msgspec.json.decode(raw, type=target, strict=True)
    except msgspec.ValidationError as exc:
        first = exc
    except msgspec.DecodeError:
        raise ClientException(detail="malformed JSON body") from None
    # Perhaps only an integer written as 5.0: convert those and try once more.
    value = msgspec.json.decode(raw)
    if not _integral_floats_to_int(value):
        raise ValidationException(extra=[{"key": "body", "message": str(first)}])
    try:
        return msgspec.convert(value, target, strict=True)
    except msgspec.ValidationError as exc:
        raise ValidationException(extra=[{"key": "body", "message": str(exc)}]) from None


def _integral_floats_to_int(value: Any) -> bool:
    """Turn floats without a fraction into ints, in place (no recursion: bodies may nest deeply)."""
    changed = False
    stack = [value]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, item in list(items):
            if isinstance(item, float) and item.is_integer() and abs(item) < 2**63:
                node[key] = int(item)
                changed = True
            elif isinstance(item, dict | list):
                stack.append(item)
    return changed


class ApiRequest(Request[Any, Any, Any]):
    """Litestar's request with `json()` decoding as above (Litestar's data extractor calls it)."""

    async def json(self) -> Any:
        if self._json is Empty:
            self._json = decode_object(await self.body(), data_type(self))
        return self._json
