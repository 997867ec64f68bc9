"""Typed filters as numpy masks over in-memory columns, with the SQL path's meaning (sqlite_query.where).

A column is dictionary-coded: one small code per slot, the distinct values once. A leaf is decided
per distinct value (few, for the keyword fields retrieval filters on) and spread with `isin`. A
missing value matches no leaf, and `Not` of a leaf it does not match is true, as `NOT COALESCE(x, 0)`
in SQL and `must_not` in Elasticsearch.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from domain.common.fulltext import And, Filter, Not, Or, Range, Term, Terms
from infra.fulltext.sqlite_query import to_sql

Mask = npt.NDArray[np.bool_]
_BOUNDS: tuple[tuple[str, Callable[[Any, Any], Any]], ...] = (
    ("gt", operator.gt),
    ("gte", operator.ge),
    ("lt", operator.lt),
    ("lte", operator.le),
)


class ValueColumn:
    """Stored (SQL) values of one filterable field, slot by slot."""

    def __init__(self) -> None:
        self.codes: list[int] = []  # -1: no value
        self.values: list[object] = []
        self._code_of: dict[object, int] = {}
        self._array: npt.NDArray[np.int32] | None = None

    def append(self, value: object) -> None:
        if value is None:
            self.codes.append(-1)
        else:
            # Keyed with the type: a Python dict takes 1, 1.0 and True for one key.
            code = self._code_of.setdefault((type(value), value), len(self.values))
            if code == len(self.values):
                self.values.append(value)
            self.codes.append(code)
        self._array = None

    def array(self) -> npt.NDArray[np.int32]:
        if self._array is None or len(self._array) != len(self.codes):
            self._array = np.asarray(self.codes, dtype=np.int32)
        return self._array

    def where(self, predicate: Callable[[object], bool], size: int) -> Mask:
        chosen = [code for code, value in enumerate(self.values) if predicate(value)]
        return np.isin(self.array()[:size], np.asarray(chosen, dtype=np.int32))


def evaluate(flt: Filter, columns: Mapping[str, ValueColumn], size: int) -> Mask:
    if isinstance(flt, And):
        out = np.ones(size, dtype=np.bool_)
        for inner in flt.filters:
            out &= evaluate(inner, columns, size)
        return out
    if isinstance(flt, Or):
        out = np.zeros(size, dtype=np.bool_)
        for inner in flt.filters:
            out |= evaluate(inner, columns, size)
        return out
    if isinstance(flt, Not):
        return ~evaluate(flt.filter, columns, size)
    values = columns[flt.field]
    if isinstance(flt, Term):
        wanted = to_sql(flt.value)
        return values.where(lambda v: v == wanted, size)
    if isinstance(flt, Terms):
        options = {to_sql(v) for v in flt.values}
        return values.where(lambda v: v in options, size)
    assert isinstance(flt, Range)
    bounds = [(op, to_sql(b)) for name, op in _BOUNDS if (b := getattr(flt, name)) is not None]
    return values.where(lambda v: all(op(v, bound) for op, bound in bounds), size)
