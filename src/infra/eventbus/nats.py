"""NATS JetStream event bus: one stream of domain events, one durable pull consumer per (group, topic).

Publishing sets `Nats-Msg-Id` to the dedupe id, so the server drops repeats inside its duplicate
window; consumers skip older repeats through the processed-event record. The retry bound is kept by
the application, not by the server's max_deliver: a message whose deliveries all died mid-handler
still ends as a dead letter instead of vanishing.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import orjson
import structlog
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import (
    AckPolicy,
    ConsumerConfig,
    DeliverPolicy,
    RetentionPolicy,
    StorageType,
    StreamConfig,
)
from nats.js.errors import BadRequestError, NotFoundError

from domain.common.eventbus import (
    Consumer,
    Event,
    EventBusUnavailable,
    Listener,
    checked_dedupe_id,
    checked_group,
    checked_topic,
)
from infra.eventbus.book import SubscriptionBook
from infra.eventbus.delivery import DeliveryRunner, Outcome
from infra.nats.connection import NatsConnection
from infra.persistence.eventbus import short_error

log = structlog.get_logger("cozeplus.eventbus")

MSG_ID = "Nats-Msg-Id"
DEDUPE_HEADER = "Cozeplus-Dedupe-Id"
GROUP_HEADER = "Cozeplus-Group"  # set on replays: only this group handles the message
FETCH_TIMEOUT_S = 1.0


def durable_name(consumer: Consumer) -> str:
    # Groups have no dashes and topic segments none either, so this mapping cannot collide.
    return f"{consumer.group}-{consumer.topic.replace('.', '-')}"


class NatsEventBus(SubscriptionBook):
    name = "eventbus"
    adapter = "nats-jetstream"

    def __init__(
        self,
        connection: NatsConnection,
        runner: DeliveryRunner,
        *,
        stream: str = "COZEPLUS_EVENTS",
        subject_prefix: str = "cozeplus.events",
        ack_wait_s: float = 30.0,
        max_age_s: float = 7 * 86400,
        duplicate_window_s: float = 300.0,
        publish_timeout_s: float = 2.0,
        batch_size: int = 100,
        consumers: Sequence[Consumer] = (),
        listeners: Sequence[Listener] = (),
    ) -> None:
        super().__init__(runner, batch_size, consumers, listeners)
        self._conn = connection
        self.stream = stream
        self.prefix = subject_prefix
        self._ack_wait = ack_wait_s
        self._max_age = max_age_s
        self._dup_window = duplicate_window_s
        self._publish_timeout = publish_timeout_s
        self._subs: list[JetStreamContext.PullSubscription] = []
        self._fetching: set[asyncio.Task[Any]] = set()  # loops waiting for messages, none in hand
        self._supervisor: asyncio.Task[Any] | None = None
        self._ready = False
        self._last_error = "not started"
        self._listen_subs: list[Any] = []
        connection.on_reconnected(self._resync_listeners)

    def subject(self, topic: str) -> str:
        return f"{self.prefix}.{checked_topic(topic)}"

    # ------------------------------------------------------------ publishing

    def _js(self) -> JetStreamContext:
        return self._conn.jetstream()

    async def publish(self, topic: str, payload: dict[str, Any], dedupe_id: str) -> None:
        await self.publish_batch([Event(topic, payload, dedupe_id)])

    async def publish_batch(self, events: Sequence[Event]) -> None:
        messages = [
            (self.subject(e.topic), orjson.dumps(e.payload), {MSG_ID: checked_dedupe_id(e.dedupe_id)})
            for e in events
        ]

        async def send() -> None:
            js = self._js()
            # Concurrent requests pipeline on the one connection; any failure fails the batch, and the
            # relay's retry is harmless because the server drops ids it has already stored.
            await asyncio.gather(
                *(
                    js.publish(
                        subject, data, timeout=self._publish_timeout, stream=self.stream, headers=headers
                    )
                    for subject, data, headers in messages
                )
            )

        await self._guarded(send)

    async def _guarded(self, send: Callable[[], Awaitable[None]]) -> None:
        """Through the connection's breaker: a bus that is down refuses at once, never hangs a caller."""
        try:
            # A batch of the relay's gets the publish timeout, not the per-request one.
            await self._conn.call(send, EventBusUnavailable, timeout_s=self._publish_timeout)
        except EventBusUnavailable:
            raise
        except Exception as exc:  # the server answered with an error: not published either
            raise EventBusUnavailable(detail=short_error(exc)[:200]) from exc

    async def redeliver(self, group: str, event: Event) -> None:
        headers = {
            # A fresh message id: the original one may still be inside the duplicate window.
            MSG_ID: f"replay-{uuid.uuid4().hex}",
            DEDUPE_HEADER: checked_dedupe_id(event.dedupe_id),
            GROUP_HEADER: checked_group(group),
        }

        async def send() -> None:
            await self._js().publish(
                self.subject(event.topic),
                orjson.dumps(event.payload),
                timeout=self._publish_timeout,
                stream=self.stream,
                headers=headers,
            )

        await self._guarded(send)

    # ------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Set up at once when NATS answers; otherwise keep trying in the background (readyz degraded)."""
        self._started = True
        self._stopping.clear()
        try:
            await self._setup()
        except Exception as exc:
            self._last_error = short_error(exc)[:200]
            log.warning("eventbus_nats_unavailable", url=self._conn.url, error=self._last_error)
            self._supervisor = asyncio.create_task(self._setup_until_ready(), name="eventbus-nats-setup")
        else:
            self._supervisor = asyncio.create_task(self._stopping.wait(), name="eventbus-nats-idle")

    async def _setup_until_ready(self) -> None:
        delay = 0.5
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), delay)
            if self._stopping.is_set():
                return
            try:
                await self._setup()
                log.info("eventbus_nats_ready", url=self._conn.url)
                return
            except Exception as exc:
                self._last_error = short_error(exc)[:200]
                delay = min(delay * 2, 10.0)

    async def _setup(self) -> None:
        await self._conn.start()
        await self.ensure_stream()
        js = self._js()
        subs: list[tuple[Consumer, JetStreamContext.PullSubscription]] = []
        try:
            for consumer in self._consumers:
                config = ConsumerConfig(
                    durable_name=durable_name(consumer),
                    deliver_policy=DeliverPolicy.NEW,
                    ack_policy=AckPolicy.EXPLICIT,
                    ack_wait=self._ack_wait,
                    max_deliver=-1,
                    max_ack_pending=1000,
                )
                subject = self.subject(consumer.topic)
                sub = await js.pull_subscribe(
                    subject, durable=durable_name(consumer), stream=self.stream, config=config
                )
                subs.append((consumer, sub))
            # Listeners: plain (core NATS) subscriptions on the same subjects. JetStream publishes
            # reach them too, in every process, at most once; nats-py resubscribes after reconnects.
            listen_subs = [
                await self._conn.client.subscribe(self.subject(topic), cb=self._hear)
                for topic in sorted({listener.topic for listener in self._listeners})
            ]
        except BaseException:
            for _, sub in subs:  # a later attempt subscribes everything again
                await _quietly(sub.unsubscribe())
            raise
        self._listen_subs = listen_subs
        self._subs = [sub for _, sub in subs]
        for consumer, sub in subs:
            self._tasks.append(
                asyncio.create_task(self._consume(consumer, sub), name=f"eventbus-{durable_name(consumer)}")
            )
        self._ready = True

    async def ensure_stream(self) -> None:
        js = self._js()
        config = StreamConfig(
            name=self.stream,
            subjects=[f"{self.prefix}.>"],
            storage=StorageType.FILE,
            retention=RetentionPolicy.LIMITS,
            max_age=self._max_age,
            duplicate_window=self._dup_window,
        )
        try:
            await js.stream_info(self.stream)
        except NotFoundError:
            await js.add_stream(config)
        else:
            with contextlib.suppress(BadRequestError):  # unchanged settings are not an error
                await js.update_stream(config)

    async def stop(self) -> None:
        self._stopping.set()
        if self._supervisor is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
            self._supervisor = None
        self._started = False
        for task in list(self._fetching):  # idle loops have nothing to finish
            task.cancel()
        await self._stop_loops()
        for sub in self._subs:  # a pull subscription left open would hold up the connection's drain
            await _quietly(sub.unsubscribe())
        self._subs.clear()
        for listen_sub in self._listen_subs:
            await _quietly(listen_sub.unsubscribe())
        self._listen_subs.clear()
        self._ready = False  # the shared connection is stopped by its own owner

    # ------------------------------------------------------------ consuming

    async def _consume(self, consumer: Consumer, sub: JetStreamContext.PullSubscription) -> None:
        me = asyncio.current_task()
        assert me is not None
        while not self._stopping.is_set():
            try:
                self._fetching.add(me)
                try:
                    messages = await sub.fetch(self._batch, timeout=FETCH_TIMEOUT_S)
                finally:
                    self._fetching.discard(me)
            except TimeoutError:
                continue
            except Exception as exc:  # disconnected or server restarting: the client reconnects
                log.debug("eventbus_fetch_failed", durable=durable_name(consumer), error=type(exc).__name__)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), 0.5)
                continue
            for msg in messages:
                if self._stopping.is_set():
                    await _quietly(msg.nak())  # shutting down: hand it to another process now
                    continue
                await self._handle(consumer, msg)

    async def _handle(self, consumer: Consumer, msg: Msg) -> None:
        headers = msg.headers or {}
        target = headers.get(GROUP_HEADER)
        if target is not None and target != consumer.group:
            await _quietly(msg.ack())
            return
        attempt = msg.metadata.num_delivered
        dedupe_id = (
            headers.get(DEDUPE_HEADER) or headers.get(MSG_ID) or f"nats-seq-{msg.metadata.sequence.stream}"
        )
        topic = msg.subject[len(self.prefix) + 1 :]
        try:
            payload = orjson.loads(msg.data)
            event = Event(topic, payload, dedupe_id, attempt=attempt)
        except Exception as exc:  # nobody can ever handle it: dead-letter at once
            raw = {"raw": msg.data[:4096].decode("utf-8", "replace")}
            safe = Event(consumer.topic, raw, f"nats-seq-{msg.metadata.sequence.stream}", attempt=attempt)
            await self._runner.dead_letter(consumer, safe, f"undecodable message: {short_error(exc)}")
            await _quietly(msg.ack())
            return
        heartbeat = asyncio.create_task(self._keep_in_progress(msg))
        try:
            outcome = await self._runner.run(consumer, event)
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
        if outcome is Outcome.RETRY:
            await _quietly(msg.nak(delay=self._runner.retry.delay(attempt)))
        else:
            # A lost ack only means a redelivery, which the processed record turns into a no-op.
            await _quietly(msg.ack())

    async def _hear(self, msg: Msg) -> None:
        headers = msg.headers or {}
        if GROUP_HEADER in headers:  # a dead-letter replay is meant for one consumer group only
            return
        topic = msg.subject[len(self.prefix) + 1 :]
        try:
            event = Event(topic, orjson.loads(msg.data), headers.get(MSG_ID) or "nats-core")
        except Exception as exc:
            log.warning("eventbus_listener_undecodable", subject=msg.subject, error=short_error(exc)[:200])
            return
        for listener in self._listeners:
            if listener.topic == topic:
                try:
                    await listener.handler(event)
                except Exception as exc:  # one listener's failure must not stop the others
                    log.warning("eventbus_listener_failed", topic=topic, error=short_error(exc)[:300])

    async def _resync_listeners(self) -> None:
        """Events published while this process was cut off never reach its core subscriptions:
        tell each listener that it may have missed some, so caches re-read the database now."""
        if not self._ready:
            return
        for listener in self._listeners:
            if listener.on_gap is not None:
                try:
                    await listener.on_gap()
                except Exception as exc:  # one listener's failure must not stop the others
                    log.warning(
                        "eventbus_listener_resync_failed", topic=listener.topic, error=short_error(exc)
                    )

    async def _keep_in_progress(self, msg: Msg) -> None:
        while True:
            await asyncio.sleep(self._ack_wait / 3)
            await _quietly(msg.in_progress())

    async def check(self) -> tuple[bool, str]:
        if not self._ready:
            return False, f"setting up: {self._last_error}"
        ok, detail = await self._conn.check()
        if not ok:
            return False, f"nats {detail}"
        try:
            info = await self._conn.probe(lambda: self._js().stream_info(self.stream))
        except Exception as exc:  # readiness reports, never raises
            return False, f"stream {self.stream}: {type(exc).__name__}"
        running, stopped = self._running_loops()
        if stopped is not None:
            return False, stopped
        return True, (
            f"stream {self.stream}: {info.state.messages} messages; {running} consumers running "
            f"({', '.join(durable_name(c) for c in self._consumers) or 'none registered'}), "
            f"{len(self._listen_subs)} listener subscriptions"
        )


async def _quietly(call: Any) -> None:
    with contextlib.suppress(Exception):
        await call
