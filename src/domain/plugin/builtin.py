"""The built-in plugins: tools that work in a fresh install with no internet — the current time in
any time zone, a calculator, and fetching a web page as text (through the guarded client). They are
described like any OpenAPI tool, so agents bind and models call them the same way; their server is
`builtin:` and the platform runs them itself (infra/plugin/builtin_tools.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.plugin.auth import PluginAuth
from domain.plugin.entities import (
    DebugStatus,
    Plugin,
    PluginKind,
    PluginMeta,
    PluginStatus,
    PluginVersion,
    Tool,
)
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

# Every space has the built-in plugin, published and activated, under an id below every generated id.
BUILTIN_PLUGIN_ID = 1
BUILTIN_NAME = "Built-in tools"
BUILTIN_DESCRIPTION = "The current time, a calculator and fetching a web page: no setup needed."
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def builtin_version(space_id: int) -> PluginVersion:
    """The built-in plugin as a published version of `space_id` (tool ids 1, 2, 3)."""
    tools = tuple(
        Tool(i, BUILTIN_PLUGIN_ID, space_id, op, _EPOCH, debug_status=DebugStatus.PASSED)
        for i, op in enumerate(BUILTIN_TOOLS, start=1)
    )
    meta = PluginMeta(BUILTIN_NAME, BUILTIN_DESCRIPTION, "", BUILTIN_SERVER, PluginAuth())
    return PluginVersion(
        BUILTIN_PLUGIN_ID,
        BUILTIN_PLUGIN_ID,
        space_id,
        "v1.0.0",
        BUILTIN_DESCRIPTION,
        {},
        tools,
        meta,
        0,
        _EPOCH,
    )


def builtin_plugin(space_id: int) -> Plugin:
    """The built-in plugin as the lists show it (nobody edits it)."""
    return Plugin(
        id=BUILTIN_PLUGIN_ID,
        space_id=space_id,
        creator_id=0,
        name=BUILTIN_NAME,
        description=BUILTIN_DESCRIPTION,
        icon_uri="",
        kind=PluginKind.OPENAPI,
        server_url=BUILTIN_SERVER,
        auth=PluginAuth(),
        document={},
        created_at=_EPOCH,
        updated_at=_EPOCH,
        status=PluginStatus.PUBLISHED,
        version_name="v1.0.0",
        published_at=_EPOCH,
    )
