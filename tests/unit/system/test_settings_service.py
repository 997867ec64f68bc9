from __future__ import annotations

import pytest

from application.audit.service import AuditLog
from application.common.actor import Actor
from application.system.settings import SystemSettingsService
from domain.common.errors import PermissionDenied
from domain.system.errors import (
    InvalidSettingKey,
    SettingNotFound,
    SettingRevisionNotFound,
    SettingValueTooLarge,
    SettingVersionConflict,
)
from domain.system.events import SettingChanged
from domain.system.values import MAX_VALUE_BYTES
from tests.support.fakes import (
    CountingIds,
    FakeClock,
    FakeStore,
    InMemoryAuditRepository,
    InMemorySettingRepository,
)
from tests.support.permission import Permissions


@pytest.fixture
def store() -> FakeStore:
    return FakeStore()


ADMIN = Actor(user_id=1, is_superuser=True)


@pytest.fixture
def audit() -> InMemoryAuditRepository:
    return InMemoryAuditRepository()


@pytest.fixture
def service(store: FakeStore, audit: InMemoryAuditRepository) -> SystemSettingsService:
    ids, clock = CountingIds(), FakeClock()
    log = AuditLog(store.uow, audit, ids, clock)
    checker = Permissions().checker
    return SystemSettingsService(store.uow, InMemorySettingRepository(store), log, ids, clock, checker)


async def test_only_super_admins_change_settings(
    service: SystemSettingsService, audit: InMemoryAuditRepository
) -> None:
    with pytest.raises(PermissionDenied):
        await service.put(Actor(user_id=2), "site.title", "x")
    await service.put(ADMIN, "site.title", "x")
    assert [(e.action, e.actor_id, e.target_id) for e in audit.entries] == [
        ("admin.setting.put", 1, "site.title")
    ]


async def test_put_creates_then_changes_and_keeps_revisions(
    service: SystemSettingsService, store: FakeStore
) -> None:
    created = await service.put(ADMIN, "site.title", "cozeplus")
    changed = await service.put(ADMIN, "site.title", {"en": "cozeplus", "zh": "扣子+"}, expected_version=1)

    assert (created.version, changed.version) == (1, 2)
    assert (await service.get(ADMIN, "site.title")).value == {"en": "cozeplus", "zh": "扣子+"}
    history = await service.history(ADMIN, "site.title")
    assert [r.version for r in history] == [2, 1]
    assert (await service.revision(ADMIN, history[1].id)).value == "cozeplus"
    assert store.outbox == [
        SettingChanged(key="site.title", version=1),
        SettingChanged(key="site.title", version=2),
    ]


async def test_stale_expected_version_is_refused_and_nothing_changes(
    service: SystemSettingsService, store: FakeStore
) -> None:
    await service.put(ADMIN, "site.title", "a")
    await service.put(ADMIN, "site.title", "b")
    with pytest.raises(SettingVersionConflict):
        await service.put(ADMIN, "site.title", "c", expected_version=1)
    assert (await service.get(ADMIN, "site.title")).value == "b"
    assert len(await service.history(ADMIN, "site.title")) == 2
    assert len(store.outbox) == 2


async def test_expected_version_on_a_missing_setting_conflicts(service: SystemSettingsService) -> None:
    with pytest.raises(SettingVersionConflict):
        await service.put(ADMIN, "site.title", "x", expected_version=3)
    with pytest.raises(SettingNotFound):
        await service.get(ADMIN, "site.title")


@pytest.mark.parametrize(
    "key", ["title", "Site.title", "site..title", "site.title.", "../etc", "a" * 300, "site.ti tle"]
)
async def test_bad_keys_are_refused(service: SystemSettingsService, key: str) -> None:
    with pytest.raises(InvalidSettingKey):
        await service.put(ADMIN, key, 1)


async def test_oversized_value_is_refused_before_anything_is_stored(
    service: SystemSettingsService, store: FakeStore
) -> None:
    with pytest.raises(SettingValueTooLarge):
        await service.put(ADMIN, "site.banner", "x" * (MAX_VALUE_BYTES + 1))
    assert await service.list_settings(ADMIN) == []
    assert store.outbox == []


async def test_unknown_revision(service: SystemSettingsService) -> None:
    with pytest.raises(SettingRevisionNotFound):
        await service.revision(ADMIN, 12345)


async def test_list_is_sorted_by_key(service: SystemSettingsService) -> None:
    for key in ("site.title", "auth.registration", "models.default_chat"):
        await service.put(ADMIN, key, True)
    assert [s.key for s in await service.list_settings(ADMIN)] == [
        "auth.registration",
        "models.default_chat",
        "site.title",
    ]


async def test_every_read_checks_the_caller_too(service: SystemSettingsService) -> None:
    """A second line behind the admin surface's guard: a plain user is refused by the service itself."""
    made = await service.put(ADMIN, "site.title", "x")
    plain = Actor(user_id=2)
    revision = (await service.history(ADMIN, "site.title"))[0].id
    for call in (
        service.get(plain, "site.title"),
        service.list_settings(plain),
        service.history(plain, "site.title"),
        service.revision(plain, revision),
        service.put(plain, "site.title", "y", made.version),
    ):
        with pytest.raises(PermissionDenied):
            await call
    assert (await service.get(ADMIN, "site.title")).value == "x"
    assert await service.value("site.title", None) == "x"  # other contexts read without a caller
