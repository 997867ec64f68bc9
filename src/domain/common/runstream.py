"""Run streams: the ordered output of one chat or workflow run, replayable from any API process.

A run's writer appends events and finally marks the run finished with a terminal event. Readers
replay from any offset and, when following, wait for new events until that terminal event, so a
client that reconnects (or lands on another API process) resumes where it left off.

Offsets are positive integers that strictly increase within a run; they are opaque (not
necessarily contiguous) so that an adapter can use its log's own sequence numbers. A reader
resumes with `after=<offset of the last event it saw>`; `after=0` starts at the oldest kept event.

Failures: every call is bounded in time. When the store behind the streams cannot be reached
(down, stalled, not connected) a call raises `RunStreamUnavailable` within the adapter's bound —
`read` also mid-iteration — and never hangs or leaks the client library's own errors; callers
retry later or fall back to what the database holds.

Retention: an event is kept for at least the store's TTL after it was appended and a run keeps at
most the store's `max_events` newest events. A run whose events have all expired is unknown.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from domain.common.errors import Conflict, InvalidInput, NotFound, Unavailable

# One subject token in NATS terms: no dots (they would add a level), no wildcards, no whitespace.
RUN_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,128}")
# Event kinds travel as a header: a short name such as "conversation.message.delta".
EVENT_KIND_PATTERN = re.compile(r"[A-Za-z0-9_-]+(?:[.:][A-Za-z0-9_-]+)*")
MAX_KIND_LENGTH = 64
# NATS refuses messages over its max_payload (1 MiB by default); stay well under it.
MAX_EVENT_BYTES = 512 * 1024
FINISH_KIND = "done"


class InvalidRunId(InvalidInput):
    message_key = "runstream.invalid_run_id"


class InvalidRunEvent(InvalidInput):
    message_key = "runstream.invalid_event"


class RunNotFound(NotFound):
    """The run never existed here, or all its events expired."""

    message_key = "runstream.run_not_found"


class RunAlreadyFinished(Conflict):
    message_key = "runstream.run_finished"


class RunStreamUnavailable(Unavailable):
    """The store behind the run streams did not answer in time or is not connected: an append may
    or may not have taken effect (a timed-out one can still land later) and a reader's tail has
    ended; both callers see it within about a second. `service` names the store (NATS)."""

    message_key = "runstream.unavailable"

    def __init__(self, service: str = "NATS", retry_after: int = 1, **params: Any) -> None:
        super().__init__(retry_after, service=service, **params)
        self.service = service


def validate_run_id(run_id: str) -> str:
    if not isinstance(run_id, str) or RUN_ID_PATTERN.fullmatch(run_id) is None:
        raise InvalidRunId(run_id=repr(run_id)[:80], rule="1-128 characters from A-Z a-z 0-9 _ -")
    return run_id


def validate_kind(kind: str) -> str:
    if not isinstance(kind, str) or len(kind) > MAX_KIND_LENGTH or EVENT_KIND_PATTERN.fullmatch(kind) is None:
        raise InvalidRunEvent(
            kind=repr(kind)[:80], rule=f"up to {MAX_KIND_LENGTH} of A-Z a-z 0-9 _ - separated by . or :"
        )
    return kind


def validate_after(after: int) -> int:
    if not isinstance(after, int) or isinstance(after, bool) or after < 0:
        raise InvalidRunEvent(after=repr(after)[:40], rule="a non-negative integer offset")
    return after


@dataclass(frozen=True, slots=True)
class RunEvent:
    offset: int
    kind: str
    data: Mapping[str, Any] = field(default_factory=dict)
    final: bool = False  # the terminal event written by `finish`; readers stop after it


@dataclass(frozen=True, slots=True)
class RunStatus:
    last_offset: int
    finished: bool


class RunStreams(Protocol):
    """Per-run append-only event logs with replay, live tail, a terminal marker and a TTL."""

    name: str

    @property
    def adapter(self) -> str: ...

    async def append(self, run_id: str, kind: str, data: Mapping[str, Any]) -> int:
        """Append one event (JSON-serialisable `data`); returns its offset.

        The first append creates the run. Raises RunAlreadyFinished after `finish`,
        RunStreamUnavailable when the store cannot be reached."""
        ...

    async def finish(
        self, run_id: str, kind: str = FINISH_KIND, data: Mapping[str, Any] | None = None
    ) -> int:
        """Append the terminal event; readers yield it (final=True) and stop. Only once per run."""
        ...

    def read(self, run_id: str, *, after: int = 0, follow: bool = True) -> AsyncIterator[RunEvent]:
        """Events with offset > `after`, oldest first.

        follow=True waits for new events until the terminal one; follow=False stops at the last
        event that existed when reading began. Raises RunNotFound for an unknown run, also when a
        followed run expires before it finished (its writer died). Raises RunStreamUnavailable
        (also between events) when the store cannot be reached; a follower that sees no event
        for a while is not told anything: bound its waits yourself."""
        ...

    async def status(self, run_id: str) -> RunStatus | None:
        """Last offset and whether the run finished; None for an unknown run."""
        ...
