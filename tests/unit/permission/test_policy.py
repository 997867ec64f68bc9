"""Decisions of the casbin policy built from roles and grants: deny wins, wildcards, domains, expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.permission.entities import BUILTIN_ROLES, Grant, PermissionEntry, Role, check_grantable
from domain.permission.errors import BuiltinRoleLocked, DerivedRole, InvalidDomain, InvalidPermission
from domain.permission.services import snapshot_of
from domain.permission.values import DomainKind, Effect, checked_domain, checked_object
from infra.permission.casbin_engine import CasbinPolicyEngine

NOW = datetime(2026, 1, 1, tzinfo=UTC)
MEMBER = ("role:space_member",)
ADMIN = ("role:space_admin",)
OWNER = ("role:space_owner",)
SUPER = ("role:super_admin",)


def builtin() -> list[Role]:
    return [
        Role(i, code, name, kind, NOW, NOW, builtin=True, permissions=p)
        for i, code, name, kind, p in BUILTIN_ROLES
    ]


def custom(role_id: int, code: str, kind: DomainKind, *entries: PermissionEntry) -> Role:
    return Role.custom(role_id, code, code, kind, list(entries), NOW)


def decide(roles: list[Role], grants: list[Grant], now: datetime = NOW):  # type: ignore[no-untyped-def]
    return CasbinPolicyEngine().build(snapshot_of(roles, grants, now))


def test_builtin_space_roles() -> None:
    d = decide(builtin(), [])
    assert d.allowed("user:1", MEMBER, "space:5", "agent:7", "read")
    assert d.allowed("user:1", MEMBER, "space:5", "agent:*", "create")
    assert not d.allowed("user:1", MEMBER, "space:5", "agent:7", "delete")
    assert not d.allowed("user:1", MEMBER, "space:5", "member:*", "create")
    assert d.allowed("user:1", ADMIN, "space:5", "member:*", "create")
    assert not d.allowed("user:1", ADMIN, "space:5", "space:*", "manage")
    assert d.allowed("user:1", OWNER, "space:5", "space:*", "manage")
    assert d.allowed("user:1", SUPER, "global", "admin:*", "manage")
    assert d.allowed("user:1", SUPER, "space:9", "space:*", "delete")
    assert not d.allowed("user:1", (), "space:5", "agent:7", "read")  # no role, no right
    assert not d.allowed("user:1", MEMBER, "global", "agent:7", "read")  # space roles stay in spaces


def test_deny_wins_over_allow_from_another_role() -> None:
    no_agent_7 = custom(
        10, "no_agent_seven", DomainKind.SPACE, PermissionEntry("agent", "*", Effect.DENY, "7")
    )
    grant = Grant(1, 1, 10, "space:5", NOW)
    d = decide([*builtin(), no_agent_7], [grant])
    assert not d.allowed("user:1", OWNER, "space:5", "agent:7", "read")  # even the owner's '*'
    assert d.allowed("user:1", OWNER, "space:5", "agent:8", "read")
    assert d.allowed("user:1", OWNER, "space:6", "agent:7", "read")  # the grant is for space 5 only
    assert d.allowed("user:2", OWNER, "space:5", "agent:7", "read")  # and for user 1 only


def test_wildcard_objects_and_exact_ids() -> None:
    reader = custom(11, "agent_reader", DomainKind.GLOBAL, PermissionEntry("agent", "read", object_id="*"))
    one = custom(
        12, "one_workflow", DomainKind.GLOBAL, PermissionEntry("workflow", "execute", object_id="42")
    )
    d = decide([*builtin(), reader, one], [Grant(1, 1, 11, "global", NOW), Grant(2, 1, 12, "global", NOW)])
    assert d.allowed("user:1", (), "space:3", "agent:99", "read")  # a global role holds in every space
    assert d.allowed("user:1", (), "global", "agent:*", "read")
    assert not d.allowed("user:1", (), "space:3", "agent:99", "update")
    assert d.allowed("user:1", (), "space:3", "workflow:42", "execute")
    assert not d.allowed("user:1", (), "space:3", "workflow:421", "execute")  # no prefix accidents
    assert not d.allowed("user:1", (), "space:3", "workflow:4", "execute")
    assert not d.allowed("user:1", (), "space:3", "workflow:*", "execute")  # one id is not all of them


def test_expired_and_disabled_grants_give_nothing() -> None:
    role = custom(13, "publisher", DomainKind.SPACE, PermissionEntry("agent", "publish"))
    soon = NOW + timedelta(hours=1)
    grants = [
        Grant(1, 1, 13, "space:5", NOW, expires_at=soon),
        Grant(2, 2, 13, "space:5", NOW, expires_at=NOW),
    ]
    snapshot = snapshot_of([role], grants, NOW)
    assert snapshot.next_expiry == soon  # the cache knows when to rebuild
    d = CasbinPolicyEngine().build(snapshot)
    assert d.allowed("user:1", (), "space:5", "agent:1", "publish")
    assert not d.allowed("user:2", (), "space:5", "agent:1", "publish")
    later = decide([role], grants, soon)
    assert not later.allowed("user:1", (), "space:5", "agent:1", "publish")
    role.set_disabled(True, NOW)
    assert not decide([role], grants).allowed("user:1", (), "space:5", "agent:1", "publish")


def test_role_and_grant_rules() -> None:
    roles = builtin()
    with pytest.raises(BuiltinRoleLocked):
        roles[0].set_permissions([], NOW)  # super_admin keeps '*'
    with pytest.raises(BuiltinRoleLocked):
        roles[1].check_deletable()
    with pytest.raises(BuiltinRoleLocked):
        roles[2].set_disabled(True, NOW)
    roles[3].set_permissions([PermissionEntry("agent", "read")], NOW)  # editable rights
    with pytest.raises(DerivedRole):
        check_grantable(roles[2], "space:1", None, NOW)
    space_role = custom(14, "tester", DomainKind.SPACE, PermissionEntry("workflow", "execute"))
    with pytest.raises(InvalidDomain):
        check_grantable(space_role, "global", None, NOW)
    with pytest.raises(InvalidPermission):
        check_grantable(space_role, "space:1", NOW, NOW)  # already expired
    check_grantable(space_role, "space:1", NOW + timedelta(days=1), NOW)


@pytest.mark.parametrize(
    "entry",
    [
        PermissionEntry("permission", "manage"),  # system resources are not grantable
        PermissionEntry("admin", "*"),
        PermissionEntry("*", "*"),
        PermissionEntry("agent", "fly"),
        PermissionEntry("agent", "read", object_id="7*"),
        PermissionEntry("model", "read"),  # a global-only resource in a space role
    ],
)
def test_custom_roles_only_take_catalogue_entries(entry: PermissionEntry) -> None:
    with pytest.raises(InvalidPermission):
        custom(15, "bad", DomainKind.SPACE, entry)


@pytest.mark.parametrize(
    "domain", ["", "space:", "space:*", "space:0", "space:1/2", "Global", "space:01", "x"]
)
def test_domains_are_exact(domain: str) -> None:
    with pytest.raises(InvalidDomain):
        checked_domain(domain)


@pytest.mark.parametrize("obj", ["agent", "agent:", ":1", "agent:1:2", "agent:x", "a b:1", "agent:*1"])
def test_objects_are_exact(obj: str) -> None:
    with pytest.raises(InvalidPermission):
        checked_object(obj)
