"""Object put/get throughput (MB/s): local directory vs S3 (SeaweedFS), plus the plain disk.

    python -m tests.bench.bench_storage            # S3 from COZEPLUS_TEST_S3_* (scripts/services.py up)

Each size is written `rounds` times under fresh keys, then read back whole; a streamed put (1 MB
chunks) shows the cost of the multipart path. The plain-disk row writes, fsyncs and reads the
same bytes with nothing in between: the ceiling the local adapter can reach on this machine.
"""

from __future__ import annotations

import asyncio
import os
import platform
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from domain.common.storage import ObjectStorage
from infra.clock import SystemClock
from infra.storage.local import LocalObjectStorage
from infra.storage.s3 import S3Config, S3ObjectStorage
from infra.storage.signing import HmacLinkSigner

KB, MB = 1024, 1024 * 1024
SIZES = [(64 * KB, 100), (1 * MB, 30), (16 * MB, 4)]


async def chunked(data: bytes, chunk: int = MB) -> AsyncIterator[bytes]:
    for start in range(0, len(data), chunk):
        yield data[start : start + chunk]


async def timed(rounds: int, action: Callable[[int], Awaitable[object]]) -> float:
    started = time.perf_counter()
    for i in range(rounds):
        await action(i)
    return time.perf_counter() - started


def rate(size: int, rounds: int, seconds: float) -> float:
    return size * rounds / MB / seconds


async def measure(storage: ObjectStorage, prefix: str) -> dict[tuple[str, int], float]:
    results: dict[tuple[str, int], float] = {}
    for size, rounds in SIZES:
        data = os.urandom(size)
        base = f"{prefix}{size}/"

        async def put(i: int, data: bytes = data, base: str = base) -> object:
            return await storage.put(f"{base}{i}", data)

        async def put_stream(i: int, data: bytes = data, base: str = base) -> object:
            return await storage.put(f"{base}s{i}", chunked(data))

        async def get(i: int, base: str = base) -> object:
            return await storage.get(f"{base}{i}")

        results["put", size] = rate(size, rounds, await timed(rounds, put))
        results["put stream", size] = rate(size, rounds, await timed(rounds, put_stream))
        results["get", size] = rate(size, rounds, await timed(rounds, get))
        for i in range(rounds):
            await storage.delete(f"{base}{i}")
            await storage.delete(f"{base}s{i}")
    return results


def plain_disk(folder: Path) -> dict[tuple[str, int], float]:
    results: dict[tuple[str, int], float] = {}
    for size, rounds in SIZES:
        data = os.urandom(size)
        started = time.perf_counter()
        for i in range(rounds):
            with open(folder / f"{size}-{i}", "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        results["put", size] = rate(size, rounds, time.perf_counter() - started)
        started = time.perf_counter()
        for i in range(rounds):
            (folder / f"{size}-{i}").read_bytes()
        results["get", size] = rate(size, rounds, time.perf_counter() - started)
    return results


def s3_from_env() -> S3ObjectStorage | None:
    endpoint = os.environ.get("COZEPLUS_TEST_S3_ENDPOINT")
    if not endpoint:
        return None
    config = S3Config(
        endpoint=endpoint,
        access_key=os.environ["COZEPLUS_TEST_S3_ACCESS_KEY"],
        secret_key=os.environ["COZEPLUS_TEST_S3_SECRET_KEY"],
        bucket=f"cz-bench-{uuid.uuid4().hex[:10]}",
        secure=False,
    )
    return S3ObjectStorage(config)


def table(rows: dict[str, dict[tuple[str, int], float]]) -> str:
    names = list(rows)
    lines = [
        "| operation | size | " + " | ".join(f"{n} MB/s" for n in names) + " | S3 / local |",
        "|---|---|" + "---|" * len(names) + "---|",
    ]
    for op in ("put", "put stream", "get"):
        for size, _ in SIZES:
            cells = [rows[n].get((op, size)) for n in names]
            local, s3 = rows.get("local", {}).get((op, size)), rows.get("s3", {}).get((op, size))
            ratio = f"{s3 / local:.2f}" if local and s3 else "-"
            shown = " | ".join(f"{c:.1f}" if c else "-" for c in cells)
            label = f"{size // MB} MB" if size >= MB else f"{size // KB} KB"
            lines.append(f"| {op} | {label} | {shown} | {ratio} |")
    return "\n".join(lines)


async def main() -> None:
    rows: dict[str, dict[tuple[str, int], float]] = {}
    with tempfile.TemporaryDirectory(prefix="cozeplus-bench-") as tmp:
        rows["plain disk"] = await asyncio.to_thread(plain_disk, Path(tmp))
        local = LocalObjectStorage(
            Path(tmp) / "objects",
            signer=HmacLinkSigner(os.urandom(32)),
            link_base="http://x",
            clock=SystemClock(),
        )
        await local.start()
        rows["local"] = await measure(local, "bench/")
    s3 = s3_from_env()
    if s3 is None:
        print("COZEPLUS_TEST_S3_ENDPOINT not set: S3 skipped (run `python scripts/services.py up seaweedfs`)")
    else:
        await s3.start()
        try:
            rows["s3"] = await measure(s3, "bench/")
        finally:
            await s3.stop()
            from tests.support.storage import drop_bucket

            await asyncio.to_thread(drop_bucket, s3.config)
    print(f"object storage throughput, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print("rounds per size: " + ", ".join(f"{s // KB} KB x {r}" for s, r in SIZES))
    print(table(rows))


if __name__ == "__main__":
    asyncio.run(main())
