"""CPU of the token-authenticated path in one process, without HTTP load noise (docs/bench/identity.md).

    python -m tests.bench.bench_token_auth

Measures, on a migrated SQLite database (or `COZEPLUS_BENCH_DATABASE_URL`, an empty migrated one):
- `TokenService.authenticate` with the per-process cache (`token_auth_cache_ttl_s` 5) and without
  it (0), plus the rate limiter on the in-process KV;
- a whole `GET /v1/users/me` through the ASGI app in process (httpx's ASGI transport), with the
  cache on and off, and `/healthz` as the floor of the chain;
- the rate limiter on NATS KV when `COZEPLUS_TEST_NATS_URL` is set: one caller at a time, and 50
  concurrent callers on one token, through the CoalescingCounter and through plain increments.
CPU is `time.process_time()` of this process (all its threads: aiosqlite's included).
Knob: COZEPLUS_BENCH_TOKEN_AUTH_CALLS (2000).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

CALLS = int(os.environ.get("COZEPLUS_BENCH_TOKEN_AUTH_CALLS", "2000"))
NATS_ENV = "COZEPLUS_TEST_NATS_URL"


async def cpu_us(calls: int, step: Callable[[], Awaitable[Any]]) -> float:
    for _ in range(min(200, calls)):
        await step()
    started = time.process_time()
    for _ in range(calls):
        await step()
    return (time.process_time() - started) / calls * 1e6


async def app_figures(data_dir: Path, url: str, ttl: float) -> list[str]:
    import httpx

    from application.common.actor import Actor
    from bootstrap.container import build_container
    from bootstrap.http import build_asgi
    from bootstrap.runtime import Runtime
    from bootstrap.settings import Settings
    from tests.support.identity import create_user

    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=data_dir,
        database_url=url,
        access_log=False,
        rate_limit_token_per_min=10**9,
        rate_limit_user_per_min=10**9,
        token_auth_cache_ttl_s=ttl,
    )
    user = await create_user(settings)
    container = build_container(settings)
    runtime = Runtime(container, role="bench")
    await runtime.start()
    try:
        tokens, limiter = container.identity.token_service(), container.identity.rate_limiter()
        bearer = (await tokens.issue(Actor(user_id=user["id"]), "bench", days=1)).plaintext

        async def auth() -> None:
            await limiter.check(await tokens.authenticate(bearer))

        lines = [f"  authenticate + limiter (in-process KV)   {await cpu_us(CALLS, auth):8.0f} us CPU/call"]
        app = build_asgi(settings, container)
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            headers = {"authorization": f"Bearer {bearer}"}
            assert (await client.get("/v1/users/me", headers=headers)).status_code == 200

            async def me() -> None:
                await client.get("/v1/users/me", headers=headers)

            async def healthz() -> None:
                await client.get("/healthz")

            for label, step in (("GET /v1/users/me", me), ("GET /healthz", healthz)):
                figure = await cpu_us(CALLS, step)
                lines.append(f"  {label + ' (ASGI, in process)':<40}{figure:8.0f} us CPU/request")
        return lines
    finally:
        await runtime.stop()


async def limiter_figures(nats_url: str) -> list[str]:
    from application.common.actor import Actor, TokenGrant
    from application.common.ratelimit import WINDOW_S, RateLimiter
    from infra.kv.nats import NatsKeyValue
    from infra.nats.connection import NatsConnection

    connection = NatsConnection(nats_url)
    await connection.start()
    bucket = f"bench_rate_{uuid.uuid4().hex[:8]}"
    kv = NatsKeyValue(connection, bucket=bucket, max_ttl=3600.0)
    await kv.start()

    class PlainIncrements:  # the limiter as it was: two increments straight on the port
        async def check(self, actor: Actor) -> None:
            window = int(time.time() // WINDOW_S)
            assert actor.token is not None
            await kv.increment(f"rate.token.{actor.token.token_id}.{window}", ttl=WINDOW_S)
            await kv.increment(f"rate.user.{actor.user_id}.{window}", ttl=WINDOW_S)

    lines = []
    try:
        calls = max(CALLS // 5, 100)
        for name, limiter in (
            ("plain increments", PlainIncrements()),
            ("coalescing", RateLimiter(kv, 10**9, 10**9)),
        ):
            actor = Actor(
                user_id=int(time.time() * 1000), token=TokenGrant(time.time_ns(), frozenset(), None)
            )

            async def one(limiter: Any = limiter, actor: Actor = actor) -> None:
                await limiter.check(actor)

            async def fifty(limiter: Any = limiter, actor: Actor = actor) -> None:
                await asyncio.gather(*(limiter.check(actor) for _ in range(50)))

            sequential = await cpu_us(calls, one)
            concurrent = await cpu_us(max(calls // 50, 4), fifty) / 50
            lines.append(
                f"  limiter on NATS KV, {name:<16}  1 caller {sequential:6.0f} us CPU/check;"
                f" 50 concurrent on one token {concurrent:6.0f} us CPU/check"
            )
    finally:
        await connection.jetstream().delete_key_value(bucket)
        await connection.stop()
    return lines


def main() -> int:
    from tests.bench.http_harness import migrate

    load = Path("/proc/loadavg").read_text().split()[:3]
    print(f"load average at start: {' '.join(load)}; {CALLS} calls per figure")
    for ttl in (5.0, 0.0):
        with tempfile.TemporaryDirectory(prefix="cozeplus-bench-token-") as tmp:
            url = os.environ.get("COZEPLUS_BENCH_DATABASE_URL") or f"sqlite+aiosqlite:///{tmp}/cozeplus.db"
            if not os.environ.get("COZEPLUS_BENCH_DATABASE_URL"):
                migrate(url)
            print(f"token_auth_cache_ttl_s={ttl:g} ({url.split('@')[-1].split('?')[0]})")
            for line in asyncio.run(app_figures(Path(tmp), url, ttl)):
                print(line, flush=True)
    if os.environ.get(NATS_ENV):
        for line in asyncio.run(limiter_figures(os.environ[NATS_ENV])):
            print(line, flush=True)
    else:
        print(f"  (limiter on NATS KV: set {NATS_ENV})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
