"""HTTP overhead of our middleware chain: `/healthz` and the settings GET, ours vs a bare Litestar app.

    python -m tests.bench.bench_http        (or `make bench`, which runs every benchmark)

Both apps are served by uvicorn in their own processes (see http_server.py) on sockets this process
binds on 127.0.0.1, over one migrated SQLite database in a temporary data dir. Admin routes need a
signed-in super admin: the benchmark creates one in that database, signs in over HTTP, and sends the
`session_key` cookie with every settings request (to both apps; bare ignores it) and its own Origin
on the PUT (the CSRF check). /healthz goes without the cookie, as a load balancer's probe does (a
cookie on a public route still costs a session lookup). Rate limits are set to 10^9 a minute, so
the limiter runs but never refuses. Load comes from `wrk`
(one thread, N keep-alive connections) in another process, or from http_load.py when wrk is absent.
Runs alternate between the two apps, round after round, so drift hits both; the table shows medians.
Overhead is the extra time per request against bare: bare req/s / ours req/s - 1, the median of the
pairs measured back to back. The server's CPU per request (from /proc) is printed too: other work on
the machine moves it less than it moves req/s. Our access log stays on (default settings) and goes to
a file. Requests carry `Accept-Encoding: gzip, deflate` as httpx, requests and browsers send it, so the
gzip layer does the work it does for real clients.

Knobs (environment): COZEPLUS_BENCH_HTTP_SECONDS (10), _WARMUP (3), _ROUNDS (3), _CONNECTIONS (50),
_CLIENT (wrk|python; wrk when installed), _ACCEPT_ENCODING ("gzip, deflate"; empty sends none).
bench_identity reads the same knobs under COZEPLUS_BENCH_IDENTITY_.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from tests.bench.http_harness import (
    LoadResult,
    Server,
    environment_lines,
    generate_load,
    http_json,
    migrate,
)
from tests.bench.http_identity import create_admin, session_headers, sign_in

SETTING_KEY = "bench.site"
SETTING_VALUE = {"title": "cozeplus bench", "locales": ["en-US", "zh-CN"], "max_upload_mb": 20}
CASES = (("healthz", "/healthz"), ("setting GET", f"/api/admin/settings/{SETTING_KEY}"))
KINDS = ("bare", "ours")
AIM_PERCENT = 25.0


@dataclass(frozen=True, slots=True)
class Knobs:
    seconds: float
    warmup: float
    rounds: int
    connections: int
    client: str
    headers: tuple[str, ...]

    @classmethod
    def from_env(cls, prefix: str = "COZEPLUS_BENCH_HTTP_") -> Knobs:
        def env(name: str, default: str = "") -> str:
            return os.environ.get(prefix + name, default)

        client = env("CLIENT") or ("wrk" if shutil.which("wrk") else "python")
        if client not in ("wrk", "python"):
            raise SystemExit(f"{prefix}CLIENT must be wrk or python, not {client!r}")
        return cls(
            seconds=float(env("SECONDS", "10")),
            warmup=float(env("WARMUP", "3")),
            rounds=int(env("ROUNDS", "3")),
            connections=int(env("CONNECTIONS", "50")),
            client=client,
            headers=tuple(f"Accept-Encoding: {v}" for v in [env("ACCEPT_ENCODING", "gzip, deflate")] if v),
        )


@dataclass
class CaseRuns:
    runs: dict[str, list[LoadResult]] = field(default_factory=lambda: {k: [] for k in KINDS})

    def median(self, kind: str, attr: str) -> float:
        return float(statistics.median(getattr(r, attr) for r in self.runs[kind]))

    def overheads(self) -> list[float]:
        """Extra time per request, per back-to-back pair, in percent."""
        return [
            (bare.rps / ours.rps - 1) * 100
            for bare, ours in zip(self.runs["bare"], self.runs["ours"], strict=True)
        ]

    def cpu_overhead(self) -> float:
        return (
            self.median("ours", "cpu_us_per_request") / self.median("bare", "cpu_us_per_request") - 1
        ) * 100


def check_payloads(servers: dict[str, Server], headers: Mapping[str, str]) -> list[str]:
    """Both apps must answer the same thing, else the comparison means nothing."""
    notes = []
    health = {kind: http_json(s.port, "GET", "/healthz", headers=headers) for kind, s in servers.items()}
    if health["bare"] != health["ours"] or health["ours"][0] != 200:
        raise RuntimeError(f"/healthz differs: {health}")
    path = CASES[1][1]
    (bare_status, bare_body), (ours_status, ours_body) = (
        http_json(servers[k].port, "GET", path, headers=headers) for k in KINDS
    )
    ours_data = ours_body.get("data") if isinstance(ours_body, dict) else None
    if (bare_status, ours_status) != (200, 200) or ours_data != bare_body:
        raise RuntimeError(
            f"setting GET differs: bare {bare_status} {bare_body}, ours {ours_status} {ours_body}"
        )
    notes.append(
        f"payloads checked: /healthz identical; setting GET: ours = envelope around bare's {bare_body}"
    )
    return notes


def measure(
    servers: dict[str, Server],
    knobs: Knobs,
    cases: Sequence[tuple[str, str]] = CASES,
    case_headers: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, CaseRuns]:
    """Warm-up, then rounds alternating bare and ours. `case_headers[name]` go with every request of
    that case, to both apps (credentials: bare ignores them)."""
    extra = case_headers or {}
    for name, path in cases:  # warm-up: imports, caches, the SQLite page cache, route tables
        for kind in KINDS:
            sent = (*knobs.headers, *extra.get(name, ()))
            generate_load(knobs.client, servers[kind].port, path, knobs.connections, knobs.warmup, sent)
            print(f"  warm-up {name:<12} {kind}", flush=True)
    results = {name: CaseRuns() for name, _ in cases}
    for round_no in range(knobs.rounds):
        order = KINDS if round_no % 2 == 0 else tuple(reversed(KINDS))
        for name, path in cases:
            sent = (*knobs.headers, *extra.get(name, ()))
            for kind in order:
                server = servers[kind]
                cpu_before = server.cpu_seconds()
                run = generate_load(knobs.client, server.port, path, knobs.connections, knobs.seconds, sent)
                cpu_after = server.cpu_seconds()
                run.require_clean(f"{name} on {kind}")
                if cpu_before is not None and cpu_after is not None:
                    run = replace(run, server_cpu_s=cpu_after - cpu_before)
                results[name].runs[kind].append(run)
                print(
                    f"  round {round_no + 1} {name:<12} {kind:<5} {run.rps:9.0f} req/s"
                    f"  p50 {run.p50_ms:6.2f} ms  p99 {run.p99_ms:6.2f} ms"
                    f"  {run.cpu_us_per_request:5.0f} us CPU/req",
                    flush=True,
                )
    return results


def table(results: dict[str, CaseRuns], aim: float | None = AIM_PERCENT) -> list[str]:
    lines = [
        f"{'case':<12} {'app':<5} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'CPU us/req':>10}"
        "  overhead vs bare: time/request (pairs) | server CPU/request",
        "-" * 110,
    ]
    for name, runs in results.items():
        for kind in KINDS:
            row = (
                f"{name:<12} {kind:<5} {runs.median(kind, 'rps'):8.0f} {runs.median(kind, 'p50_ms'):7.2f}"
                f" {runs.median(kind, 'p99_ms'):7.2f} {runs.median(kind, 'cpu_us_per_request'):10.0f}"
            )
            if kind == "ours":
                pairs = runs.overheads()
                row += (
                    f"  {statistics.median(pairs):+.1f}% ({', '.join(f'{p:+.0f}%' for p in pairs)})"
                    f" | {runs.cpu_overhead():+.1f}%"
                )
                if aim is not None:
                    verdict = "within" if statistics.median(pairs) < aim else "OVER"
                    row += f"  -> {verdict} the {aim:.0f}% aim"
            lines.append(row)
    return lines


def main() -> int:
    knobs = Knobs.from_env()
    root = Path(__file__).resolve().parents[2]
    with tempfile.TemporaryDirectory(prefix="cozeplus-bench-http-") as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        url = f"sqlite+aiosqlite:///{data_dir / 'cozeplus.db'}"
        migrate(url)
        admin = create_admin(data_dir, url)
        for line in environment_lines(
            knobs.client, knobs.connections, knobs.seconds, knobs.rounds, knobs.headers
        ):
            print(line)
        print(
            "auth: a super admin signed in over HTTP; its session cookie goes with every setting"
            " request to both apps (bare ignores it), Origin on the PUT, no cookie on /healthz;"
            " rate limits 10^9/min (the limiter runs, never refuses)"
        )
        access_log = Path(tmp) / "ours-stdout.log"
        with (
            Server("bare", root, data_dir, url, Path(tmp) / "bare-stdout.log") as bare,
            Server("ours", root, data_dir, url, access_log) as ours,
        ):
            signed_in = session_headers(ours.port, sign_in(ours.port, admin))
            status, body = http_json(ours.port, "PUT", CASES[1][1], {"value": SETTING_VALUE}, signed_in)
            if status != 200:
                raise RuntimeError(f"PUT setting failed: {status} {body}")
            servers = {"bare": bare, "ours": ours}
            cookie = {"cookie": signed_in["cookie"]}
            for note in check_payloads(servers, cookie):
                print(note)
            results = measure(servers, knobs, CASES, {CASES[1][0]: [f"Cookie: {cookie['cookie']}"]})
        lines = access_log.read_bytes().count(b"\n")
        served = sum(r.requests for runs in results.values() for r in runs.runs["ours"])
    print(f"\nours wrote {lines} stdout lines (access log on, to a file) for {served} measured requests")
    print(
        f"HTTP overhead, {knobs.connections} connections,"
        f" median of {knobs.rounds} runs of {knobs.seconds:.0f} s"
    )
    for line in table(results):
        print(line)
    print(
        json.dumps(
            {name: {k: [r.rps for r in runs.runs[k]] for k in KINDS} for name, runs in results.items()}
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
