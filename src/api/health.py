"""Liveness, readiness (one entry per wired port) and Prometheus metrics."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, Protocol

from litestar import Response, get
from litestar.datastructures import State
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

READY_TIMEOUT_S = 2.0


class HealthCheck(Protocol):
    name: str

    @property
    def adapter(self) -> str: ...

    async def check(self) -> tuple[bool, str]:
        """(ok, detail); never raises."""
        ...


async def _probe(check: HealthCheck) -> tuple[str, dict[str, Any]]:
    try:
        ok, detail = await asyncio.wait_for(check.check(), READY_TIMEOUT_S)
    except TimeoutError:
        ok, detail = False, f"no answer within {READY_TIMEOUT_S:.0f} s"
    return check.name, {"adapter": check.adapter, "ok": ok, "detail": detail}


@get("/healthz", opt={"public": True}, include_in_schema=False, sync_to_thread=False)
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@get("/readyz", opt={"public": True}, include_in_schema=False)
async def readyz(state: State) -> Response[dict[str, Any]]:
    checks: Sequence[HealthCheck] = state.health_checks
    results = dict(await asyncio.gather(*(_probe(c) for c in checks)))
    ok = all(r["ok"] for r in results.values())
    body = {"status": "ok" if ok else "degraded", "components": results}
    return Response(body, status_code=200 if ok else 503)


@get("/metrics", opt={"public": True}, include_in_schema=False, sync_to_thread=False)
def metrics(state: State) -> Response[bytes]:
    return Response(generate_latest(state.metrics.registry), media_type=CONTENT_TYPE_LATEST)


ROUTES = [healthz, readyz, metrics]
