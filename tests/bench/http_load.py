"""Fallback load generator for bench_http when `wrk` is not installed.

    python -m tests.bench.http_load --port P --path /healthz --connections 50 --seconds 10
        [--method POST --body '{"json": 1}'] [-H "Name: value" ...]

Opens N keep-alive HTTP/1.1 connections on raw sockets (asyncio, uvloop when installed), each sending
one request after another (the same one every time), and prints one JSON line with the same fields
as the wrk script. It runs in its own process; on a 2-core machine it can still be the bottleneck,
which bench_http points out.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import time


class Tally:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.bytes = 0
        self.status_errors = 0
        self.read_errors = 0
        self.connect_errors = 0


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, int]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length = None
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    if length is None:
        raise ValueError("response without content-length (chunked bodies are not expected here)")
    await reader.readexactly(length)
    return status, len(head) + length


async def _connection(port: int, request: bytes, until: float, tally: Tally) -> None:
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        tally.connect_errors += 1
        return
    try:
        while True:
            started = time.perf_counter()
            if started >= until:
                return
            writer.write(request)
            status, size = await _read_response(reader)
            tally.latencies.append(time.perf_counter() - started)
            tally.bytes += size
            if not 200 <= status < 400:
                tally.status_errors += 1
    except (OSError, asyncio.IncompleteReadError, ValueError):
        tally.read_errors += 1
    finally:
        writer.close()


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, round(p / 100 * (len(sorted_values) - 1)))
    return sorted_values[index]


async def load(
    port: int,
    path: str,
    connections: int,
    seconds: float,
    headers: list[str],
    method: str = "GET",
    body: str | None = None,
) -> dict[str, float]:
    payload = b"" if body is None else body.encode()
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", *headers]
    if body is not None:
        lines.append(f"Content-Length: {len(payload)}")
    request = ("\r\n".join(lines) + "\r\n\r\n").encode() + payload
    tally = Tally()
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(*(_connection(port, request, until, tally) for _ in range(connections)))
    duration = time.perf_counter() - started
    lat = sorted(tally.latencies)
    return {
        "requests": len(lat),
        "duration_us": duration * 1e6,
        "bytes": tally.bytes,
        "p50_us": percentile(lat, 50) * 1e6,
        "p99_us": percentile(lat, 99) * 1e6,
        "max_us": (lat[-1] if lat else 0.0) * 1e6,
        "connect": tally.connect_errors,
        "read": tally.read_errors,
        "write": 0,
        "status": tally.status_errors,
        "timeout": 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--method", default="GET")
    parser.add_argument("--body", default=None, help="the request body, sent as given")
    parser.add_argument("-H", dest="headers", action="append", default=[], help='"Name: value", repeatable')
    args = parser.parse_args()
    coro = load(args.port, args.path, args.connections, args.seconds, args.headers, args.method, args.body)
    if importlib.util.find_spec("uvloop"):
        import uvloop

        result = uvloop.run(coro)
    else:
        result = asyncio.run(coro)
    print("LOAD_RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
