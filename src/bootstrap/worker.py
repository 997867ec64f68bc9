"""`cozeplus worker`: the process that runs event consumers without serving HTTP."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterable

import structlog

from bootstrap.container import build_container
from bootstrap.runtime import Runtime
from bootstrap.settings import Settings

log = structlog.get_logger("cozeplus.worker")


async def run_worker(settings: Settings, stop_signals: Iterable[signal.Signals]) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in stop_signals:
        loop.add_signal_handler(sig, stop.set)
    container = build_container(settings)
    runtime = Runtime(container, role="worker", resources=[container.fulltext.index()])
    await runtime.start()
    log.info("worker_ready")
    try:
        await stop.wait()
    finally:
        log.info("worker_stopping")
        await runtime.stop()
