"""Liveness, readiness (one entry per wired port) and Prometheus metrics."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from litestar import HttpMethod, Request, Response, get, route
from litestar.datastructures import State
from prometheus_client import generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

if TYPE_CHECKING:
    from litestar import Litestar
    from litestar.response.base import ASGIResponse

READY_TIMEOUT_S = 2.0
PROBE_METHODS = [HttpMethod.GET, HttpMethod.HEAD]  # load balancers probe with HEAD
T = TypeVar("T")


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


class ProbeResponse(Response[T]):
    """GET's answer; to HEAD the same status and headers (Content-Length included) without the content,
    as RFC 9110 §9.3.2 asks."""

    def to_asgi_response(
        self, app: Litestar | None, request: Request[Any, Any, Any], **kwargs: Any
    ) -> ASGIResponse:
        answer = super().to_asgi_response(app, request, **kwargs)
        if request.method == HttpMethod.HEAD:
            answer.body = b""
        return answer


@route(
    "/healthz", http_method=PROBE_METHODS, opt={"public": True}, include_in_schema=False, sync_to_thread=False
)
def healthz() -> ProbeResponse[dict[str, str]]:
    return ProbeResponse({"status": "ok"})


@route("/readyz", http_method=PROBE_METHODS, opt={"public": True}, include_in_schema=False)
async def readyz(state: State) -> ProbeResponse[dict[str, Any]]:
    checks: Sequence[HealthCheck] = state.health_checks
    results = dict(await asyncio.gather(*(_probe(c) for c in checks)))
    ok = all(r["ok"] for r in results.values())
    body = {"status": "ok" if ok else "degraded", "components": results}
    return ProbeResponse(body, status_code=200 if ok else 503)


@get("/metrics", opt={"public": True}, include_in_schema=False, sync_to_thread=False)
def metrics(state: State) -> Response[bytes]:
    # The header is given whole: as a media type, Litestar would append a second charset to it. The
    # body is the 0.0.4 text format (legacy names, underscore escaping), so that is the version named.
    return Response(
        generate_latest(state.metrics.registry), headers={"content-type": CONTENT_TYPE_PLAIN_0_0_4}
    )


ROUTES = [healthz, readyz, metrics]
