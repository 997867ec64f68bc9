"""Start and stop what a process needs: database, id-generator lease, then every registered resource."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import Sequence
from typing import Protocol

import structlog

from bootstrap.container import Container
from infra.idgen import SnowflakeIds
from infra.persistence.worker_lease import WorkerLeases
from infra.privatefs import private_dir

log = structlog.get_logger("cozeplus.runtime")

LEASE_RENEW_S = 30.0


_frozen = False


def freeze_loaded_objects() -> None:
    """Everything loaded by the first start (modules, dictionaries such as jieba's, caches) lives for
    the whole process: keep it out of the cyclic collector, whose full passes over it stalled
    requests. Once per process, after a collection: a later start (tests build many apps in one
    process) would freeze the garbage of earlier ones for good."""
    global _frozen  # noqa: PLW0603
    if not _frozen:
        gc.collect()
        gc.freeze()
        _frozen = True


class Resource(Protocol):
    """Something with a lifetime: an adapter's connection, a consumer host, a relay loop."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class Runtime:
    """Brings a process up in order and down in reverse. `role` is "serve" or "worker"."""

    def __init__(self, container: Container, *, role: str, resources: Sequence[Resource] = ()) -> None:
        self.container = container
        self.role = role
        self.resources = list(resources)
        self._started: list[Resource] = []
        self._renewer: asyncio.Task[None] | None = None
        self._leased: int | None = None

    @property
    def ids(self) -> SnowflakeIds:
        ids: SnowflakeIds = self.container.core.ids()
        return ids

    async def start(self) -> None:
        private_dir(self.container.settings().data_dir)  # before anything is written below it
        db = self.container.core.database()
        ok, detail = await db.check()
        if not ok:
            raise RuntimeError(f"database unreachable at start-up: {detail}")
        if self.ids.worker_id is None:
            leases: WorkerLeases = self.container.core.worker_leases()
            self._leased = await leases.acquire()
            self.ids.assign(self._leased)
            self._renewer = asyncio.create_task(self._renew(leases), name="worker-lease")
        for resource in self.resources:
            await resource.start()
            self._started.append(resource)
        freeze_loaded_objects()
        log.info("runtime_started", role=self.role, worker_id=self.ids.worker_id, database=db.adapter)

    async def _renew(self, leases: WorkerLeases) -> None:
        while True:
            await asyncio.sleep(LEASE_RENEW_S)
            try:
                if self._leased is not None and not await leases.renew(self._leased):
                    # Someone took our number while we were stalled: take a fresh one before minting more.
                    self._leased = await leases.acquire()
                    self.ids.assign(self._leased)
                    log.warning("worker_lease_reacquired", worker_id=self._leased)
            except Exception as exc:  # keep renewing; the lease outlives a few missed beats
                log.warning("worker_lease_renew_failed", error=type(exc).__name__)

    async def stop(self) -> None:
        while self._started:
            resource = self._started.pop()
            try:
                await resource.stop()
            except Exception as exc:  # one failing resource must not keep the others running
                log.error("resource_stop_failed", resource=type(resource).__name__, error=repr(exc))
        if self._renewer is not None:
            self._renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._renewer
        if self._leased is not None:
            with contextlib.suppress(Exception):
                await self.container.core.worker_leases().release(self._leased)
        await self.container.core.database().dispose()
        log.info("runtime_stopped", role=self.role)
