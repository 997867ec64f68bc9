"""What signed-in members may choose from: active models, without connection details."""

from __future__ import annotations

from dataclasses import dataclass

from application.common.actor import Actor
from crossdomain.space import SpaceMembership
from domain.common.access import SpaceNotFound
from domain.common.ports import UnitOfWorkFactory
from domain.modelmgr.ports import ModelRepository
from domain.modelmgr.values import Capabilities, ModelKind, ParameterSpec


@dataclass(frozen=True, slots=True)
class OfferedModel:
    id: int
    kind: ModelKind
    provider: str
    name: str
    description: str
    model: str
    capabilities: Capabilities
    parameters: tuple[ParameterSpec, ...]
    is_default: bool
    builtin: bool


class ModelCatalog:
    def __init__(self, uow: UnitOfWorkFactory, models: ModelRepository, membership: SpaceMembership) -> None:
        self._uow, self._models, self._membership = uow, models, membership

    async def offered(
        self, actor: Actor, kind: ModelKind | None = None, space_id: int | None = None
    ) -> list[OfferedModel]:
        """Every active model (of `kind`), the default first. With a space, the caller must belong to it.

        Models are platform-wide today; `space_id` is accepted (and checked) so per-space
        availability can narrow this list later without changing callers.
        """
        if space_id is not None and await self._membership.role_in(space_id, actor.user_id) is None:
            raise SpaceNotFound()
        async with self._uow():
            models = await self._models.list(kind)
        offered = [
            OfferedModel(
                m.id,
                m.kind,
                m.provider,
                m.name,
                m.description,
                m.connection.model,
                m.capabilities,
                m.parameters,
                m.is_default,
                m.provider == "builtin",
            )
            for m in models
            if m.is_active
        ]
        return sorted(offered, key=lambda o: (o.kind.value, not o.is_default, o.name.lower()))
