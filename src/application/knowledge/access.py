"""Who may see and change which knowledge base: as for agents (application/agent/access.py), the
space's membership decides visibility and the PermissionChecker the action; the creator of a dataset
may change and delete it while they may create datasets in the space."""

from __future__ import annotations

from enum import StrEnum

from application.common.actor import Actor
from crossdomain.permission import Action, PermissionChecker, Resource, ResourceKind
from crossdomain.space import SpaceMembership
from domain.common.access import SpaceNotFound
from domain.knowledge.entities import Dataset
from domain.knowledge.errors import DatasetNotFound, KnowledgeActionDenied
from domain.knowledge.ports import DatasetRepository


class KnowledgeAction(StrEnum):
    CREATE = Action.CREATE.value
    READ = Action.READ.value
    UPDATE = Action.UPDATE.value
    DELETE = Action.DELETE.value


_CREATOR_MAY = frozenset({KnowledgeAction.UPDATE, KnowledgeAction.DELETE})


class KnowledgeAccess:
    def __init__(
        self, datasets: DatasetRepository, membership: SpaceMembership, permissions: PermissionChecker
    ) -> None:
        self._datasets, self._membership, self._permissions = datasets, membership, permissions

    async def space(self, actor: Actor, space_id: int, action: KnowledgeAction) -> None:
        if not await self._member(actor, space_id):
            raise SpaceNotFound()
        kind = Resource.in_space(ResourceKind.KNOWLEDGE, space_id)
        if not await self._permissions.check(actor, kind, Action(action.value)):
            raise KnowledgeActionDenied(action=action.value)

    async def dataset(
        self, actor: Actor, dataset_id: int, action: KnowledgeAction, *, for_update: bool = False
    ) -> Dataset:
        """The dataset when the caller may do `action` on it; another space's is not found."""
        dataset = await self._datasets.get(dataset_id, for_update=for_update)
        if dataset is None or not await self._member(actor, dataset.space_id):
            raise DatasetNotFound()
        this = Resource.in_space(ResourceKind.KNOWLEDGE, dataset.space_id, dataset.id)
        if await self._permissions.check(actor, this, Action(action.value)):
            return dataset
        if (
            action in _CREATOR_MAY
            and dataset.creator_id == actor.user_id
            and await self._permissions.check(actor, this.any_of_kind(), Action.CREATE)
        ):
            return dataset
        raise KnowledgeActionDenied(action=action.value)

    async def _member(self, actor: Actor, space_id: int) -> bool:
        if not actor.reaches_space(space_id):
            return False
        return await self._membership.role_in(space_id, actor.user_id) is not None
