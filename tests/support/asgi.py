"""One HTTP request as a raw ASGI scope, built the way uvicorn builds it (`path` decoded, `raw_path`
as sent), so bytes an HTTP client library would tidy or refuse reach the app as an attacker sends them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote


@dataclass(frozen=True)
class RawAnswer:
    status: int
    headers: dict[bytes, bytes]  # names lower-cased
    body: bytes
    scope: dict[str, Any]  # kept so a test can read what the app recorded in it


async def raw_request(
    app: Any,
    method: str,
    raw_path: bytes,
    headers: list[tuple[bytes, bytes]],
    body: bytes = b"",
    query: bytes = b"",
) -> RawAnswer:
    header_list = [(b"host", b"testserver.local"), *headers]
    if body:
        header_list += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": unquote(raw_path.decode("latin-1")),
        "raw_path": raw_path,
        "query_string": query,
        "root_path": "",
        "headers": header_list,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver.local", 80),
    }
    delivered = False

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if delivered:
            return {"type": "http.disconnect"}
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    status, response_headers, chunks = 0, {}, []

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, response_headers
        if message["type"] == "http.response.start":
            status = message["status"]
            response_headers = {k.lower(): v for k, v in message.get("headers", [])}
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return RawAnswer(status, response_headers, b"".join(chunks), scope)
