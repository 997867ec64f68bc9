"""Domain events are facts, named in the past tense. They travel through the outbox."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, ClassVar


@dataclass(frozen=True, slots=True)
class DomainEvent:
    """Base for events; `topic` names the stream subscribers listen on."""

    topic: ClassVar[str] = "domain.event"

    def payload(self) -> dict[str, Any]:
        return asdict(self)
