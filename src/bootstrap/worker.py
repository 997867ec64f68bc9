"""`cozeplus worker`: the process that runs event consumers without serving HTTP."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterable

import structlog

from bootstrap.container import Container, build_container
from bootstrap.infrastructure import infrastructure_resources
from bootstrap.runtime import Runtime
from bootstrap.settings import Settings

log = structlog.get_logger("cozeplus.worker")


async def run_worker(
    settings: Settings, stop_signals: Iterable[signal.Signals], container: Container | None = None
) -> None:
    """Run the outbox relay and the event consumers until one of `stop_signals` arrives."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in stop_signals:
        loop.add_signal_handler(sig, stop.set)
    container = container or build_container(settings)
    runtime = Runtime(container, role="worker", resources=infrastructure_resources(container))
    await runtime.start()
    log.info("worker_ready")
    try:
        await stop.wait()
    finally:
        log.info("worker_stopping")
        await runtime.stop()
