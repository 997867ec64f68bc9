"""The cached checker: reloads on invalidation and on grant expiry, memoises, raises on require."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from application.permission.checker import CachedPermissionChecker
from crossdomain.permission import Action, Resource, ResourceKind
from domain.common.eventbus import Event
from domain.permission.entities import Grant, PermissionEntry, Role
from domain.permission.errors import NotPermitted
from domain.permission.values import RESOURCES, SYSTEM_RESOURCES, DomainKind, Effect
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
    assert await checker.check(Who(1), Resource(ResourceKind.AGENT, None, 5), Action.CREATE)
    assert not await checker.check(Who(1), Resource(ResourceKind.MEMBER, None, 5), Action.CREATE)
    assert not await checker.check(Who(1), Resource(ResourceKind.AGENT, None, 6), Action.READ)
    assert await checker.check(Who(2, is_superuser=True), Resource(ResourceKind.ADMIN), Action.MANAGE)
    with pytest.raises(NotPermitted):
        await checker.require(Who(1), Resource.platform(ResourceKind.ADMIN), Action.MANAGE)


async def test_invalidation_reloads_and_expiry_ends_a_grant() -> None:
    checker, roles, grants, _, clock = make()
    roles.roles[10] = Role.custom(
        10, "runner", "Runner", DomainKind.GLOBAL, [PermissionEntry("workflow", "execute")], START
    )
    assert not await checker.check(Who(1), Resource(ResourceKind.WORKFLOW, 3), Action.EXECUTE)
    reads = roles.reads
    assert not await checker.check(Who(1), Resource(ResourceKind.WORKFLOW, 3), Action.EXECUTE)
    assert roles.reads == reads  # answered from memory

    grants.grants.append(Grant(1, 1, 10, "global", START, expires_at=START + timedelta(minutes=5)))
    assert not await checker.check(Who(1), Resource(ResourceKind.WORKFLOW, 3), Action.EXECUTE)  # not told yet
    await checker.on_policy_changed(Event("permission.policy_changed", {}, "x1"))
    assert await checker.check(Who(1), Resource(ResourceKind.WORKFLOW, 3), Action.EXECUTE)

    clock.current = START + timedelta(minutes=5)  # the grant's expiry forces a reload by itself
    assert not await checker.check(Who(1), Resource(ResourceKind.WORKFLOW, 3), Action.EXECUTE)

    roles.roles[11] = Role.custom(
        11, "blocker", "Blocker", DomainKind.GLOBAL, [PermissionEntry("workflow", "*", Effect.DENY)], START
    )
    grants.grants.append(Grant(2, 1, 11, "global", START))
    grants.grants.append(Grant(3, 1, 10, "global", START))
    checker.invalidate()
    assert not await checker.check(Who(1), Resource(ResourceKind.WORKFLOW, 3), Action.EXECUTE)  # deny wins


@pytest.mark.parametrize("kind", ["agnet", "", "agent:*", "AGENT", "*"])
def test_a_resource_of_an_unknown_kind_cannot_be_built(kind: str) -> None:
    with pytest.raises(ValueError, match="unknown resource kind"):
        Resource(kind)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [0, -1, 10**19, True, "7"])
def test_a_resource_refuses_ids_the_policy_strings_cannot_hold(bad: object) -> None:
    with pytest.raises(ValueError):
        Resource(ResourceKind.AGENT, bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Resource(ResourceKind.AGENT, None, bad)  # type: ignore[arg-type]


def test_a_resource_derives_the_policy_domain_and_object() -> None:
    assert (Resource(ResourceKind.AGENT, 7, 5).domain, Resource(ResourceKind.AGENT, 7, 5).obj) == (
        "space:5",
        "agent:7",
    )
    assert (Resource.platform(ResourceKind.ADMIN).domain, Resource.platform(ResourceKind.ADMIN).obj) == (
        "global",
        "admin:*",
    )
    assert Resource("agent", 7, 5) == Resource.in_space(ResourceKind.AGENT, 5, 7)  # type: ignore[arg-type]
    assert Resource(ResourceKind.AGENT, 7, 5).any_of_kind() == Resource.in_space(ResourceKind.AGENT, 5)


def test_every_kind_is_in_the_catalogue_or_a_system_resource() -> None:
    assert {k.value for k in ResourceKind} == set(RESOURCES) | SYSTEM_RESOURCES


async def test_require_names_the_refused_action_and_object() -> None:
    checker, *_ = make()
    with pytest.raises(NotPermitted):
        await checker.require(Who(1), Resource(ResourceKind.AGENT, 7, 5), Action.DELETE)


async def test_object_ids_still_count_where_a_line_names_one() -> None:
    checker, roles, grants, members, _ = make()
    members.roles[(5, 1)] = "admin"
    roles.roles[12] = Role.custom(
        12, "not_seven", "x", DomainKind.SPACE, [PermissionEntry("agent", "*", Effect.DENY, "7")], START
    )
    grants.grants.append(Grant(1, 1, 12, "space:5", START))
    assert not await checker.check(Who(1), Resource(ResourceKind.AGENT, 7, 5), Action.UPDATE)
    assert await checker.check(Who(1), Resource(ResourceKind.AGENT, 8, 5), Action.UPDATE)
    assert await checker.check(
        Who(1), Resource(ResourceKind.WORKFLOW, 7, 5), Action.UPDATE
    )  # other kinds decide kind-wide
