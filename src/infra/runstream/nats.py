"""Run streams on NATS JetStream: one stream, one subject per run, replayable from any process.

Layout: stream `COZEPLUS_RUNS` captures `cozeplus.runs.*`; run `r1` is subject `cozeplus.runs.r1`.
An event's offset is its stream sequence (strictly increasing within a run, not contiguous).
Retention is the stream's `max_age` (the TTL, per message) and `max_msgs_per_subject` (the ring
buffer bound per run). Readers use an ephemeral ordered push consumer filtered to the run's subject,
starting at `after + 1`, so any API process can replay and tail any run.

Appends carry `Nats-Expected-Last-Subject-Sequence`: the server refuses a write that does not follow
the run's last event. That serialises concurrent writers of one run and lets a writer in any process
see the terminal marker and refuse to append after it, without an extra round trip per append.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import AsyncIterator, Mapping
from typing import Any

import nats.errors
import structlog
from nats.aio.msg import Msg
from nats.js import api
from nats.js.errors import APIError, NotFoundError

from domain.common.errors import Conflict
from domain.common.runstream import (
    FINISH_KIND,
    MAX_EVENT_BYTES,
    RunAlreadyFinished,
    RunEvent,
    RunNotFound,
    RunStatus,
    RunStreamUnavailable,
    validate_after,
    validate_kind,
    validate_run_id,
)
from infra.nats.connection import NatsConnection
from infra.nats.resource import JetStreamResource
from infra.runstream.codec import decode_data, encode_data

log = structlog.get_logger("cozeplus.runstream")

KIND_HEADER = "Cozeplus-Kind"
FINAL_HEADER = "Cozeplus-Final"
EXPECTED_LAST = "Nats-Expected-Last-Subject-Sequence"
WRONG_LAST_SEQUENCE = 10071
APPEND_ATTEMPTS = 20
IDLE_CHECK_S = 5.0  # a silent tail re-checks this often that its run has not expired
LOST_CHECK_S = 0.5  # and this often that the connection is still up (a tail never hangs on a dead server)
KNOWN_TAILS = 10_000  # last sequence per run written by this process, to skip a lookup per append


class RunStreamContention(Conflict):
    message_key = "runstream.contention"


class NatsRunStreams(JetStreamResource):
    name = "runstream"
    adapter = "nats-jetstream"

    def __init__(
        self,
        connection: NatsConnection,
        *,
        stream: str = "COZEPLUS_RUNS",
        subject_prefix: str = "cozeplus.runs",
        ttl: float = 3600.0,
        max_events: int = 10_000,
        replicas: int = 1,
        idle_check: float = IDLE_CHECK_S,
    ) -> None:
        if ttl <= 0 or max_events < 1:
            raise ValueError("ttl must be positive and max_events at least 1")
        self.connection = connection
        self.stream = stream
        self.subject_prefix = subject_prefix
        self.ttl = ttl
        self.max_events = max_events
        self.replicas = replicas
        self.idle_check = idle_check
        self._ready = False
        self._last: OrderedDict[str, int] = OrderedDict()

    def _config(self) -> api.StreamConfig:
        return api.StreamConfig(
            name=self.stream,
            description="cozeplus run streams (chat and workflow output)",
            subjects=[f"{self.subject_prefix}.*"],
            storage=api.StorageType.FILE,
            num_replicas=self.replicas,
            max_age=self.ttl,
            max_msgs_per_subject=self.max_events,
            max_msg_size=MAX_EVENT_BYTES + 4096,
            discard=api.DiscardPolicy.OLD,
            duplicate_window=min(120.0, self.ttl),
        )

    # -- JetStreamResource
    _log = log
    _not_ready_event = "runstream_not_ready"
    _unavailable = RunStreamUnavailable

    def _where(self) -> tuple[str, str]:
        return "stream", self.stream

    async def _summary(self) -> str:
        info = await self.connection.probe(lambda: self.connection.jetstream().stream_info(self.stream))
        return f"stream {self.stream}: {info.state.messages} events"

    async def _create(self) -> None:
        js = self.connection.jetstream()
        wanted = self._config()
        try:
            info = await js.stream_info(self.stream)
        except NotFoundError:
            await js.add_stream(wanted)
        else:
            have = info.config
            if (have.subjects, have.max_age, have.max_msgs_per_subject) != (
                wanted.subjects,
                wanted.max_age,
                wanted.max_msgs_per_subject,
            ):
                # Settings changed since the stream was made: the newest process's settings win.
                await js.update_stream(wanted)
                log.info(
                    "runstream_stream_updated", stream=self.stream, ttl=self.ttl, max_events=self.max_events
                )
        self._ready = True

    def _subject(self, run_id: str) -> str:
        return f"{self.subject_prefix}.{run_id}"

    async def append(self, run_id: str, kind: str, data: Mapping[str, Any]) -> int:
        return await self._publish(
            validate_run_id(run_id), validate_kind(kind), encode_data(data), final=False
        )

    async def finish(
        self, run_id: str, kind: str = FINISH_KIND, data: Mapping[str, Any] | None = None
    ) -> int:
        return await self._publish(
            validate_run_id(run_id), validate_kind(kind), encode_data(data), final=True
        )

    async def _publish(self, run_id: str, kind: str, body: bytes, *, final: bool) -> int:
        await self._ensure()
        subject = self._subject(run_id)
        expected = self._last.get(run_id, 0)
        for _ in range(APPEND_ATTEMPTS):
            headers = {KIND_HEADER: kind, EXPECTED_LAST: str(expected)}
            if final:
                headers[FINAL_HEADER] = "1"
            try:
                ack = await self.connection.call(
                    lambda: self.connection.jetstream().publish(
                        subject,
                        body,
                        headers=headers,  # noqa: B023  # awaited within this iteration
                        stream=self.stream,
                    ),
                    RunStreamUnavailable,
                    single=True,
                )
            except APIError as exc:
                if exc.err_code != WRONG_LAST_SEQUENCE:
                    raise
                # Someone else wrote (or the run expired, or we never wrote it): look at the tail.
                last = await self._last_message(subject)
                if last is None:
                    expected = 0
                elif _is_final(last.headers):
                    self._forget(run_id)
                    raise RunAlreadyFinished(run_id=run_id) from None
                else:
                    expected = int(last.seq or 0)
                continue
            self._remember(run_id, ack.seq, final)
            return int(ack.seq)
        raise RunStreamContention(run_id=run_id, attempts=APPEND_ATTEMPTS)

    def _remember(self, run_id: str, seq: int, final: bool) -> None:
        if final:
            self._forget(run_id)
            return
        self._last[run_id] = seq
        self._last.move_to_end(run_id)
        while len(self._last) > KNOWN_TAILS:
            self._last.popitem(last=False)

    def _forget(self, run_id: str) -> None:
        self._last.pop(run_id, None)

    async def _last_message(self, subject: str) -> api.RawStreamMsg | None:
        try:
            # Not the direct-get API: nats-py's form of it is not answered by 2.9 servers.
            return await self.connection.call(
                lambda: self.connection.jetstream().get_msg(self.stream, subject=subject, direct=False),
                RunStreamUnavailable,
                single=True,
            )
        except NotFoundError:
            return None

    async def status(self, run_id: str) -> RunStatus | None:
        subject = self._subject(validate_run_id(run_id))
        await self._ensure()
        last = await self._last_message(subject)
        if last is None:
            return None
        return RunStatus(last_offset=int(last.seq or 0), finished=_is_final(last.headers))

    def read(self, run_id: str, *, after: int = 0, follow: bool = True) -> AsyncIterator[RunEvent]:
        return self._read(validate_run_id(run_id), validate_after(after), follow)

    async def _read(self, run_id: str, after: int, follow: bool) -> AsyncIterator[RunEvent]:
        await self._ensure()
        subject = self._subject(run_id)
        last = await self._last_message(subject)
        if last is None:
            raise RunNotFound(run_id=run_id)
        last_seq = int(last.seq or 0)
        if after >= last_seq and (not follow or _is_final(last.headers)):
            return
        stop_at = None if follow else last_seq
        sub = await self.connection.call(
            lambda: self.connection.jetstream().subscribe(
                subject,
                stream=self.stream,
                ordered_consumer=True,
                config=api.ConsumerConfig(
                    deliver_policy=api.DeliverPolicy.BY_START_SEQUENCE,
                    opt_start_seq=after + 1,
                ),
            ),
            RunStreamUnavailable,
        )
        wait = min(self.idle_check, LOST_CHECK_S)
        try:
            quiet = 0.0
            while True:
                try:
                    msg = await sub.next_msg(timeout=wait)
                except nats.errors.TimeoutError:
                    if not self.connection.is_connected:
                        # Nothing more can arrive: end the tail now, the caller decides what to tell.
                        raise self.connection.breaker.refuse(RunStreamUnavailable) from None
                    quiet += wait
                    # Quiet run: its writer may have died; stop once its events have expired.
                    if quiet >= self.idle_check:
                        quiet = 0.0
                        if await self._last_message(subject) is None:
                            raise RunNotFound(run_id=run_id) from None
                    continue
                quiet = 0.0
                event = _to_event(msg)
                if stop_at is not None and event.offset > stop_at:
                    return
                yield event
                if event.final or (stop_at is not None and event.offset >= stop_at):
                    return
        finally:
            with contextlib.suppress(Exception):  # the consumer is ephemeral; the server reaps it anyway
                await sub.unsubscribe()


def _is_final(headers: Mapping[str, str] | None) -> bool:
    return headers is not None and headers.get(FINAL_HEADER) == "1"


def _to_event(msg: Msg) -> RunEvent:
    headers = msg.headers or {}
    return RunEvent(
        offset=int(msg.metadata.sequence.stream),
        kind=headers.get(KIND_HEADER, ""),
        data=decode_data(msg.data),
        final=headers.get(FINAL_HEADER) == "1",
    )
