"""Cost of one PermissionChecker.check: memoised (the steady state), an uncached casbin decision, and
a full policy rebuild, for a small and a larger policy. In-memory repositories: the database read of a
rebuild and the membership lookup of space checks (one primary-key query) are not included.

    python -m tests.bench.bench_permission
"""

from __future__ import annotations

import asyncio
import itertools
import statistics
import time
from datetime import UTC, datetime

from application.permission.checker import CachedPermissionChecker
from crossdomain.permission import Action, Resource, ResourceKind
from domain.permission.entities import Grant, PermissionEntry, Role
from domain.permission.values import DomainKind, Effect
from infra.permission.casbin_engine import CasbinPolicyEngine
from tests.support.permission import Grants, Membership, NoTransaction, Roles, Who

NOW = datetime(2026, 1, 1, tzinfo=UTC)


class Clock:
    def now(self) -> datetime:
        return NOW


def checker(custom_roles: int, grants_per_role: int) -> CachedPermissionChecker:
    roles, grants, members = Roles(NOW), Grants(), Membership()
    for n in range(custom_roles):
        entries = [
            PermissionEntry("agent", "read"),
            PermissionEntry("workflow", "execute"),
            PermissionEntry("knowledge", "update", Effect.DENY, str(n + 1)),
        ]
        roles.roles[100 + n] = Role.custom(100 + n, f"custom_{n}", "c", DomainKind.SPACE, entries, NOW)
        for g in range(grants_per_role):
            grants.grants.append(Grant(n * 1000 + g, 10_000 + g, 100 + n, f"space:{g + 1}", NOW))
    members.roles[(1, 1)] = "member"
    return CachedPermissionChecker(
        NoTransaction,  # type: ignore[arg-type]
        roles,  # type: ignore[arg-type]
        grants,  # type: ignore[arg-type]
        CasbinPolicyEngine(),
        members,
        Clock(),
        max_age_s=3600,
    )


def c_roles(c: CachedPermissionChecker) -> list[Role]:
    return list(c._roles.roles.values())  # type: ignore[attr-defined]


async def per_call_us(call, n: int) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    for i in range(n):
        await call(i)
    return (time.perf_counter() - started) / n * 1e6


async def measure(label: str, custom_roles: int, grants_per_role: int) -> None:
    c = checker(custom_roles, grants_per_role)
    who = Who(1)
    started = time.perf_counter()
    await c.reload()
    rebuild_ms = (time.perf_counter() - started) * 1000
    await c.check(who, Resource(ResourceKind.AGENT, 1, 1), Action.READ)

    async def warm(_: int) -> None:
        await c.check(who, Resource(ResourceKind.AGENT, 1, 1), Action.READ)

    fresh = itertools.count(2)

    async def cold(_: int) -> None:  # a new knowledge id each time (custom roles name knowledge ids)
        await c.check(who, Resource(ResourceKind.KNOWLEDGE, next(fresh), 1), Action.READ)

    async def other(_: int) -> None:  # a new agent id each time: no line names an agent id
        await c.check(who, Resource(ResourceKind.AGENT, next(fresh), 1), Action.READ)

    warm_us = statistics.median([await per_call_us(warm, 2000) for _ in range(5)])
    cold_us = statistics.median([await per_call_us(cold, 200) for _ in range(5)])
    other_us = statistics.median([await per_call_us(other, 2000) for _ in range(5)])
    policies = sum(len(r.permissions) for r in c_roles(c))
    print(
        f"{label:<34} policy lines {policies:>4}  grants {custom_roles * grants_per_role:>6}  "
        f"rebuild {rebuild_ms:8.1f} ms  memoised {warm_us:5.1f} us  new id {cold_us:7.1f} us  "
        f"new id (kind-wide) {other_us:5.1f} us"
    )


async def run() -> None:
    print("PermissionChecker.check cost (median of 5 runs), 2-core machine")
    await measure("built-in roles + 1 custom role", 1, 1)
    await measure("20 custom roles x 50 grants", 20, 50)
    await measure("100 custom roles x 100 grants", 100, 100)


def main() -> int:
    asyncio.run(run())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
