"""An HTTP API for plugin tests, served on loopback with `tests.support.fake_llm.serving`: echo
routes for each argument location, an API key in a header or the query, a client-credentials
token endpoint and a bearer-protected route, and misbehaving routes (500, bad JSON, huge, slow)."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from bootstrap.settings import Settings
from tests.support.fake_llm import Receive, ScriptedServer, Send

API_KEY = "k-upstream-secret"


@dataclass
class Seen:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes


class PluginUpstream(ScriptedServer):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[Seen] = []

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        raw = b""
        while True:
            message = await receive()
            raw += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        query = parse_qsl(scope.get("query_string", b"").decode(), keep_blank_values=True)
        seen = Seen(scope["method"], scope["path"], query, headers, raw)
        self.seen.append(seen)
        await self.route(seen, send)

    async def route(self, seen: Seen, send: Send) -> None:
        path, headers = seen.path, seen.headers
        if path.startswith("/v1/forecast/"):
            city = path.removeprefix("/v1/forecast/")
            await self.json_response(
                send,
                200,
                {
                    "city": city,
                    "query": seen.query,
                    "unit": headers.get("x-unit"),
                    "internal": "not declared",
                },
            )
        elif path == "/v1/alerts":
            await self.json_response(send, 201, {"received": json.loads(seen.body or b"null")})
        elif path == "/v1/form":
            await self.json_response(send, 200, {"form": parse_qsl(seen.body.decode())})
        elif path == "/v1/secure":
            ok = headers.get("x-api-key") == API_KEY or ("api_key", API_KEY) in seen.query
            await self.json_response(send, 200 if ok else 401, {"ok": ok})
        elif path == "/v1/broken":
            await self._raw(send, 500, b"upstream exploded", "text/plain")
        elif path == "/v1/notjson":
            await self._raw(send, 200, b"{not json", "application/json")
        elif path == "/v1/huge":
            await self._raw(send, 200, b"x" * (5 * 1024 * 1024), "text/plain")
        elif path == "/v1/slow":
            await asyncio.sleep(3)
            await self.json_response(send, 200, {"late": True})
        else:
            await self.json_response(send, 404, {"error": f"no route {path}"})

    @staticmethod
    async def _raw(send: Send, status: int, body: bytes, content_type: str) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", content_type.encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})


def upstream_settings(
    database_url: str, tmp_path: Path, *servers: ScriptedServer | str, **more: Any
) -> Settings:
    """An app's settings that let it reach `servers` (their base URLs): loopback on their ports only
    (tests only; the guard denies loopback otherwise). `more`: other settings."""
    urls = [s if isinstance(s, str) else s.url for s in servers]
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path / "data",
        database_url=database_url,
        access_log=False,
        outbound_allow_networks=["127.0.0.1/32"],
        outbound_ports=[int(url.rsplit(":", 1)[1].split("/")[0]) for url in urls],
        **more,
    )


def forecast_api(base_url: str, *, failing: bool = False) -> str:
    """An OpenAPI document of this upstream: `get_forecast` (a path and a query argument), and with
    `failing` the `broken` (500) and `not_json` tools."""

    def get(operation_id: str, **extra: Any) -> dict[str, Any]:
        return {"get": {"operationId": operation_id, "responses": {"200": {"description": "ok"}}, **extra}}

    parameters = [
        {"name": "city", "in": "path", "required": True, "schema": {"type": "string"}},
        {"name": "days", "in": "query", "schema": {"type": "integer"}},
    ]
    paths = {"/forecast/{city}": get("get_forecast", summary="The forecast of a city", parameters=parameters)}
    if failing:
        paths.update({"/broken": get("broken"), "/notjson": get("not_json")})
    document = {
        "openapi": "3.0.1",
        "info": {"title": "Weather", "version": "v1"},
        "servers": [{"url": f"{base_url}/v1"}],
        "paths": paths,
    }
    return json.dumps(document)
