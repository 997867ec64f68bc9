"""An agent turn with one server tool call against one without: `python -m tests.bench.bench_agent_tools`.

One `cozeplus serve` (embedded defaults: SQLite, in-process run streams) and one loopback API
(tests/support/plugin_upstream.py, uvicorn) that the server may reach (its port on the outbound
allow-list). Two published agents on builtin-echo, which costs next to nothing itself:
  plain   no tools; the question is streamed back
  tool    bound to the published plugin tool `get_forecast`; the question asks for one call, so the
          turn is two model steps with the server's call between them (function_call and
          tool_response messages streamed and stored)
Each turn is a streamed POST /v3/chat read to the end, on a new conversation. The two kinds
alternate round by round so drift hits both alike. Knob: COZEPLUS_BENCH_AGENT_TURNS (default 200).
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from tests.bench.bench_plugins import percentile
from tests.support.fake_llm import serving
from tests.support.plugin_upstream import PluginUpstream, forecast_api
from tests.support.plugin_world import manifest
from tests.support.served import Account, model_id, served_app, sign_up

ASK_TOOL = '/tool get_forecast {"city": "Oslo", "days": 2}'
ASK_PLAIN = "what is the forecast for Oslo in two days"


def _plugin(account: Account, route: str, body: dict[str, object]) -> dict[str, object]:
    answer = account.web.post(f"/api/plugin_api/{route}", json=body).json()
    assert answer["code"] == 0, (route, answer)
    return dict(answer)


def published_tool(account: Account, upstream_url: str) -> dict[str, str]:
    made = _plugin(
        account,
        "register",
        {"space_id": account.space_id, "ai_plugin": manifest(), "openapi": forecast_api(upstream_url)},
    )
    plugin_id = str(made["data"]["plugin_id"])  # type: ignore[index]
    _plugin(account, "publish_plugin", {"plugin_id": plugin_id, "version_name": "v1.0.0"})
    apis = _plugin(account, "get_plugin_apis", {"plugin_id": plugin_id, "page": 1, "size": 10})
    (tool,) = apis["api_info"]  # type: ignore[misc]
    return {"plugin_id": plugin_id, "api_id": str(tool["api_id"])}


def bot(api: httpx.Client, account: Account, model: str, **config: object) -> str:
    body = {"space_id": account.space_id, "name": "Bench", "model_info_config": {"model_id": model}, **config}
    made = api.post("/v1/bot/create", json=body).json()
    assert made["code"] == 0, made
    bot_id = str(made["data"]["bot_id"])
    published = api.post("/v1/bot/publish", json={"bot_id": bot_id, "connector_ids": ["1024"]}).json()
    assert published["code"] == 0, published
    return bot_id


def turn(api: httpx.Client, bot_id: str, text: str) -> tuple[float, list[str]]:
    body = {
        "bot_id": bot_id,
        "user_id": "bench",
        "stream": True,
        "additional_messages": [{"role": "user", "content": text, "content_type": "text"}],
    }
    started = time.perf_counter()
    raw = api.post("/v3/chat", json=body).text
    took = (time.perf_counter() - started) * 1000
    kinds = [
        json.loads(line[5:])["type"]
        for line in raw.splitlines()
        if line.startswith("data:") and '"type"' in line and '"role"' in line
    ]
    assert "event:conversation.chat.completed" in raw, raw[-500:]
    return took, kinds


def _line(name: str, values: list[float]) -> str:
    return (
        f"  {name:<6} p50 {statistics.median(values):7.2f}  p95 {percentile(values, 0.95):7.2f}"
        f"  mean {statistics.fmean(values):7.2f}"
    )


def main() -> int:
    turns = int(os.environ.get("COZEPLUS_BENCH_AGENT_TURNS", "200"))
    with serving(PluginUpstream()) as upstream, tempfile.TemporaryDirectory() as tmp:
        port = upstream.url.rsplit(":", 1)[1]
        allow = {
            "COZEPLUS_OUTBOUND_ALLOW_NETWORKS": '["127.0.0.1/32"]',
            "COZEPLUS_OUTBOUND_PORTS": f"[{port}]",
        }
        with served_app("embedded", Path(tmp), settings=allow) as served:
            account = sign_up(served, "bench")
            model = model_id(account, "builtin-echo")
            tool = published_tool(account, upstream.url)
            headers = {"Authorization": f"Bearer {account.token}"}
            with httpx.Client(base_url=served.base_url, headers=headers, timeout=60) as api:
                plain_bot = bot(api, account, model)
                tool_bot = bot(api, account, model, plugin_id_list={"id_list": [tool]})
                _, kinds = turn(api, tool_bot, ASK_TOOL)
                assert kinds[:2] == ["function_call", "tool_response"], kinds
                for _ in range(10):  # warm-up
                    turn(api, plain_bot, ASK_PLAIN)
                    turn(api, tool_bot, ASK_TOOL)
                plain: list[float] = []
                tooled: list[float] = []
                for _ in range(turns):
                    plain.append(turn(api, plain_bot, ASK_PLAIN)[0])
                    tooled.append(turn(api, tool_bot, ASK_TOOL)[0])
    print(f"{turns} turns each, alternating; streamed POST /v3/chat to the end, new conversation each (ms):")
    print(_line("plain", plain))
    print(_line("tool", tooled))
    print(f"  added by the tool step: p50 {statistics.median(tooled) - statistics.median(plain):.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
