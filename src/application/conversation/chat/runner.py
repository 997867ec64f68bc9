"""The process-wide owner of detached generations: chat runs outlive the HTTP request that started them.

Each generation is an asyncio task registered here under its chat id. Two things cross process
boundaries through the key-value port, so any API process can act on a chat another one runs:

- cancel: the process that receives a cancel for a chat it does not run writes a flag
  (`chat.cancel.<id>`); the owner polls the flags of its runs every `poll_s` and cancels the task;
- liveness: the owner refreshes `chat.alive.<id>` for its runs every `heartbeat_s`, so a reader
  elsewhere can tell a slow chat from one whose process died (docs/adr/0024-chat-run-engine.md).

Runs younger than one poll are not polled at all: a quick answer never touches the key-value store.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from domain.common.kv import KeyValueStore
from domain.conversation.values import ChatError

log = logging.getLogger("cozeplus.chat")

CANCEL_FLAG_TTL_S = 120.0


def cancel_key(chat_id: int) -> str:
    return f"chat.cancel.{chat_id}"


def alive_key(chat_id: int) -> str:
    return f"chat.alive.{chat_id}"


@dataclass(slots=True)
class LiveRun:
    """A generation running in this process, and what has been asked of it."""

    chat_id: int
    started: float = field(default_factory=time.monotonic)
    task: asyncio.Task[None] | None = None
    cancel_requested: bool = False
    shutting_down: bool = False
    finishing: bool = False  # writing its outcome: too late to cancel
    heartbeat_at: float = 0.0
    failure: ChatError | None = None  # stopped because it cannot go on: fail with this, not cancel

    def stop(self, *, shutdown: bool = False, failure: ChatError | None = None) -> bool:
        """Cancel the task unless it is already writing its outcome; True when it was told to stop.
        With `failure` the run ends failed with that error instead of canceled."""
        if self.finishing or self.task is None or self.task.done():
            return False
        if self.cancel_requested or self.shutting_down or self.failure:  # one cancel() is enough
            return True
        if failure is not None:
            self.failure = failure
        elif shutdown:
            self.shutting_down = True
        else:
            self.cancel_requested = True
        self.task.cancel()
        return True


class ChatRunner:
    def __init__(
        self,
        kv: KeyValueStore,
        *,
        poll_s: float = 0.2,
        heartbeat_s: float = 3.0,
        alive_ttl_s: float = 10.0,
        stop_timeout_s: float = 10.0,
    ) -> None:
        self._kv = kv
        self.poll_s = poll_s
        self.heartbeat_s = heartbeat_s
        self.alive_ttl_s = alive_ttl_s
        self.stop_timeout_s = stop_timeout_s
        self._runs: dict[int, LiveRun] = {}
        self._background: set[asyncio.Task[Any]] = set()
        self._poller: asyncio.Task[None] | None = None
        self._accepting = True

    # -- lifetime (a Runtime resource) ------------------------------------------------------------
    async def start(self) -> None:
        self._accepting = True
        if self._poller is None:
            self._poller = asyncio.create_task(self._poll(), name="chat-runner-poll")

    async def stop(self) -> None:
        """Stop taking runs; running ones are failed cleanly by their own tasks (reason: shutdown)."""
        self._accepting = False
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
            self._poller = None
        for run in list(self._runs.values()):
            run.stop(shutdown=True)
        for task in list(self._background):
            task.cancel()
        pending = [r.task for r in self._runs.values() if r.task is not None] + list(self._background)
        if pending:
            _done, late = await asyncio.wait(pending, timeout=self.stop_timeout_s)
            if late:
                log.warning("chat_runner_stop_timeout pending=%d", len(late))

    # -- runs -------------------------------------------------------------------------------------
    def launch(self, chat_id: int, work: Callable[[LiveRun], Awaitable[None]]) -> LiveRun:
        run = LiveRun(chat_id)
        self._runs[chat_id] = run

        async def body() -> None:
            try:
                await work(run)
            finally:
                self._runs.pop(chat_id, None)

        run.task = asyncio.create_task(body(), name=f"chat-{chat_id}")
        return run

    @property
    def accepting(self) -> bool:
        return self._accepting

    def local(self, chat_id: int) -> LiveRun | None:
        return self._runs.get(chat_id)

    def running(self) -> int:
        return len(self._runs)

    async def request_cancel(self, chat_id: int) -> None:
        """Stop a chat wherever it runs: at once when here, else through the flag its owner polls."""
        run = self._runs.get(chat_id)
        if run is not None:
            run.stop()
            return
        await self._kv.put(cancel_key(chat_id), b"1", ttl=CANCEL_FLAG_TTL_S)

    async def mark_alive(self, chat_id: int) -> None:
        await self._kv.put(alive_key(chat_id), b"1", ttl=self.alive_ttl_s)

    async def alive_elsewhere(self, chat_id: int) -> bool:
        return await self._kv.get(alive_key(chat_id)) is not None

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> None:
        """Background work tied to this process's lifetime (conversation titles, say)."""
        if not self._accepting:
            coro.close()
            return
        task = asyncio.create_task(coro, name=name)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    # -- the poll loop ----------------------------------------------------------------------------
    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self.poll_s)
            try:
                await self.tick()
            except Exception as exc:  # the key-value store is down: keep generating, try again
                log.warning("chat_runner_poll_failed error=%s", repr(exc)[:200])

    async def tick(self) -> None:
        now = time.monotonic()
        for run in list(self._runs.values()):
            if run.finishing or now - run.started < self.poll_s:
                continue
            if await self._kv.get(cancel_key(run.chat_id)) is not None:
                run.stop()
                continue
            if now - run.heartbeat_at >= self.heartbeat_s:
                run.heartbeat_at = now
                await self._kv.put(alive_key(run.chat_id), b"1", ttl=self.alive_ttl_s)
