"""Identity figures (issue 4): token auth + permission check per request, and login throughput.

    python -m tests.bench.bench_identity        (or `make bench`, which runs every benchmark)

Same set-up as bench_http (see there and http_harness.py): ours (the full app) and a bare Litestar
app, each under uvicorn in its own process, over one migrated SQLite database in a temporary data
dir; load from `wrk` (or http_load.py); runs alternate between the apps round after round.

(a) Token auth: `GET /v1/users/me` with `Authorization: Bearer pat_...` on ours (token lookup by
    keyed hash, user check, rate limiter on the KV port, scope check, then the handler's own read)
    against bare's `/v1/users/me`, which reads the same user row by id through the same engine with
    no auth at all; `/healthz` on both is the unauthenticated reference in the same run. The extra
    time of auth and the application layers is ours' extra on users/me minus ours' extra on /healthz
    (the chain alone). "Warm cache": after the warm-up (statement caches, SQLite pages, the token's
    once-a-minute `last_used_at` write already done). Rate limits are 10^9 a minute: the limiter
    counts every request but never refuses.
(b) Login throughput: `POST /api/passport/web/email/login/` with the right password at a few
    concurrency levels. argon2id dominates a login, so the run also measures a bare argon2 verify
    (same parameters as the app's hasher) in this process as the baseline, right before each login
    run. The server verifies on its event loop thread, so one process cannot exceed the one-thread
    rate, and other requests wait while a verify runs.

Knobs (environment): COZEPLUS_BENCH_IDENTITY_SECONDS (10), _WARMUP (3), _ROUNDS (3), _CONNECTIONS
(50), _CLIENT (wrk|python), _ACCEPT_ENCODING ("gzip, deflate"); for logins _LOGIN_LEVELS ("1,4,16"),
_LOGIN_SECONDS (8), _LOGIN_ROUNDS (2), _ARGON2_SECONDS (2: the bare argon2 run before each login run).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

from tests.bench.bench_http import KINDS, CaseRuns, Knobs, measure, table
from tests.bench.http_harness import (
    LoadResult,
    Server,
    environment_lines,
    generate_load,
    http_json,
    migrate,
)
from tests.bench.http_identity import (
    LOGIN_PATH,
    Account,
    create_account,
    issue_token,
    origin,
    sign_in,
)

PREFIX = "COZEPLUS_BENCH_IDENTITY_"
CASES = (("healthz", "/healthz"), ("users/me", "/v1/users/me"))


@dataclass(frozen=True, slots=True)
class LoginKnobs:
    levels: tuple[int, ...]
    seconds: float
    rounds: int
    argon2_seconds: float

    @classmethod
    def from_env(cls) -> LoginKnobs:
        env = os.environ.get
        return cls(
            levels=tuple(int(v) for v in env(PREFIX + "LOGIN_LEVELS", "1,4,16").split(",") if v.strip()),
            seconds=float(env(PREFIX + "LOGIN_SECONDS", "8")),
            rounds=int(env(PREFIX + "LOGIN_ROUNDS", "2")),
            argon2_seconds=float(env(PREFIX + "ARGON2_SECONDS", "2")),
        )


@dataclass(frozen=True, slots=True)
class Argon2Rate:
    threads: int
    verifies: int
    wall_s: float
    cpu_s: float  # this process's CPU over the run (all threads)

    @property
    def per_s(self) -> float:
        return self.verifies / self.wall_s

    @property
    def cpu_ms(self) -> float:
        return self.cpu_s / self.verifies * 1000


def argon2_rate(password: str, threads: int, seconds: float) -> Argon2Rate:
    """Bare argon2id verifications of a correct password with the app's hasher and parameters.
    argon2-cffi releases the GIL while hashing, so threads show what the cores can do together."""
    from infra.security.passwords import Argon2PasswordHasher

    hasher = Argon2PasswordHasher()
    stored = asyncio.run(hasher.hash(password))
    counts = [0] * threads
    until = time.perf_counter() + seconds

    def work(slot: int) -> None:
        while time.perf_counter() < until:
            if not hasher._verify(stored, password):  # the blocking part, without the thread hop
                raise RuntimeError("argon2 verify refused the right password")
            counts[slot] += 1

    cpu0, wall0 = time.process_time(), time.perf_counter()
    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return Argon2Rate(threads, sum(counts), time.perf_counter() - wall0, time.process_time() - cpu0)


def check_payloads(servers: dict[str, Server], bearer: str) -> str:
    """ours' users/me `data` must equal bare's answer, and a wrong token must be refused."""
    auth = {"authorization": f"Bearer {bearer}"}
    bare_status, bare_body = http_json(servers["bare"].port, "GET", CASES[1][1], headers=auth)
    ours_status, ours_body = http_json(servers["ours"].port, "GET", CASES[1][1], headers=auth)
    ours_data = ours_body.get("data") if isinstance(ours_body, dict) else None
    if (bare_status, ours_status) != (200, 200) or ours_data != bare_body:
        raise RuntimeError(
            f"users/me differs: bare {bare_status} {bare_body}, ours {ours_status} {ours_body}"
        )
    wrong = {"authorization": "Bearer pat_" + "x" * 43}
    status, body = http_json(servers["ours"].port, "GET", CASES[1][1], headers=wrong)
    if status != 401:
        raise RuntimeError(f"a wrong token was not refused: {status} {body}")
    return f"payloads checked: users/me: ours = envelope around bare's {bare_body}; a wrong token gets 401"


def auth_cost(results: dict[str, CaseRuns]) -> list[str]:
    """ours' extra over bare per request, on users/me and on /healthz, and the difference: what token
    auth, the limiter, the scope check and the application layers add beyond the chain."""

    def time_us(case: str, kind: str) -> float:
        return 1e6 / results[case].median(kind, "rps")  # server time per request when saturated

    def cpu_us(case: str, kind: str) -> float:
        return results[case].median(kind, "cpu_us_per_request")

    lines = ["extra per request, ours - bare (medians):   time/request (1 / req/s)   server CPU/request"]
    extra = {}
    for case, _ in CASES:
        extra[case] = (
            time_us(case, "ours") - time_us(case, "bare"),
            cpu_us(case, "ours") - cpu_us(case, "bare"),
        )
        lines.append(f"  {case:<40} {extra[case][0]:+10.0f} us {extra[case][1]:+18.0f} us")
    auth_time = extra["users/me"][0] - extra["healthz"][0]
    auth_cpu = extra["users/me"][1] - extra["healthz"][1]
    lines.append(f"  {'token auth + limiter + app layers':<40} {auth_time:+10.0f} us {auth_cpu:+18.0f} us")
    p50 = results["users/me"].median("ours", "p50_ms") - results["users/me"].median("bare", "p50_ms")
    p99 = results["users/me"].median("ours", "p99_ms") - results["users/me"].median("bare", "p99_ms")
    lines.append(f"  users/me latency at 50 connections, ours - bare: p50 {p50:+.2f} ms, p99 {p99:+.2f} ms")
    return lines


def measure_logins(
    ours: Server, account: Account, knobs: Knobs, login: LoginKnobs
) -> tuple[dict[int, list[LoadResult]], list[Argon2Rate]]:
    """Login runs per concurrency level, each right after a bare argon2 run in this process, so the
    baseline sees the same moment's machine (other work moves both)."""
    body = json.dumps({"email": account.email, "password": account.password})
    headers = (*knobs.headers, "Content-Type: application/json", f"Origin: {origin(ours.port)}")
    generate_load(knobs.client, ours.port, LOGIN_PATH, 1, 2, headers, method="POST", body=body)
    print("  warm-up login      c=1", flush=True)
    runs: dict[int, list[LoadResult]] = {c: [] for c in login.levels}
    baselines: list[Argon2Rate] = []
    for round_no in range(login.rounds):
        for level in login.levels:
            bare = argon2_rate(account.password, 1, login.argon2_seconds)
            baselines.append(bare)
            cpu_before = ours.cpu_seconds()
            run = generate_load(
                knobs.client, ours.port, LOGIN_PATH, level, login.seconds, headers, method="POST", body=body
            )
            cpu_after = ours.cpu_seconds()
            run.require_clean(f"login at concurrency {level}")
            if cpu_before is not None and cpu_after is not None:
                run = replace(run, server_cpu_s=cpu_after - cpu_before)
            runs[level].append(run)
            print(
                f"  round {round_no + 1} argon2 verify  {bare.per_s:7.1f}/s {bare.cpu_ms:6.2f} ms CPU each;"
                f" login c={level:<3} {run.rps:7.1f} logins/s"
                f"  p50 {run.p50_ms:7.2f} ms  p99 {run.p99_ms:7.2f} ms"
                f"  {run.cpu_us_per_request / 1000:6.2f} ms CPU/login",
                flush=True,
            )
    return runs, baselines


def login_table(runs: dict[int, list[LoadResult]], single: Argon2Rate) -> list[str]:
    def med(level: int, attr: str) -> float:
        return float(statistics.median(getattr(r, attr) for r in runs[level]))

    lines = [
        f"{'concurrency':>11} {'logins/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/login':>13}"
        "  argon2 share of login CPU | logins/s vs bare argon2 (1 thread)",
        "-" * 110,
    ]
    for level in runs:
        cpu_ms, rate = med(level, "cpu_us_per_request") / 1000, med(level, "rps")
        lines.append(
            f"{level:>11} {rate:9.1f} {med(level, 'p50_ms'):8.2f} {med(level, 'p99_ms'):8.2f}"
            f" {cpu_ms:13.2f}  {single.cpu_ms / cpu_ms * 100:25.0f}% | {rate / single.per_s * 100:.0f}%"
        )
    return lines


def main() -> int:
    knobs = Knobs.from_env(PREFIX)
    login = LoginKnobs.from_env()
    root = Path(__file__).resolve().parents[2]
    with tempfile.TemporaryDirectory(prefix="cozeplus-bench-identity-") as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        url = f"sqlite+aiosqlite:///{data_dir / 'cozeplus.db'}"
        migrate(url)
        account = create_account(data_dir, url, superuser=False)
        for line in environment_lines(
            knobs.client, knobs.connections, knobs.seconds, knobs.rounds, knobs.headers
        ):
            print(line)
        from bootstrap.settings import Settings

        kv = Settings(data_dir=data_dir, database_url=url).kv_adapter
        print(
            f"auth: a personal access token (no scopes, no space) of a regular user, made over HTTP;"
            f" rate limits 10^9/min on the {kv} KV (the limiter counts, never refuses)"
        )
        with (
            Server(
                "bare", root, data_dir, url, Path(tmp) / "bare-stdout.log", ["--me", str(account.id)]
            ) as bare,
            Server("ours", root, data_dir, url, Path(tmp) / "ours-stdout.log") as ours,
        ):
            token = issue_token(ours.port, sign_in(ours.port, account))
            servers = {"bare": bare, "ours": ours}
            print(check_payloads(servers, token))
            results = measure(servers, knobs, CASES, {"users/me": [f"Authorization: Bearer {token}"]})
            logins, baselines = measure_logins(ours, account, knobs, login)
            double = argon2_rate(account.password, 2, login.argon2_seconds)
    single = Argon2Rate(
        1,
        sum(b.verifies for b in baselines),
        sum(b.wall_s for b in baselines),
        sum(b.cpu_s for b in baselines),
    )
    print(
        f"\n(a) token auth: {knobs.connections} connections, median of {knobs.rounds} runs"
        f" of {knobs.seconds:g} s; users/me: ours with a bearer token, bare without auth"
    )
    for line in table(results, aim=None):
        print(line)
    for line in auth_cost(results):
        print(line)
    print(
        json.dumps(
            {name: {k: [r.rps for r in runs.runs[k]] for k in KINDS} for name, runs in results.items()}
        )
    )
    print(
        f"\n(b) login throughput: {login.rounds} runs of {login.seconds:g} s per level, medians;"
        " right password; each login verifies argon2id, writes a session and an audit row"
    )
    print(
        f"bare argon2id verify (this process, app's parameters), over the {len(baselines)} runs before"
        f" the logins: 1 thread {single.per_s:.1f}/s ({single.cpu_ms:.1f} ms CPU each);"
        f" 2 threads (once, at the end) {double.per_s:.1f}/s"
    )
    for line in login_table(logins, single):
        print(line)
    print(json.dumps({str(level): [r.rps for r in rs] for level, rs in logins.items()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
