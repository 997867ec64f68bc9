"""Dead letters of the event bus for administrators: /api/admin/events/dead_letters."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import Parameter

from api.envelope import Envelope
from api.schemas import INT64_MAX, Int64Id, id_str
from api.security.identity import CurrentActor
from application.system.dead_letters import DeadLetterDTO, DeadLetterService


class DeadLetterView(msgspec.Struct):
    id: str
    group: str
    topic: str
    dedupe_id: str
    payload: dict[str, Any]
    error: str
    attempts: int
    created_at: datetime
    replayed_at: datetime | None
    replay_count: int

    @classmethod
    def of(cls, dto: DeadLetterDTO) -> DeadLetterView:
        return cls(
            id=id_str(dto.id),
            group=dto.group,
            topic=dto.topic,
            dedupe_id=dto.dedupe_id,
            payload=dto.payload,
            error=dto.error,
            attempts=dto.attempts,
            created_at=dto.created_at,
            replayed_at=dto.replayed_at,
            replay_count=dto.replay_count,
        )


class DeadLetterListData(msgspec.Struct):
    dead_letters: list[DeadLetterView]
    next_before_id: str | None  # pass as before_id to read the next (older) page


class DeadLetterListResponse(Envelope, kw_only=True):
    data: DeadLetterListData


class DeadLetterResponse(Envelope, kw_only=True):
    data: DeadLetterView


Service = NamedDependency[DeadLetterService]


class DeadLettersController(Controller):
    path = "/api/admin/events/dead_letters"
    tags = ["admin: events"]

    @get("/")
    async def list_dead_letters(
        self,
        dead_letter_service: Service,
        actor: CurrentActor,
        group: Annotated[str | None, Parameter(max_length=48, pattern=r"^[a-z][a-z0-9_]{0,47}$")] = None,
        topic: Annotated[
            str | None,
            Parameter(max_length=128, pattern=r"^[a-z][a-z0-9_]{0,47}(\.[a-z][a-z0-9_]{0,47}){0,5}$"),
        ] = None,
        before_id: Annotated[int | None, Parameter(ge=1, le=INT64_MAX)] = None,
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
    ) -> DeadLetterListResponse:
        page = await dead_letter_service.list(
            actor, group=group, topic=topic, before_id=before_id, limit=limit
        )
        next_id = None if page.next_before_id is None else id_str(page.next_before_id)
        return DeadLetterListResponse(
            data=DeadLetterListData(
                dead_letters=[DeadLetterView.of(d) for d in page.items], next_before_id=next_id
            )
        )

    @post("/{dead_letter_id:int}/replay", status_code=200)
    async def replay(
        self, dead_letter_id: Int64Id, dead_letter_service: Service, actor: CurrentActor
    ) -> DeadLetterResponse:
        replayed = await dead_letter_service.replay(actor, dead_letter_id)
        return DeadLetterResponse(data=DeadLetterView.of(replayed))
