"""Outage figures (issue 11): a server killed under a running `ours` process, then started again.

    python -m tests.bench.bench_faults        (or `make bench`)

Each scenario starts its own private server (never the machine's): a nats-server (JetStream) for
run streams, KV and the event bus over SQLite; a mariadbd for the database. One `ours` process
(uvicorn, one worker, as in bench_http) on it, one signed-in user with a token and a published
echo bot. The client is one synchronous HTTP caller on the same machine, so latencies are per
request, no load.

For each scenario:
- "down -> first fast failure": SIGKILL the server at t0; a caller loops on the route that needs it
  (NATS: a non-streamed `POST /v3/chat`; database: `GET /v1/users/me`); the figure is the time from
  t0 to the end of the first answer that is that server's 503, and that answer's own latency;
- latency of routes that do not need it, with it up and while it is down (NATS: `/v1/users/me`,
  which authenticates against the database and counts the rate limit on KV — fail-open while
  down; database: `/healthz`);
- "return -> full service": the server is started again at t1 (same port and data); the figure is
  the time from t1 to the first success of the route that needs it, and to /readyz answering 200.
Every answer seen is tallied by (status, code): there must be no 500s.

Knobs (environment): COZEPLUS_BENCH_FAULTS_SAMPLES (300 requests per latency figure).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.bench.http_harness import Server, http_exchange, http_json, migrate
from tests.bench.http_identity import create_account, issue_token, session_headers, sign_in

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = int(os.environ.get("COZEPLUS_BENCH_FAULTS_SAMPLES", "300"))
POLL_LIMIT_S = 60.0


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


class Caller:
    def __init__(self, port: int, bearer: str) -> None:
        self.port = port
        self.headers = {"authorization": f"Bearer {bearer}"}
        self.seen: Counter[tuple[int, Any]] = Counter()

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any, float]:
        started = time.perf_counter()
        status, _, decoded = http_exchange(self.port, method, path, body, self.headers)
        took = time.perf_counter() - started
        code = decoded.get("code") if isinstance(decoded, dict) else None
        self.seen[(status, code)] += 1
        return status, code, took

    def latencies(self, method: str, path: str, body: Any = None) -> tuple[float, float, Counter[Any]]:
        times: list[float] = []
        answers: Counter[Any] = Counter()
        for _ in range(SAMPLES):
            status, code, took = self.call(method, path, body)
            times.append(took)
            answers[(status, code)] += 1
        times.sort()
        return statistics.median(times), times[int(len(times) * 0.99) - 1], answers

    def until(
        self, done: Callable[[int, Any], bool], method: str, path: str, body: Any = None
    ) -> tuple[float, float]:
        """Loop on the route from now until `done(status, code)`; (time until then, last latency)."""
        started = time.perf_counter()
        while True:
            status, code, took = self.call(method, path, body)
            if done(status, code):
                return time.perf_counter() - started, took
            if time.perf_counter() - started > POLL_LIMIT_S:
                raise RuntimeError(f"{path}: still {status}/{code} after {POLL_LIMIT_S:.0f} s")

    def ready_after(self) -> float:
        started = time.perf_counter()
        while http_json(self.port, "GET", "/readyz")[0] != 200:
            if time.perf_counter() - started > POLL_LIMIT_S:
                raise RuntimeError("/readyz never recovered")
            time.sleep(0.01)
        return time.perf_counter() - started


def published_bot(port: int, cookie: str, bearer: str) -> str:
    headers = session_headers(port, cookie)
    _, space = http_json(port, "POST", "/api/playground_api/space/save", {"name": "Faults"}, headers)
    _, models = http_json(port, "POST", "/api/bot/get_type_list", {}, headers)
    echo = next(m["model_type"] for m in models["data"]["model_list"] if m["model_name"] == "builtin-echo")
    auth = {"authorization": f"Bearer {bearer}"}
    body = {"space_id": space["data"]["id"], "name": "Echo", "model_info_config": {"model_id": echo}}
    _, made = http_json(port, "POST", "/v1/bot/create", body, auth)
    bot = str(made["data"]["bot_id"])
    _, published = http_json(
        port, "POST", "/v1/bot/publish", {"bot_id": bot, "connector_ids": ["1024"]}, auth
    )
    assert published["code"] == 0, published
    return bot


def chat_body(bot: str) -> dict[str, Any]:
    return {
        "bot_id": bot,
        "user_id": "bench",
        "stream": False,
        "additional_messages": [{"role": "user", "content": "hi", "content_type": "text"}],
    }


def report(
    name: str,
    route: str,
    other: str,
    up: Any,
    fail: tuple[float, float],
    down: Any,
    back: tuple[float, float],
    ready: float,
    seen: Counter[Any],
) -> list[str]:
    return [
        f"### {name}",
        "",
        "| figure | value |",
        "|---|---|",
        f"| down -> first fast failure ({route}) | {_ms(fail[0])} (that answer took {_ms(fail[1])}) |",
        f"| {other} with the server up: p50 / p99 | {_ms(up[0])} / {_ms(up[1])} |",
        f"| {other} while it is down: p50 / p99 | {_ms(down[0])} / {_ms(down[1])} |",
        f"| {other} answers while down | {dict(down[2])} |",
        f"| return -> {route} succeeds | {_ms(back[0])} |",
        f"| return -> /readyz 200 | {_ms(ready)} |",
        f"| every answer seen, (status, code): count | {dict(seen)} |",
        "",
    ]


def nats_scenario(tmp: Path, *, freeze: bool) -> list[str]:
    """Killed (the client sees the connection drop at once) or frozen with SIGSTOP (the connection
    stays up and nothing answers: only the call timeout and the breaker help)."""
    import signal

    from tests.support.nats_server import PrivateNats

    tmp = tmp / ("frozen" if freeze else "killed")
    nats = PrivateNats(tmp / "nats")
    nats.start()
    data, url = tmp / "data-nats", f"sqlite+aiosqlite:///{tmp / 'nats.db'}"
    migrate(url)
    account = create_account(data, url, superuser=False)
    env = {"COZEPLUS_NATS_URL": nats.url, "COZEPLUS_ACCESS_LOG": "false"}
    try:
        with Server("ours", ROOT, data, url, tmp / "ours-nats.log", env=env) as server:
            cookie = sign_in(server.port, account)
            token = issue_token(server.port, cookie)
            bot = published_bot(server.port, cookie, token)
            c = Caller(server.port, token)
            c.until(lambda s, code: s == 200 and code == 0, "POST", "/v3/chat", chat_body(bot))
            up = c.latencies("GET", "/v1/users/me")
            assert nats.proc is not None
            if freeze:
                nats.proc.send_signal(signal.SIGSTOP)
            else:
                nats.proc.kill()
                nats.proc.wait()
            fail = c.until(lambda s, code: (s, code) == (503, 5032), "POST", "/v3/chat", chat_body(bot))
            _, _, next_took = c.call("POST", "/v3/chat", chat_body(bot))
            down = c.latencies("GET", "/v1/users/me")
            if freeze:
                nats.proc.send_signal(signal.SIGCONT)
            else:
                nats.start()
            back = c.until(lambda s, code: s == 200 and code == 0, "POST", "/v3/chat", chat_body(bot))
            ready = c.ready_after() + back[0]
            name = (
                "NATS frozen (SIGSTOP), then resumed" if freeze else "NATS killed (SIGKILL), then restarted"
            )
            table = report(name, "POST /v3/chat", "GET /v1/users/me", up, fail, down, back, ready, c.seen)
            table.insert(5, f"| the next POST /v3/chat while down | {_ms(next_took)} |")
            return table
    finally:
        nats.stop()


def database_scenario(tmp: Path) -> list[str]:
    from tests.support.mariadb_server import PrivateMariaDb

    db = PrivateMariaDb(tmp / "mariadb")
    db.start()
    data = tmp / "data-db"
    migrate(db.url)
    account = create_account(data, db.url, superuser=False)
    env = {"COZEPLUS_ACCESS_LOG": "false"}
    try:
        with Server("ours", ROOT, data, db.url, tmp / "ours-db.log", env=env) as server:
            cookie = sign_in(server.port, account)
            token = issue_token(server.port, cookie)
            c = Caller(server.port, token)
            up = c.latencies("GET", "/healthz")
            db.kill()
            fail = c.until(lambda s, code: (s, code) == (503, 5031), "GET", "/v1/users/me")
            down = c.latencies("GET", "/healthz")
            db.start()
            back = c.until(lambda s, code: s == 200 and code == 0, "GET", "/v1/users/me")
            ready = c.ready_after() + back[0]
            return report(
                "MariaDB killed (SIGKILL) and restarted",
                "GET /v1/users/me",
                "GET /healthz",
                up,
                fail,
                down,
                back,
                ready,
                c.seen,
            )
    finally:
        db.stop()


def main() -> int:
    lines = [
        f"date: {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}; {os.cpu_count()} cores;"
        f" load average {os.getloadavg()[0]:.2f} at start; {SAMPLES} requests per latency figure",
        "",
    ]
    with tempfile.TemporaryDirectory(prefix="cozeplus-bench-faults-") as raw:
        tmp = Path(raw)
        lines += nats_scenario(tmp, freeze=False)
        lines += nats_scenario(tmp, freeze=True)
        lines += database_scenario(tmp)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
