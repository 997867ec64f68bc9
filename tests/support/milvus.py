"""A private `milvus-lite server` process for fault tests that need to start and stop Milvus at will."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

STOP_WAIT_S = 10.0


@asynccontextmanager
async def milvus_lite_server(port: int, data_dir: Path) -> AsyncIterator[None]:
    """Run the server on 127.0.0.1:`port` until the block ends (it need not be listening yet on entry)."""
    server = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "milvus-lite"),
        "server",
        "--data-dir",
        str(data_dir),
        "--host",
        "127.0.0.1",
        f"--port={port}",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield
    finally:
        server.terminate()
        try:
            await asyncio.wait_for(server.wait(), STOP_WAIT_S)
        except TimeoutError:
            server.kill()
            await server.wait()


async def wait_until(
    probe: Callable[[], Awaitable[bool]], seconds: float = 60.0, interval: float = 0.5
) -> bool:
    """Poll `probe()` until it returns True or `seconds` pass; the result of the last poll."""
    for _ in range(int(seconds / interval)):
        if await probe():
            return True
        await asyncio.sleep(interval)
    return await probe()
