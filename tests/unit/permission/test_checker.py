"""The cached checker: reloads on invalidation and on grant expiry, memoises, raises on require."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from application.permission.checker import CachedPermissionChecker
from domain.common.eventbus import Event
from domain.permission.entities import Grant, PermissionEntry, Role
from domain.permission.errors import NotPermitted
from domain.permission.values import DomainKind, Effect
from infra.permission.casbin_engine import CasbinPolicyEngine
from tests.support.permission import Grants, Membership, NoTransaction, Roles, Who

START = datetime(2026, 1, 1, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.current = START

    def now(self) -> datetime:
        return self.current


def make() -> tuple[CachedPermissionChecker, Roles, Grants, Membership, Clock]:
    roles, grants, members, clock = Roles(START), Grants(), Membership(), Clock()
    checker = CachedPermissionChecker(
        NoTransaction,
        roles,
        grants,
        CasbinPolicyEngine(),
        members,
        clock,
        max_age_s=3600,  # type: ignore[arg-type]
    )
    return checker, roles, grants, members, clock


async def test_membership_and_superuser_give_implicit_roles() -> None:
    checker, _, _, members, _ = make()
    members.roles[(5, 1)] = "member"
    assert await checker.check(Who(1), "space:5", "agent:*", "create")
    assert not await checker.check(Who(1), "space:5", "member:*", "create")
    assert not await checker.check(Who(1), "space:6", "agent:*", "read")
    assert await checker.check(Who(2, is_superuser=True), "global", "admin:*", "manage")
    with pytest.raises(NotPermitted):
        await checker.require(Who(1), "global", "admin:*", "manage")


async def test_invalidation_reloads_and_expiry_ends_a_grant() -> None:
    checker, roles, grants, _, clock = make()
    roles.roles[10] = Role.custom(
        10, "runner", "Runner", DomainKind.GLOBAL, [PermissionEntry("workflow", "execute")], START
    )
    assert not await checker.check(Who(1), "global", "workflow:3", "execute")
    reads = roles.reads
    assert not await checker.check(Who(1), "global", "workflow:3", "execute")
    assert roles.reads == reads  # answered from memory

    grants.grants.append(Grant(1, 1, 10, "global", START, expires_at=START + timedelta(minutes=5)))
    assert not await checker.check(Who(1), "global", "workflow:3", "execute")  # not told yet
    await checker.on_policy_changed(Event("permission.policy_changed", {}, "x1"))
    assert await checker.check(Who(1), "global", "workflow:3", "execute")

    clock.current = START + timedelta(minutes=5)  # the grant's expiry forces a reload by itself
    assert not await checker.check(Who(1), "global", "workflow:3", "execute")

    roles.roles[11] = Role.custom(
        11, "blocker", "Blocker", DomainKind.GLOBAL, [PermissionEntry("workflow", "*", Effect.DENY)], START
    )
    grants.grants.append(Grant(2, 1, 11, "global", START))
    grants.grants.append(Grant(3, 1, 10, "global", START))
    checker.invalidate()
    assert not await checker.check(Who(1), "global", "workflow:3", "execute")  # deny wins


async def test_unknown_domains_and_objects_are_refused() -> None:
    checker, *_ = make()
    with pytest.raises(Exception, match="permission"):
        await checker.check(Who(1), "space:*", "agent:1", "read")
    with pytest.raises(Exception, match="permission"):
        await checker.check(Who(1), "global", "agent", "read")


async def test_object_ids_still_count_where_a_line_names_one() -> None:
    checker, roles, grants, members, _ = make()
    members.roles[(5, 1)] = "admin"
    roles.roles[12] = Role.custom(
        12, "not_seven", "x", DomainKind.SPACE, [PermissionEntry("agent", "*", Effect.DENY, "7")], START
    )
    grants.grants.append(Grant(1, 1, 12, "space:5", START))
    assert not await checker.check(Who(1), "space:5", "agent:7", "update")
    assert await checker.check(Who(1), "space:5", "agent:8", "update")
    assert await checker.check(Who(1), "space:5", "workflow:7", "update")  # other kinds decide kind-wide
