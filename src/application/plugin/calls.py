"""The tool calls of one model step, run on the server: several at once when the model asks for
several, each within its own time limit. A failing call becomes an error result the model reads
(and may correct), never a failed chat; a call that needs the end user's authorization says so,
so the chat can ask the user to consent."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from domain.plugin.invocation import ToolArgumentsInvalid, ToolCallFailed, ToolNeedsAuthorization, ToolTarget
from domain.plugin.ports import ToolRunner

log = logging.getLogger("cozeplus.plugin")

DEFAULT_CALL_TIMEOUT_S = 60.0


@dataclass(frozen=True, slots=True)
class ToolRequest:
    call_id: str  # the model's id for the call, echoed with its result
    target: ToolTarget | None  # None: the model named a tool the agent does not have
    name: str
    arguments: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ToolOutcome:
    call_id: str
    name: str
    text: str  # what the model reads back
    ok: bool
    status: int = 0  # the API's HTTP status, 0 when no answer came
    duration_ms: float = 0.0
    needs_consent: bool = False  # the plugin acts for each user, and this one has not authorized it


def _error(message: str) -> str:
    return json.dumps({"error": message}, ensure_ascii=False)


async def run_calls(
    runner: ToolRunner,
    requests: Sequence[ToolRequest],
    *,
    user_id: int,
    timeout_s: float = DEFAULT_CALL_TIMEOUT_S,
) -> list[ToolOutcome]:
    """The outcomes in the order of `requests`."""
    return list(await asyncio.gather(*(_one(runner, r, user_id, timeout_s) for r in requests)))


async def _one(runner: ToolRunner, request: ToolRequest, user_id: int, timeout_s: float) -> ToolOutcome:
    if request.target is None:
        return ToolOutcome(
            request.call_id, request.name, _error(f"there is no tool named {request.name!r}"), False
        )
    started = time.perf_counter()
    try:
        async with asyncio.timeout(timeout_s):
            answer = await runner.call(request.target, request.arguments, user_id=user_id)
    except TimeoutError:
        text = _error(f"the tool did not answer within {timeout_s:g} s")
    except ToolNeedsAuthorization:
        text = _error("the user has not authorized this plugin yet")
        return ToolOutcome(request.call_id, request.name, text, False, needs_consent=True)
    except (ToolArgumentsInvalid, ToolCallFailed) as failed:
        text = _error(str(failed.params.get("detail") or failed.message_key))
    else:
        return ToolOutcome(
            request.call_id, request.name, answer.text, answer.status < 400, answer.status, answer.duration_ms
        )
    took = (time.perf_counter() - started) * 1000
    log.info("plugin_tool_failed tool=%s duration_ms=%.1f", request.name, took)
    return ToolOutcome(request.call_id, request.name, text, False, 0, took)
