"""A small typed filter model for vector-store queries, checked against a collection's declared fields.

Filters are data, never text: an adapter compiles them to its own query language (with its own
quoting), so a value such as `x" or id != "` stays a value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, TypeAlias

from domain.common.errors import InvalidInput

if TYPE_CHECKING:
    from collections.abc import Mapping

Scalar: TypeAlias = str | int | float | bool

MAX_IN_VALUES = 1024
MAX_FILTER_DEPTH = 16
MAX_FILTER_NODES = 256
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


class FieldType(StrEnum):
    STRING = "string"
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"


class InvalidVectorRequest(InvalidInput):
    """A vector-store call with bad arguments; `detail` says which and why."""

    message_key = "error.invalid_params"

    def __init__(self, detail: str) -> None:
        super().__init__(detail=detail)
        self.detail = detail

    def __str__(self) -> str:
        return self.detail


@dataclass(frozen=True, slots=True)
class Eq:
    """`field == value`."""

    field: str
    value: Scalar


@dataclass(frozen=True, slots=True, init=False)
class In:
    """`field` equals one of `values` (at least one, at most MAX_IN_VALUES)."""

    field: str
    values: tuple[Scalar, ...]

    def __init__(self, field: str, values: tuple[Scalar, ...] | list[Scalar]) -> None:
        object.__setattr__(self, "field", field)
        object.__setattr__(self, "values", tuple(values))


@dataclass(frozen=True, slots=True)
class Range:
    """Bounds on a numeric or string field; unset bounds are open. At least one bound is required."""

    field: str
    gt: Scalar | None = None
    gte: Scalar | None = None
    lt: Scalar | None = None
    lte: Scalar | None = None


@dataclass(frozen=True, slots=True, init=False)
class And:
    items: tuple[Filter, ...]

    def __init__(self, *items: Filter) -> None:
        object.__setattr__(self, "items", items)


@dataclass(frozen=True, slots=True, init=False)
class Or:
    items: tuple[Filter, ...]

    def __init__(self, *items: Filter) -> None:
        object.__setattr__(self, "items", items)


@dataclass(frozen=True, slots=True)
class Not:
    item: Filter


Filter: TypeAlias = Eq | In | Range | And | Or | Not


def check_scalar(field: str, kind: FieldType, value: object, *, max_length: int | None = None) -> Scalar:
    """`value` if it fits a field of type `kind`, else InvalidVectorRequest. Ints are accepted for floats."""
    if kind is FieldType.BOOL:
        if isinstance(value, bool):
            return value
    elif kind is FieldType.INT:
        if isinstance(value, int) and not isinstance(value, bool):
            if not INT64_MIN <= value <= INT64_MAX:
                raise InvalidVectorRequest(f"{field}: {value} is outside the 64-bit integer range")
            return value
    elif kind is FieldType.FLOAT:
        if isinstance(value, int | float) and not isinstance(value, bool):
            if not math.isfinite(value):
                raise InvalidVectorRequest(f"{field}: value must be a finite number")
            return float(value)
    elif isinstance(value, str):
        if "\x00" in value:
            raise InvalidVectorRequest(f"{field}: strings may not contain NUL characters")
        if max_length is not None and len(value.encode()) > max_length:
            raise InvalidVectorRequest(f"{field}: string is longer than {max_length} bytes")
        return value
    raise InvalidVectorRequest(f"{field}: expected a {kind.value} value, got {type(value).__name__}")


def check_filter(where: Filter, fields: Mapping[str, FieldType]) -> None:
    """Refuse filters that name undeclared fields, mix types, or are empty or oversized."""
    nodes = _check(where, fields, depth=1)
    if nodes > MAX_FILTER_NODES:
        raise InvalidVectorRequest(f"filter has {nodes} nodes, the limit is {MAX_FILTER_NODES}")


def _field_type(name: object, fields: Mapping[str, FieldType]) -> FieldType:
    if not isinstance(name, str) or name not in fields:
        known = ", ".join(sorted(fields))
        raise InvalidVectorRequest(f"filter names unknown field {name!r} (known: {known})")
    return fields[name]


def _check(node: object, fields: Mapping[str, FieldType], depth: int) -> int:
    if depth > MAX_FILTER_DEPTH:
        raise InvalidVectorRequest(f"filter is nested deeper than {MAX_FILTER_DEPTH} levels")
    if isinstance(node, Eq):
        check_scalar(node.field, _field_type(node.field, fields), node.value)
        return 1
    if isinstance(node, In):
        kind = _field_type(node.field, fields)
        if not node.values or len(node.values) > MAX_IN_VALUES:
            raise InvalidVectorRequest(f"{node.field}: `in` needs 1 to {MAX_IN_VALUES} values")
        for value in node.values:
            check_scalar(node.field, kind, value)
        return 1
    if isinstance(node, Range):
        _check_range(node, _field_type(node.field, fields))
        return 1
    if isinstance(node, And | Or):
        if not node.items:
            raise InvalidVectorRequest(f"{type(node).__name__} needs at least one filter")
        return 1 + sum(_check(item, fields, depth + 1) for item in node.items)
    if isinstance(node, Not):
        return 1 + _check(node.item, fields, depth + 1)
    raise InvalidVectorRequest(f"not a filter: {type(node).__name__}")


def _check_range(node: Range, kind: FieldType) -> None:
    if kind is FieldType.BOOL:
        raise InvalidVectorRequest(f"{node.field}: a range needs a numeric or string field")
    bounds = [b for b in (node.gt, node.gte, node.lt, node.lte) if b is not None]
    if not bounds:
        raise InvalidVectorRequest(f"{node.field}: a range needs at least one bound")
    if (node.gt is not None and node.gte is not None) or (node.lt is not None and node.lte is not None):
        raise InvalidVectorRequest(f"{node.field}: give either gt or gte (lt or lte), not both")
    for bound in bounds:
        check_scalar(node.field, kind, bound)
