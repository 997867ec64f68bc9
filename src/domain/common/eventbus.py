"""The event bus port: durable, at-least-once delivery of domain events to consumer groups.

Every consumer group receives each published event at least once. A handler that raises is retried
with growing delays; after `max_attempts` deliveries the event becomes a dead letter that an operator
can list and replay. Handlers run inside a unit of work together with a "processed" record keyed by
(group, dedupe id), so a redelivered event changes state once (see docs/adr/0010-event-bus-and-outbox.md).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from domain.common.errors import InvalidInput, NotFound, Unavailable

# Dotted lower-case names ("knowledge.document_created"); they become NATS subjects, so no wildcards.
_TOPIC = re.compile(r"^[a-z][a-z0-9_]{0,47}(\.[a-z][a-z0-9_]{0,47}){0,5}$")
# Groups become parts of NATS durable names: no dots, dashes, wildcards or whitespace.
_GROUP = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
# Dedupe ids travel as NATS headers and in a 64-character column: visible ASCII without spaces.
_DEDUPE = re.compile(r"^[A-Za-z0-9_.:@+=/-]{1,64}$")
MAX_TOPIC_LEN = 128
DEFAULT_MAX_ATTEMPTS = 5


class InvalidEventName(InvalidInput):
    message_key = "eventbus.invalid_name"


class DeadLetterNotFound(NotFound):
    message_key = "eventbus.dead_letter_not_found"


class EventBusUnavailable(Unavailable):
    """The bus could not confirm a publish (server down or timing out); safe to try again."""

    message_key = "eventbus.unavailable"


def checked_topic(topic: str) -> str:
    if not isinstance(topic, str) or len(topic) > MAX_TOPIC_LEN or not _TOPIC.match(topic):
        raise InvalidEventName(kind="topic", name=str(topic)[:80])
    return topic


def checked_group(group: str) -> str:
    if not isinstance(group, str) or not _GROUP.match(group):
        raise InvalidEventName(kind="group", name=str(group)[:80])
    return group


def checked_dedupe_id(dedupe_id: str) -> str:
    if not isinstance(dedupe_id, str) or not _DEDUPE.match(dedupe_id):
        raise InvalidEventName(kind="dedupe id", name=str(dedupe_id)[:80])
    return dedupe_id


@dataclass(frozen=True, slots=True)
class Event:
    """One delivery of a published event. `attempt` counts deliveries to this group, starting at 1."""

    topic: str
    payload: dict[str, Any]
    dedupe_id: str
    attempt: int = 1

    def __post_init__(self) -> None:
        checked_topic(self.topic)
        checked_dedupe_id(self.dedupe_id)
        if not isinstance(self.payload, dict):
            raise InvalidInput(detail="event payload must be a JSON object")


EventHandler = Callable[[Event], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Consumer:
    """A handler subscribed to one topic on behalf of one consumer group.

    Processes running the same (group, topic) share the work; each group sees every event.
    """

    topic: str
    group: str
    handler: EventHandler = field(compare=False)
    max_attempts: int | None = None  # None: the bus's setting (COZEPLUS_EVENTBUS_MAX_ATTEMPTS)

    def __post_init__(self) -> None:
        checked_topic(self.topic)
        checked_group(self.group)
        if self.max_attempts is not None and not 1 <= self.max_attempts <= 100:
            raise InvalidInput(detail="max_attempts must be within 1..100")


@dataclass(frozen=True, slots=True)
class Listener:
    """A per-process subscriber, for caches: unlike a Consumer (one process of a group handles each
    event), every running process with a Listener on `topic` hears each event published while it runs.

    Delivery is at most once, without retries or dead letters, and a process that is down or cut off
    misses events: whatever a listener refreshes must be re-readable from the database, and the owner
    must also refresh on its own after a while (see docs/adr/0017-permissions-rbac.md). `on_gap`, when
    given, is called after the bus was unreachable and is back, when events may have been missed.
    """

    topic: str
    handler: EventHandler = field(compare=False)
    on_gap: Callable[[], Awaitable[None]] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        checked_topic(self.topic)


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """An event a group gave up on after its retries, kept until an operator replays it."""

    id: int
    group: str
    topic: str
    dedupe_id: str
    payload: dict[str, Any]
    error: str
    attempts: int
    created_at: datetime
    replayed_at: datetime | None = None
    replay_count: int = 0


class EventBus(Protocol):
    """Publishes events and runs the subscribed consumers while started. Reported in /readyz."""

    name: str

    @property
    def adapter(self) -> str: ...

    def subscribe(self, consumer: Consumer) -> None:
        """Register a consumer; only before `start()`."""
        ...

    def listen(self, listener: Listener) -> None:
        """Register a per-process listener; only before `start()`."""
        ...

    async def publish(self, topic: str, payload: dict[str, Any], dedupe_id: str) -> None:
        """Publish durably to every group subscribed to `topic`; a repeated dedupe id is dropped."""
        ...

    async def publish_batch(self, events: Sequence[Event]) -> None:
        """Publish several events; raises if any of them could not be published durably."""
        ...

    async def redeliver(self, group: str, event: Event) -> None:
        """Deliver `event` again to `group` only (dead-letter replay)."""
        ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def check(self) -> tuple[bool, str]: ...


@dataclass(frozen=True, slots=True)
class DeadLetterQuery:
    group: str | None = None
    topic: str | None = None
    before_id: int | None = None  # keyset paging: newest first, continue below this id
    limit: int = 50

    def __post_init__(self) -> None:
        if self.group is not None:
            checked_group(self.group)
        if self.topic is not None:
            checked_topic(self.topic)
        if not 1 <= self.limit <= 200:
            raise InvalidInput(detail="limit must be within 1..200")


class DeadLetterRepository(Protocol):
    """Used inside a unit of work."""

    async def list(self, query: DeadLetterQuery) -> Sequence[DeadLetter]: ...

    async def get(self, dead_letter_id: int) -> DeadLetter | None: ...

    async def mark_replayed(self, dead_letter_id: int, at: datetime) -> None: ...
