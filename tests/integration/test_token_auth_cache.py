"""Bearer auth remembered per process (docs/adr/0029): a warm token costs no SQL, and what the cache
may skip is bounded — revocation and disabled accounts are refused on the next call in the process
that made the change, expiry is compared with the clock on every call, and a change made behind the
services' back is seen after the TTL at the latest."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from dependency_injector import providers
from sqlalchemy import event, update

from application.common.actor import Actor
from application.openauth.authcache import TokenAuthCache
from bootstrap.container import Container, build_container
from bootstrap.runtime import Runtime
from bootstrap.settings import Settings
from domain.openauth.errors import TokenInvalid
from domain.user.values import UserStatus
from infra.persistence.user import UserRow
from tests.support.identity import PASSWORD, new_email


class ShiftedClock:
    """The real time plus an offset a test moves forward."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


class Ticks:
    """A monotonic clock for the cache's TTL that only moves when told to."""

    def __init__(self) -> None:
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value


@pytest.fixture
async def running(settings: Settings) -> AsyncIterator[tuple[Container, ShiftedClock, Ticks]]:
    container = build_container(settings)
    clock, ticks = ShiftedClock(), Ticks()
    container.core.clock.override(providers.Object(clock))
    container.identity.token_auth_cache.override(providers.Object(TokenAuthCache(ttl_s=5.0, monotonic=ticks)))
    runtime = Runtime(container, role="test")
    await runtime.start()
    try:
        yield container, clock, ticks
    finally:
        await runtime.stop()


async def _user_and_token(container: Container, days: int = 1) -> tuple[int, int, str]:
    accounts = container.identity.account_service()
    user = await accounts.create_by_admin(None, new_email("tok"), PASSWORD, "", False)
    issued = await container.identity.token_service().issue(Actor(user_id=user.id), "t", days=days)
    return user.id, issued.token.id, issued.plaintext


def _statements(container: Container) -> tuple[list[str], Any]:
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(str(args[2]))

    engine = container.core.database().engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    return seen, lambda: event.remove(engine, "before_cursor_execute", record)


async def test_warm_token_runs_no_sql(running: tuple[Container, ShiftedClock, Ticks]) -> None:
    container, _, _ = running
    user_id, token_id, bearer = await _user_and_token(container)
    tokens = container.identity.token_service()
    await tokens.authenticate(bearer)
    seen, stop = _statements(container)
    try:
        actor = await tokens.authenticate(bearer, "10.0.0.1", "ua")
    finally:
        stop()
    assert seen == []
    assert actor.user_id == user_id and actor.token is not None and actor.token.token_id == token_id
    assert (actor.ip, actor.user_agent) == ("10.0.0.1", "ua")


async def test_revoked_token_is_refused_on_the_next_call(
    running: tuple[Container, ShiftedClock, Ticks],
) -> None:
    container, _, _ = running
    user_id, token_id, bearer = await _user_and_token(container)
    tokens = container.identity.token_service()
    await tokens.authenticate(bearer)
    await tokens.revoke(Actor(user_id=user_id), token_id)
    with pytest.raises(TokenInvalid):
        await tokens.authenticate(bearer)


async def test_disabled_owner_is_refused_on_the_next_call_and_enabled_again(
    running: tuple[Container, ShiftedClock, Ticks],
) -> None:
    container, _, _ = running
    user_id, _, bearer = await _user_and_token(container)
    tokens, accounts = container.identity.token_service(), container.identity.account_service()
    boss = await accounts.create_by_admin(None, new_email("boss"), PASSWORD, "", True)
    admin = Actor(user_id=boss.id, is_superuser=True)
    await tokens.authenticate(bearer)
    await accounts.set_status(admin, user_id, UserStatus.DISABLED)
    with pytest.raises(TokenInvalid):
        await tokens.authenticate(bearer)
    await accounts.set_status(admin, user_id, UserStatus.ACTIVE)
    assert (await tokens.authenticate(bearer)).user_id == user_id


async def test_expiry_is_checked_against_the_clock_on_a_cached_token(
    running: tuple[Container, ShiftedClock, Ticks],
) -> None:
    container, clock, _ = running
    _, _, bearer = await _user_and_token(container, days=1)
    tokens = container.identity.token_service()
    await tokens.authenticate(bearer)
    clock.offset = timedelta(days=1, seconds=1)  # past expiry; the entry itself is still young
    seen, stop = _statements(container)
    try:
        with pytest.raises(TokenInvalid):
            await tokens.authenticate(bearer)
    finally:
        stop()
    assert seen == []  # refused from the cached expiry, not by a fresh read


async def test_change_behind_the_services_back_is_seen_after_the_ttl(
    running: tuple[Container, ShiftedClock, Ticks],
) -> None:
    container, _, ticks = running
    user_id, _, bearer = await _user_and_token(container)
    tokens = container.identity.token_service()
    await tokens.authenticate(bearer)
    async with container.core.database().engine.begin() as conn:
        await conn.execute(update(UserRow).where(UserRow.id == user_id).values(status="disabled"))
    ticks.value += 4.9
    assert (await tokens.authenticate(bearer)).user_id == user_id  # the bound, not a promise
    ticks.value += 0.1
    with pytest.raises(TokenInvalid):
        await tokens.authenticate(bearer)


async def test_lookup_that_raced_a_revocation_is_not_remembered() -> None:
    cache = TokenAuthCache(ttl_s=5.0)
    generation = cache.generation
    cache.forget_all()  # a revocation committed while the lookup was reading
    cache.put("hash", object(), generation)  # type: ignore[arg-type]
    assert cache.get("hash") is None and len(cache) == 0
