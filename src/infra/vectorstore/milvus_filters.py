"""Compile the typed filter model to a Milvus boolean expression.

Field names reach this module only after `check_filter` matched them against the collection's
schema (and they follow `[A-Za-z_][A-Za-z0-9_]*`, minus grammar words), so they are emitted bare.
Values are always emitted as literals: strings double-quoted with backslash escapes, numbers in
Python's round-trip form, booleans as true/false. Nothing from a caller is ever spliced in as syntax.
"""

from __future__ import annotations

import math

from domain.common.vector_filters import And, Eq, Filter, In, InvalidVectorRequest, Not, Or, Range, Scalar

# Milvus' grammar reads a string literal like a C/Go literal: a backslash starts an escape, a raw
# quote ends it and a raw line break is an error. Other characters, control characters included,
# may appear as they are.
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_ESCAPE_TABLE = str.maketrans(_ESCAPES)


def literal(value: Scalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidVectorRequest("filter numbers must be finite")
        return repr(value)
    if isinstance(value, str):
        if "\x00" in value:
            raise InvalidVectorRequest("filter strings may not contain NUL characters")
        return '"' + value.translate(_ESCAPE_TABLE) + '"'
    raise InvalidVectorRequest(f"unsupported filter value type {type(value).__name__}")


def compile_filter(where: Filter) -> str:
    if isinstance(where, Eq):
        return f"{where.field} == {literal(where.value)}"
    if isinstance(where, In):
        return f"{where.field} in [{', '.join(literal(v) for v in where.values)}]"
    if isinstance(where, Range):
        parts = [
            f"{where.field} {op} {literal(bound)}"
            for op, bound in ((">", where.gt), (">=", where.gte), ("<", where.lt), ("<=", where.lte))
            if bound is not None
        ]
        return " and ".join(parts) if len(parts) == 1 else "(" + " and ".join(parts) + ")"
    if isinstance(where, And):
        return "(" + " and ".join(_group(item) for item in where.items) + ")"
    if isinstance(where, Or):
        return "(" + " or ".join(_group(item) for item in where.items) + ")"
    if isinstance(where, Not):
        return f"not {_group(where.item)}"
    raise InvalidVectorRequest(f"not a filter: {type(where).__name__}")


def _group(item: Filter) -> str:
    # Parenthesize every operand: `not` binds tighter than comparisons in Milvus' grammar, and
    # explicit grouping keeps the meaning independent of precedence rules altogether.
    text = compile_filter(item)
    return text if isinstance(item, And | Or) else f"({text})"
