"""One model step's tool calls: run together, each within its limit, failures as results."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from application.plugin.calls import ToolRequest, run_calls
from domain.plugin.invocation import (
    ToolAnswer,
    ToolArgumentsInvalid,
    ToolCallFailed,
    ToolNeedsAuthorization,
    ToolTarget,
)
from domain.plugin.tools import Method, ToolOperation


def target(name: str) -> ToolTarget:
    return ToolTarget(1, 2, ToolOperation(name, Method.GET, "/x", "", {"type": "object"}), "https://api.test")


class Runner:
    """Answers by tool name; `gate` holds every call until all `expected` calls have started."""

    def __init__(self, expected: int = 0) -> None:
        self.started: list[str] = []
        self.finished: list[str] = []
        self._expected = expected
        self._all_in = asyncio.Event()

    async def call(self, target: ToolTarget, arguments: Any, *, user_id: int = 0) -> ToolAnswer:
        name = target.operation.name
        self.started.append(name)
        if len(self.started) >= self._expected:
            self._all_in.set()
        await self._all_in.wait()
        try:
            if name == "slow":
                await asyncio.sleep(10)
            if name == "bad_args":
                raise ToolArgumentsInvalid(detail="days: 'x' is not of type 'integer'")
            if name == "down":
                raise ToolCallFailed(detail="the API could not be reached: refused")
            if name == "consent":
                raise ToolNeedsAuthorization(plugin_id="1")
            return ToolAnswer(200, {"echo": arguments}, json.dumps({"echo": arguments}), {}, 1.0)
        finally:
            self.finished.append(name)


async def test_calls_run_together_and_failures_become_results_in_order() -> None:
    names = ["ok", "bad_args", "down", "slow", "ok"]
    runner = Runner(expected=len(names))  # would wait forever if the calls ran one after another
    requests = [ToolRequest(f"c{i}", target(n), n, {"i": i}) for i, n in enumerate(names)]
    requests.append(ToolRequest("c9", None, "imaginary", {}))
    outcomes = await run_calls(runner, requests, user_id=3, timeout_s=0.5)
    assert [o.call_id for o in outcomes] == ["c0", "c1", "c2", "c3", "c4", "c9"]
    assert [o.ok for o in outcomes] == [True, False, False, False, True, False]
    assert json.loads(outcomes[0].text) == {"echo": {"i": 0}}
    errors = [json.loads(o.text)["error"] for o in outcomes[1:4]] + [json.loads(outcomes[5].text)["error"]]
    assert errors == [
        "days: 'x' is not of type 'integer'",
        "the API could not be reached: refused",
        "the tool did not answer within 0.5 s",
        "there is no tool named 'imaginary'",
    ]


async def test_a_call_that_needs_the_users_consent_says_so_and_the_others_still_run() -> None:
    runner = Runner(expected=2)
    requests = [ToolRequest("a", target("consent"), "consent", {}), ToolRequest("b", target("ok"), "ok", {})]
    asked, done = await run_calls(runner, requests, user_id=3)
    assert (asked.needs_consent, asked.ok) == (True, False)
    assert json.loads(asked.text) == {"error": "the user has not authorized this plugin yet"}
    assert (done.needs_consent, done.ok) == (False, True)
    assert sorted(runner.finished) == ["consent", "ok"]
