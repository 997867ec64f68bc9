"""Permission checks in one unit of work read the caller's space membership once: the second check
is answered from the session (docs/bench/identity.md), and a new unit of work reads it again."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from application.common.actor import Actor
from bootstrap.container import build_container
from bootstrap.runtime import Runtime
from bootstrap.settings import Settings
from crossdomain.permission import Action, Resource, ResourceKind
from tests.support.identity import PASSWORD, new_email


async def test_second_check_in_a_unit_of_work_reads_no_membership(settings: Settings) -> None:
    container = build_container(settings)
    runtime = Runtime(container, role="test")
    await runtime.start()
    try:
        user = await container.identity.account_service().create_by_admin(
            None, new_email("member"), PASSWORD, "", False
        )
        actor = Actor(user_id=user.id)
        space_id = int((await container.identity.space_service().list_for(actor)).items[0].id)
        checker = container.permission.checker()
        agents = Resource.in_space(ResourceKind.AGENT, space_id)
        uow = container.core.uow()
        await checker.check(actor, agents, Action.READ)  # policies loaded

        seen: list[str] = []

        def record(*args: Any) -> None:
            seen.append(str(args[2]))

        engine = container.core.database().engine.sync_engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            async with uow():
                assert await checker.check(actor, agents, Action.READ)
                assert await checker.check(actor, agents, Action.EXECUTE)
            in_one = [s for s in seen if "space_member" in s]
            seen.clear()
            async with uow():
                assert await checker.check(actor, agents, Action.READ)
            in_next = [s for s in seen if "space_member" in s]
        finally:
            event.remove(engine, "before_cursor_execute", record)
        assert len(in_one) == 1, in_one
        assert len(in_next) == 1, in_next
    finally:
        await runtime.stop()
