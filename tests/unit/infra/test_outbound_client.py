"""The guarded client end to end against a loopback server this test starts (allowed by the
operator's allow-list, as an intranet API would be); every other address is judged by the guard
alone and never connected to."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import pytest

from domain.common.outbound import (
    OutboundFailed,
    OutboundRefused,
    OutboundRequest,
    OutboundTimeout,
    OutboundTooLarge,
)
from infra.outbound.client import GuardedHttpClient
from infra.outbound.policy import AddressPolicy

Handler = Callable[[str, dict[str, str], asyncio.StreamWriter], Awaitable[None]]


@dataclass
class Loopback:
    port: int
    seen_hosts: list[str]


def _answer(status: str, body: bytes = b"", headers: dict[str, str] | None = None) -> bytes:
    lines = [f"HTTP/1.1 {status}", f"content-length: {len(body)}", "connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


@pytest.fixture
async def loopback() -> AsyncIterator[Loopback]:
    seen: list[str] = []
    port_box: list[int] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode()
        request_line, *header_lines = head.strip().split("\r\n")
        path = request_line.split(" ")[1]
        headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in header_lines)}
        seen.append(headers.get("host", ""))
        port = port_box[0]
        if path == "/ok":
            writer.write(_answer("200 OK", b"hello", {"content-type": "text/plain; charset=utf-8"}))
        elif path == "/to-private":
            writer.write(_answer("302 Found", headers={"location": "http://intranet.test/secret"}))
        elif path == "/to-metadata":
            writer.write(
                _answer("307 Temporary Redirect", headers={"location": "http://169.254.169.254/latest"})
            )
        elif path == "/to-ssh":
            writer.write(_answer("302 Found", headers={"location": "http://127.0.0.1:22/"}))
        elif path == "/to-file":
            writer.write(_answer("302 Found", headers={"location": "file:///etc/passwd"}))
        elif path == "/hop":
            writer.write(_answer("302 Found", headers={"location": f"http://127.0.0.1:{port}/ok"}))
        elif path == "/loop":
            writer.write(_answer("302 Found", headers={"location": "/loop"}))
        elif path == "/big-declared":
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 99999999\r\nconnection: close\r\n\r\n")
        elif path == "/big-chunked":
            writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n")
            for _ in range(64):
                writer.write(b"400\r\n" + b"x" * 1024 + b"\r\n")
                await writer.drain()
            writer.write(b"0\r\n\r\n")
        elif path == "/stall":
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc")
            await writer.drain()
            await asyncio.sleep(5)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port_box.append(server.sockets[0].getsockname()[1])
    yield Loopback(port_box[0], seen)
    server.close()
    await server.wait_closed()


async def _names(host: str, port: int) -> list[str]:
    table = {"api.test": ["127.0.0.1"], "intranet.test": ["10.0.0.5"], "127.0.0.1": ["127.0.0.1"]}
    if host not in table:
        raise AssertionError(f"the test's resolver was asked for {host}")
    return table[host]


def _client(port: int, **kwargs: object) -> GuardedHttpClient:
    policy = AddressPolicy.from_settings(["127.0.0.1/32"], [80, 443, port])
    return GuardedHttpClient(policy, resolver=_names, **kwargs)  # type: ignore[arg-type]


async def test_an_allowed_host_is_fetched_through_its_checked_address(loopback: Loopback) -> None:
    client = _client(loopback.port)
    response = await client.send(OutboundRequest(f"http://api.test:{loopback.port}/ok"))
    await client.aclose()
    assert (response.status, response.body, response.content_type) == (200, b"hello", "text/plain")
    assert loopback.seen_hosts == [f"api.test:{loopback.port}"]  # connected to the address, named the host


async def test_redirects_are_followed_and_each_hop_is_checked(loopback: Loopback) -> None:
    client = _client(loopback.port)
    response = await client.send(OutboundRequest(f"http://127.0.0.1:{loopback.port}/hop"))
    assert response.url.endswith("/ok") and response.body == b"hello"
    for path, reason in [
        ("/to-private", "intranet.test resolves to 10.0.0.5 is a private network"),
        ("/to-metadata", "169.254.169.254 is link-local"),
        ("/to-ssh", "port 22 is not allowed"),
        ("/to-file", "file"),
    ]:
        with pytest.raises(OutboundRefused, match=reason):
            await client.send(OutboundRequest(f"http://127.0.0.1:{loopback.port}{path}"))
    with pytest.raises(OutboundFailed, match="too many redirects"):
        await client.send(OutboundRequest(f"http://127.0.0.1:{loopback.port}/loop"))
    await client.aclose()


async def test_loopback_is_refused_without_the_allow_list(loopback: Loopback) -> None:
    client = GuardedHttpClient(AddressPolicy.from_settings([], [loopback.port]), resolver=_names)
    with pytest.raises(OutboundRefused, match="loopback"):
        await client.send(OutboundRequest(f"http://api.test:{loopback.port}/ok"))
    await client.aclose()
    assert loopback.seen_hosts == []


async def test_bodies_over_the_limit_fail_whether_declared_or_streamed(loopback: Loopback) -> None:
    client = _client(loopback.port, max_bytes=16 * 1024)
    for path in ("/big-declared", "/big-chunked"):
        with pytest.raises(OutboundTooLarge):
            await client.send(OutboundRequest(f"http://127.0.0.1:{loopback.port}{path}"))
    # A request may lower the limit, never raise it.
    with pytest.raises(OutboundTooLarge):
        await client.send(OutboundRequest(f"http://127.0.0.1:{loopback.port}/ok", max_bytes=2))
    await client.aclose()


async def test_a_stalled_answer_times_out_within_the_bound(loopback: Loopback) -> None:
    client = _client(loopback.port)
    with pytest.raises(OutboundTimeout):
        await client.send(OutboundRequest(f"http://127.0.0.1:{loopback.port}/stall", timeout_s=0.3))
    await client.aclose()


@pytest.mark.parametrize(
    "url", ["ftp://api.test/x", "gopher://api.test:70/", "http:///nohost", "//api.test/"]
)
async def test_urls_that_are_not_http_are_refused(url: str) -> None:
    client = _client(80)
    with pytest.raises(OutboundRefused):
        await client.send(OutboundRequest(url))
    await client.aclose()
