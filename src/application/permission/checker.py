"""The PermissionChecker: casbin decisions over a cached snapshot of roles and grants.

Every process keeps one decider built from the database and answers checks from memory. It is
rebuilt (lazily, on the next check) when a `permission.policy_changed` event arrives through the
event bus, when the earliest grant expiry passes, and at the latest after `max_age_s` as a safety
net for an event missed while a process was disconnected. Decisions are memoised per
(user, implicit roles, domain, object, action) until the next rebuild.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from datetime import datetime

from crossdomain.permission import Action, Principal, Resource
from crossdomain.space import SpaceMembership
from domain.common.eventbus import Event
from domain.common.ports import Clock, UnitOfWorkFactory
from domain.permission.entities import SPACE_ROLE_CODES, SUPER_ADMIN
from domain.permission.errors import NotPermitted
from domain.permission.ports import GrantRepository, PolicyDecider, PolicyEngine, RoleRepository
from domain.permission.services import snapshot_of, user_subject

SUPER_ADMIN_SUBJECT = f"role:{SUPER_ADMIN}"


class CachedPermissionChecker:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        roles: RoleRepository,
        grants: GrantRepository,
        engine: PolicyEngine,
        membership: SpaceMembership,
        clock: Clock,
        *,
        max_age_s: float = 60.0,
        cache_size: int = 10_000,
    ) -> None:
        self._uow, self._roles, self._grants = uow, roles, grants
        self._engine, self._membership, self._clock = engine, membership, clock
        self._max_age = max_age_s
        self._cache_size = cache_size
        self._decider: PolicyDecider | None = None
        self._loaded_at = 0.0
        self._valid_until: datetime | None = None
        self._generation = 0  # bumped by every invalidation; a reload racing one stays stale
        self._loaded_generation = -1
        self._lock = asyncio.Lock()
        self._decisions: OrderedDict[tuple[int, tuple[str, ...], str, str, str], bool] = OrderedDict()
        self._by_id: frozenset[str] = frozenset()  # resources some policy line names by object id
        self.reloads = 0

    # -- PermissionChecker
    async def check(self, actor: Principal, resource: Resource, action: Action) -> bool:
        derived = await self._implicit_roles(actor, resource.space_id)
        decider = await self._current()
        if resource.kind.value not in self._by_id:
            # No line names a single object of this resource, so 'agent:7' decides like 'agent:*':
            # one memoised decision serves every object of the kind.
            resource = resource.any_of_kind()
        domain, obj, act = resource.domain, resource.obj, Action(action).value
        key = (actor.user_id, derived, domain, obj, act)
        decision = self._decisions.get(key)
        if decision is None:
            decision = decider.allowed(user_subject(actor.user_id), derived, domain, obj, act)
            self._decisions[key] = decision
            if len(self._decisions) > self._cache_size:
                self._decisions.popitem(last=False)
        return decision

    async def require(self, actor: Principal, resource: Resource, action: Action) -> None:
        if not await self.check(actor, resource, action):
            raise NotPermitted(action=Action(action).value, object=resource.obj)

    # -- cache control
    def invalidate(self) -> None:
        self._generation += 1

    async def on_policy_changed(self, event: Event) -> None:
        """Event-bus listener: another process (or this one) changed roles or grants."""
        self.invalidate()

    async def on_missed_events(self) -> None:
        """Event-bus listener gap (the bus was unreachable): a change may have gone unheard."""
        self.invalidate()

    async def reload(self) -> None:
        async with self._lock:
            await self._load(self._generation)

    async def _current(self) -> PolicyDecider:
        decider = self._decider
        if decider is not None and not self._stale():
            return decider
        async with self._lock:
            if self._decider is None or self._stale():  # another check may have reloaded meanwhile
                await self._load(self._generation)
            assert self._decider is not None
            return self._decider

    def _stale(self) -> bool:
        if self._loaded_generation != self._generation:
            return True
        if time.monotonic() - self._loaded_at > self._max_age:
            return True
        return self._valid_until is not None and self._clock.now() >= self._valid_until

    async def _load(self, generation: int) -> None:
        now = self._clock.now()
        async with self._uow():
            snapshot = snapshot_of(await self._roles.all(), await self._grants.active(now), now)
        decider = self._engine.build(snapshot)
        self._by_id = frozenset(
            p.obj.partition(":")[0] for p in snapshot.policies if p.obj != "*" and not p.obj.endswith(":*")
        )
        self._decider, self._decisions = decider, OrderedDict()
        self._loaded_at, self._valid_until = time.monotonic(), snapshot.next_expiry
        self._loaded_generation = generation
        self.reloads += 1

    async def _implicit_roles(self, actor: Principal, space_id: int | None) -> tuple[str, ...]:
        roles: list[str] = [SUPER_ADMIN_SUBJECT] if actor.is_superuser else []
        if space_id is not None:
            role = await self._membership.role_in(space_id, actor.user_id)
            if role is not None:
                roles.append(f"role:{SPACE_ROLE_CODES[role]}")
        return tuple(roles)
