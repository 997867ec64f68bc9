"""The built-in tools, run in-process (domain/plugin/builtin.py describes them).

The calculator walks Python's own expression parser's tree and evaluates only numbers, arithmetic
and a list of math functions, with caps on the expression's length, the size of powers and of the
numbers it builds: no names, attributes, calls of anything else, or code ever run."""

from __future__ import annotations

import ast
import datetime as dt
import json
import math
import operator
import re
import time
import zoneinfo
from collections.abc import Callable, Mapping
from typing import Any

import lxml.etree
import lxml.html

from domain.common.outbound import OutboundClient, OutboundFailed, OutboundRefused, OutboundRequest
from domain.plugin.builtin import CALCULATE, CURRENT_TIME, FETCH_URL
from domain.plugin.invocation import ToolAnswer, ToolArgumentsInvalid, ToolCallFailed, ToolTarget
from infra.plugin.http_tool import checked_arguments

MAX_POWER = 10_000
MAX_DIGITS = 1000
FETCH_TIMEOUT_S = 20.0
FETCH_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_PAGE_CHARS = 8000

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {ast.UAdd: operator.pos, ast.USub: operator.neg}
_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "sqrt": math.sqrt,
    "abs": abs,
    "round": round,
    "floor": math.floor,
    "ceil": math.ceil,
    "log": math.log,
    "log10": math.log10,
    "exp": math.exp,
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "min": min,
    "max": max,
}
_CONSTANTS = {"pi": math.pi, "e": math.e}


def calculate(expression: str) -> int | float:
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        raise ToolArgumentsInvalid(detail="the expression is not arithmetic") from None
    try:
        result = _value(tree.body)
    except ZeroDivisionError:
        raise ToolArgumentsInvalid(detail="division by zero") from None
    except (OverflowError, ValueError) as exc:
        raise ToolArgumentsInvalid(detail=f"the expression cannot be computed: {exc}") from None
    if not isinstance(result, int | float):
        raise ToolArgumentsInvalid(detail="the result is not a number")
    return result


def _value(node: ast.AST) -> Any:
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
    ):
        return node.value
    if isinstance(node, ast.Name) and node.id in _CONSTANTS:
        return _CONSTANTS[node.id]
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_value(node.operand))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _value(node.left), _value(node.right)
        if isinstance(node.op, ast.Pow) and abs(right) > MAX_POWER:
            raise ToolArgumentsInvalid(detail=f"powers are limited to {MAX_POWER}")
        result = _BINARY[type(node.op)](left, right)
        if isinstance(result, int) and result.bit_length() > MAX_DIGITS * 4:
            raise ToolArgumentsInvalid(detail=f"the result has more than {MAX_DIGITS} digits")
        if isinstance(result, complex):
            raise ToolArgumentsInvalid(detail="the result is not a real number")
        return result
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _FUNCTIONS
        and not node.keywords
        and 1 <= len(node.args) <= 8
    ):
        return _FUNCTIONS[node.func.id](*(_value(a) for a in node.args))
    raise ToolArgumentsInvalid(detail=f"not allowed in an expression: {ast.unparse(node)[:80]}")


def current_time(zone: str | None, now: dt.datetime | None = None) -> dict[str, str]:
    name = zone or "UTC"
    try:
        tz = zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ToolArgumentsInvalid(detail=f"unknown time zone {name!r}") from None
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(tz)
    return {
        "timezone": name,
        "datetime": moment.isoformat(timespec="seconds"),
        "weekday": moment.strftime("%A"),
        "utc_offset": moment.strftime("%z"),
    }


_INVISIBLE = ("script", "style", "noscript", "template", "svg", "head")
_BLOCKS = (
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header",
    "footer", "blockquote", "pre", "table", "ul", "ol", "dd", "dt", "title",
)  # fmt: skip
_BLANKS = re.compile(r"[ \t\r\f\v]+")


def page_text(html: bytes) -> str:
    """A page's visible text, one line per block, for a model to read (not for indexing: knowledge
    documents go through the knowledge context's own HTML parser)."""
    try:
        root = lxml.html.document_fromstring(html, parser=lxml.html.HTMLParser(remove_comments=True))
    except (lxml.etree.ParserError, ValueError):
        return ""
    for element in list(root.iter(*_INVISIBLE)):
        element.drop_tree()
    for element in root.iter(*_BLOCKS):  # each block ends its line
        element.tail = "\n" + (element.tail or "")
    lines = (_BLANKS.sub(" ", line).strip() for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


class BuiltinToolRunner:
    def __init__(self, outbound: OutboundClient) -> None:
        self._outbound = outbound

    async def call(self, target: ToolTarget, arguments: Any, *, user_id: int = 0) -> ToolAnswer:
        checked = checked_arguments(target, arguments)
        started = time.perf_counter()
        name = target.operation.name
        body: Any
        if name == CURRENT_TIME.name:
            body = current_time(checked.get("timezone"))
        elif name == CALCULATE.name:
            body = {"expression": checked["expression"], "result": calculate(str(checked["expression"]))}
        elif name == FETCH_URL.name:
            body = await self._fetch(str(checked["url"]), int(checked.get("max_chars", DEFAULT_PAGE_CHARS)))
        else:
            raise ToolCallFailed(detail=f"there is no built-in tool {name!r}")
        took = (time.perf_counter() - started) * 1000
        shown = {"method": "BUILTIN", "url": f"builtin:{name}", "headers": {}, "body": json.dumps(checked)}
        return ToolAnswer(200, body, json.dumps(body, ensure_ascii=False), shown, took)

    async def _fetch(self, url: str, max_chars: int) -> Mapping[str, Any]:
        try:
            response = await self._outbound.send(
                OutboundRequest(url, timeout_s=FETCH_TIMEOUT_S, max_bytes=FETCH_MAX_BYTES)
            )
        except OutboundRefused as refused:
            raise ToolCallFailed(detail=f"the URL is not allowed: {refused}") from None
        except OutboundFailed as failed:
            raise ToolCallFailed(detail=f"the page could not be fetched: {failed}") from None
        if response.status >= 400:
            return {"url": response.url, "status": response.status, "text": ""}
        if response.content_type in ("text/html", "application/xhtml+xml"):
            text = page_text(response.body)
        elif response.content_type.startswith("text/") or response.content_type.endswith("json"):
            text = response.body.decode("utf-8", "replace")
        else:
            raise ToolCallFailed(detail=f"the page is {response.content_type or 'not text'}, not text")
        return {"url": response.url, "status": response.status, "text": text[:max_chars]}
