"""The services behind /api/admin ask the PermissionChecker themselves, as a second line behind the
admin surface's guard: called directly with a plain user's Actor, each use case is refused before it
reads or changes anything."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from application.audit.service import AuditLog, AuditTrail
from application.common.actor import Actor
from application.system.dead_letters import DeadLetterService
from domain.audit.entities import AuditQuery, AuditResult
from domain.common.errors import PermissionDenied
from domain.permission.entities import PermissionEntry
from tests.support.fakes import CountingIds, FakeClock, FakeStore, InMemoryAuditRepository
from tests.support.permission import Permissions

ADMIN = Actor(user_id=1, is_superuser=True)
PLAIN = Actor(user_id=2)


class Untouchable:
    """Any use of it fails the test: a refused call must not reach the ports."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"{name} used by a refused call")


@pytest.fixture
def permissions() -> Permissions:
    return Permissions()


def dead_letters(permissions: Permissions) -> DeadLetterService:
    return DeadLetterService(Untouchable(), Untouchable(), Untouchable(), FakeClock(), permissions.checker)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.list(PLAIN),
        lambda s: s.list(PLAIN, group="search", topic="x", before_id=5),
        lambda s: s.replay(PLAIN, 42),
    ],
    ids=["list", "list-filtered", "replay"],
)
async def test_dead_letters_refuse_a_plain_user(
    permissions: Permissions, call: Callable[[DeadLetterService], Awaitable[object]]
) -> None:
    with pytest.raises(PermissionDenied):
        await call(dead_letters(permissions))


async def test_audit_trail_refuses_a_plain_user_and_serves_an_admin(permissions: Permissions) -> None:
    store, entries = FakeStore(), InMemoryAuditRepository()
    await AuditLog(store.uow, entries, CountingIds(), FakeClock()).record("user.login", AuditResult.OK, ADMIN)
    trail = AuditTrail(store.uow, entries, permissions.checker)
    with pytest.raises(PermissionDenied):
        await trail.search(PLAIN, AuditQuery(), 1, 20)
    page = await trail.search(ADMIN, AuditQuery(), 1, 20)
    assert [e.action for e in page.items] == ["user.login"]


async def test_other_global_rights_do_not_reach_the_admin_console(permissions: Permissions) -> None:
    """The services ask what the guard asks (manage `admin:*` globally), not some nearby right."""
    store, entries = FakeStore(), InMemoryAuditRepository()
    permissions.grant_global(
        PLAIN.user_id, PermissionEntry("model", "*"), PermissionEntry("organization", "*")
    )
    trail = AuditTrail(store.uow, entries, permissions.checker)
    with pytest.raises(PermissionDenied):
        await trail.search(PLAIN, AuditQuery(), 1, 20)
    with pytest.raises(PermissionDenied):
        await dead_letters(permissions).list(PLAIN)
