"""The built-in plugins: tools that work in a fresh install with no internet — the current time in
any time zone, a calculator, and fetching a web page as text (through the guarded client). They are
described like any OpenAPI tool, so agents bind and models call them the same way; their server is
`builtin:` and the platform runs them itself (infra/plugin/builtin_tools.py)."""

from __future__ import annotations

from domain.plugin.tools import Argument, Location, Method, ToolOperation

BUILTIN_SERVER = "builtin:"


def _tool(
    name: str, description: str, properties: dict[str, dict[str, object]], required: list[str]
) -> ToolOperation:
    schema: dict[str, object] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    routing = tuple(Argument(n, Location.BODY, n in required) for n in properties)
    return ToolOperation(name, Method.POST, f"/{name}", description, schema, routing, {}, "json")


CURRENT_TIME = _tool(
    "current_time",
    "The current date and time in a time zone (IANA name such as Europe/Paris or Asia/Shanghai; "
    "UTC when none is given).",
    {"timezone": {"type": "string", "description": "IANA time zone name", "maxLength": 64}},
    [],
)
CALCULATE = _tool(
    "calculate",
    "Evaluate an arithmetic expression: + - * / // % **, parentheses, and the functions sqrt, "
    "abs, round, floor, ceil, log, log10, exp, sin, cos, tan, min, max with the constants pi and e.",
    {"expression": {"type": "string", "description": "e.g. (3 + 4) * sqrt(2)", "maxLength": 500}},
    ["expression"],
)
FETCH_URL = _tool(
    "fetch_url",
    "Fetch a public web page and return its readable text (at most max_chars characters).",
    {
        "url": {"type": "string", "description": "an http(s) URL", "maxLength": 2048},
        "max_chars": {"type": "integer", "minimum": 100, "maximum": 20000},
    },
    ["url"],
)
BUILTIN_TOOLS = (CURRENT_TIME, CALCULATE, FETCH_URL)
