"""Where a chat turn's time goes in cozeplus itself: server CPU per turn and latency of full streamed
turns through POST /v3/chat against a real `cozeplus serve` (builtin-echo, conversation, messages and
run persisted), beside an authenticated trivial request (GET /v1/users/me) as the platform's floor.

    python -m tests.bench.bench_chat_engine [--turns 300] [--seconds 10] [--clients 50]

SQLite in a temporary data dir by default; COZEPLUS_BENCH_DATABASE_URL points it at MariaDB/MySQL
(an empty database). The client is httpx in this process, so it shares the machine's cores with the
server; "server CPU/turn" (from /proc) is the figure other work on the machine moves least.
tests/bench/bench_chat.py compares whole turns against a bare Litestar SSE app. Figures only.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.support.processes import COZEPLUS, cozeplus_env, free_port, start, wait_http

SENTENCE = "hello there brave new world of streamed words"


def server_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000


class Bench:
    def __init__(self, url: str, token: str, pid: int) -> None:
        self.url, self.pid = url, pid
        self.client = httpx.AsyncClient(
            base_url=url,
            headers={"authorization": f"Bearer {token}"},
            timeout=60,
            limits=httpx.Limits(max_connections=500),
        )
        self.body: dict[str, Any] = {}

    async def setup(self) -> None:
        space = (await self.client.get("/v1/workspaces")).json()["data"]["workspaces"][0]["id"]
        bot = (await self.client.post("/v1/bot/create", json={"space_id": space, "name": "Echo"})).json()[
            "data"
        ]
        await self.client.post("/v1/bot/publish", json={"bot_id": bot["bot_id"], "connector_ids": ["1024"]})
        message = {"role": "user", "content": SENTENCE, "content_type": "text"}
        self.body = {
            "bot_id": bot["bot_id"],
            "user_id": "bench",
            "stream": True,
            "additional_messages": [message],
        }

    async def turn(self, conversation: str = "") -> str:
        r = await self.client.post("/v3/chat", params={"conversation_id": conversation}, json=self.body)
        if not r.content.endswith(b'"[DONE]"\n\n') or b"conversation.chat.completed" not in r.content:
            raise RuntimeError(r.text[-300:])
        return r.text.split('"conversation_id":"', 1)[1].split('"', 1)[0]

    async def sequential(self, turns: int, *, same: bool) -> tuple[float, float, float]:
        conversation = await self.turn() if same else ""
        for _ in range(20):
            await self.turn(conversation)
        cpu, times = server_cpu(self.pid), []
        for _ in range(turns):
            started = time.perf_counter()
            await self.turn(conversation)
            times.append(time.perf_counter() - started)
        return (server_cpu(self.pid) - cpu) / turns * 1000, percentile(times, 0.5), percentile(times, 0.99)

    async def floor(self, requests: int) -> float:
        for _ in range(20):
            await self.client.get("/v1/users/me")
        cpu = server_cpu(self.pid)
        for _ in range(requests):
            await self.client.get("/v1/users/me")
        return (server_cpu(self.pid) - cpu) / requests * 1000

    async def concurrent(self, clients: int, seconds: float) -> tuple[float, int, float, float, float, float]:
        times: list[float] = []
        errors = 0
        stop = time.perf_counter() + seconds

        async def client() -> None:
            nonlocal errors
            conversation = await self.turn()
            while time.perf_counter() < stop:
                started = time.perf_counter()
                try:
                    await self.turn(conversation)
                    times.append(time.perf_counter() - started)
                except Exception:
                    errors += 1

        began, cpu, own = time.perf_counter(), server_cpu(self.pid), time.process_time()
        await asyncio.gather(*(client() for _ in range(clients)))
        elapsed = time.perf_counter() - began
        server_share = (server_cpu(self.pid) - cpu) / elapsed
        client_share = (time.process_time() - own) / elapsed
        rate = len(times) / elapsed
        return rate, errors, percentile(times, 0.5), percentile(times, 0.99), server_share, client_share


async def measure(bench: Bench, args: argparse.Namespace) -> None:
    await bench.setup()
    print(f"{'case':44} {'server CPU ms':>14} {'p50 ms':>8} {'p99 ms':>8}")
    print(f"{'GET /v1/users/me (auth floor)':44} {await bench.floor(args.turns):14.2f}")
    for same in (False, True):
        cpu, p50, p99 = await bench.sequential(args.turns, same=same)
        case = "turn, 1 client, " + ("same conversation" if same else "new conversation each")
        print(f"{case:44} {cpu:14.2f} {p50:8.2f} {p99:8.2f}")
    rate, errors, p50, p99, server, client = await bench.concurrent(args.clients, args.seconds)
    print(
        f"turns, {args.clients} clients (a conversation each): {rate:.1f} turns/s, {errors} errors, "
        f"p50 {p50:.1f} ms, p99 {p99:.1f} ms; cores busy: server {server:.2f}, this client {client:.2f}"
    )
    await bench.client.aclose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=50)
    args = parser.parse_args(argv if argv is not None else [])
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        settings = {
            "COZEPLUS_DATA_DIR": f"{tmp}/data",
            "COZEPLUS_PORT": str(port),
            "COZEPLUS_ACCESS_LOG": "false",
            "COZEPLUS_LOG_LEVEL": "warning",
            "COZEPLUS_RATE_LIMIT_TOKEN_PER_MIN": "0",
            "COZEPLUS_RATE_LIMIT_USER_PER_MIN": "0",
        }
        if os.environ.get("COZEPLUS_BENCH_DATABASE_URL"):
            settings["COZEPLUS_DATABASE_URL"] = os.environ["COZEPLUS_BENCH_DATABASE_URL"]
        env = cozeplus_env(**settings)

        def cli(*words: str) -> str:
            done = subprocess.run([*COZEPLUS, *words], env=env, capture_output=True, text=True, check=True)
            return done.stdout.strip()

        cli("migrate")
        cli("admin", "create-user", "--email", "bench@example.com", "--password", "bench password 1")
        token = cli("admin", "create-token", "--email", "bench@example.com", "--name", "bench", "--days", "1")
        server = start(["serve"], Path(tmp), env, Path(tmp) / "serve.log")
        try:
            wait_http(f"http://127.0.0.1:{port}/healthz")
            print(f"database: {settings.get('COZEPLUS_DATABASE_URL', 'sqlite (embedded)').split('@')[-1]}")
            asyncio.run(measure(Bench(f"http://127.0.0.1:{port}", token, server.pid), args))
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
