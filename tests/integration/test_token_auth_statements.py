"""Bearer auth that reaches the database (the per-process cache off, or a cold token) reads the token
and its owner in one SQL statement (bench_identity's figures depend on it), and still refuses a
token whose owner is disabled. The cache itself: test_token_auth_cache.py."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event

from application.common.actor import Actor
from bootstrap.container import build_container
from bootstrap.runtime import Runtime
from bootstrap.settings import Settings
from domain.openauth.errors import TokenInvalid
from domain.user.values import UserStatus
from tests.support.identity import PASSWORD, new_email


async def test_token_auth_is_one_statement_and_sees_the_owner(settings: Settings) -> None:
    container = build_container(settings.model_copy(update={"token_auth_cache_ttl_s": 0.0}))
    runtime = Runtime(container, role="test")
    await runtime.start()
    try:
        accounts = container.identity.account_service()
        user = await accounts.create_by_admin(None, new_email("tok"), PASSWORD, "", False)
        tokens = container.identity.token_service()
        issued = await tokens.issue(Actor(user_id=user.id, is_superuser=False), "t", days=3)
        await tokens.authenticate(issued.plaintext)  # first use writes last_used_at

        statements: list[str] = []

        def seen(*args: Any) -> None:
            statements.append(str(args[2]))

        engine = container.core.database().engine.sync_engine
        event.listen(engine, "before_cursor_execute", seen)
        try:
            actor = await tokens.authenticate(issued.plaintext)
        finally:
            event.remove(engine, "before_cursor_execute", seen)
        assert actor.user_id == user.id and actor.token is not None
        assert len(statements) == 1, statements
        assert "user_account" in statements[0] and "personal_access_token" in statements[0]

        boss = await accounts.create_by_admin(None, new_email("boss"), PASSWORD, "", True)
        await accounts.set_status(Actor(user_id=boss.id, is_superuser=True), user.id, UserStatus.DISABLED)
        with pytest.raises(TokenInvalid):
            await tokens.authenticate(issued.plaintext)
    finally:
        await runtime.stop()
