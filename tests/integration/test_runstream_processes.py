"""A run written by one OS process is tailed by another (two API processes sharing NATS)."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from pathlib import Path

import pytest

from infra.nats.connection import NatsConnection
from infra.runstream.nats import NatsRunStreams
from tests.support.servers import server_url

ROOT = Path(__file__).resolve().parents[2]

WRITER = """
import asyncio, sys
from infra.nats.connection import NatsConnection
from infra.runstream.nats import NatsRunStreams

async def main(url, stream, prefix, run_id):
    connection = NatsConnection(url)
    await connection.start()
    streams = NatsRunStreams(connection, stream=stream, subject_prefix=prefix)
    for i in range(5):
        await streams.append(run_id, "message.delta", {"i": i})
    await streams.finish(run_id, "done", {"status": "completed"})
    await connection.stop()

asyncio.run(main(*sys.argv[1:]))
"""


@pytest.mark.nats
async def test_run_written_by_another_process_is_replayed_and_tailed() -> None:
    url = server_url("COZEPLUS_TEST_NATS_URL")
    tag = uuid.uuid4().hex[:10]
    stream, prefix, run_id = f"CPT_PROC_{tag}", f"cpt.{tag}.runs", f"run-{tag}"
    connection = NatsConnection(url)
    await connection.start()
    streams = NatsRunStreams(connection, stream=stream, subject_prefix=prefix, idle_check=0.2)
    try:
        await streams.append(run_id, "run.created", {})  # the run exists before the writer starts
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        writer = await asyncio.create_subprocess_exec(
            sys.executable, "-c", WRITER, url, stream, prefix, run_id, env=env
        )
        async with asyncio.timeout(30):
            events = [e async for e in streams.read(run_id)]
            assert await writer.wait() == 0
        assert [e.kind for e in events] == ["run.created", *["message.delta"] * 5, "done"]
        assert [e.data.get("i") for e in events[1:6]] == [0, 1, 2, 3, 4]
        assert events[-1].final
        assert events[-1].data == {"status": "completed"}
    finally:
        await connection.jetstream().delete_stream(stream)
        await connection.stop()
