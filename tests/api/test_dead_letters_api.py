"""Dead letters through the admin API, and the eventbus entry of /readyz (both adapters' names)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from dependency_injector import providers
from litestar.testing import AsyncTestClient

from bootstrap.container import Container, build_container
from bootstrap.http import build_asgi
from bootstrap.runtime import Runtime
from bootstrap.settings import Settings
from domain.common.eventbus import Consumer, Event
from tests.support.eventbus import ThingHappened, wait_for
from tests.support.identity import PASSWORD, new_email, sign_in
from tests.support.nats_server import free_port

BASE = "/api/admin/events/dead_letters"


class Switch:
    def __init__(self) -> None:
        self.broken = True
        self.handled: list[Event] = []

    async def __call__(self, event: Event) -> None:
        if self.broken:
            raise ValueError("cannot index this document")
        self.handled.append(event)


@pytest.fixture
def switch() -> Switch:
    return Switch()


@pytest.fixture
async def side(settings: Settings) -> AsyncIterator[Container]:
    """A container of the test's own: the app's database engine belongs to the app's event loop."""
    container = build_container(settings)
    runtime = Runtime(container, role="test")
    await runtime.start()
    yield container
    await runtime.stop()


async def signed_in(client: AsyncTestClient, side: Container, *, superuser: bool = True) -> None:  # type: ignore[type-arg]
    email = new_email("admin" if superuser else "user")
    await side.identity.account_service().create_by_admin(None, email, PASSWORD, "", superuser)
    await sign_in(client, email)


@pytest.fixture
async def bus_app(
    settings: Settings, switch: Switch, side: Container
) -> AsyncIterator[tuple[AsyncTestClient, Container]]:  # type: ignore[type-arg]
    """The app with one failing consumer, signed in as a super admin; events are recorded via `side`."""
    fast = settings.model_copy(
        update={"eventbus_poll_interval_s": 0.05, "eventbus_retry_base_s": 0.05, "eventbus_max_attempts": 2}
    )
    container = build_container(fast)
    consumer = Consumer(topic=ThingHappened.topic, group="indexer", handler=switch)
    container.eventbus.consumers.override(providers.Object([consumer]))
    async with AsyncTestClient(app=build_asgi(fast, container)) as client:  # type: ignore[arg-type]
        await signed_in(client, side)
        yield client, side


async def _record(container: Container, n: int) -> None:
    async with container.core.uow()() as uow:
        uow.record(ThingHappened(n=n))
        await uow.commit()


async def test_poison_event_is_listed_and_replayed(bus_app: tuple[Any, Container], switch: Switch) -> None:
    client, container = bus_app
    await _record(container, 7)

    async def listed() -> bool:
        return len((await client.get(BASE)).json()["data"]["dead_letters"]) == 1

    await wait_for(listed, "the dead letter in the API")
    body = (await client.get(BASE, params={"group": "indexer"})).json()
    assert body["code"] == 0
    assert body["msg"] == ""
    [letter] = body["data"]["dead_letters"]
    assert isinstance(letter["id"], str)
    assert int(letter["id"]) > 2**53
    assert letter["group"] == "indexer"
    assert letter["topic"] == ThingHappened.topic
    assert letter["payload"] == {"n": 7}
    assert letter["attempts"] == 2
    assert "cannot index this document" in letter["error"]
    assert letter["replayed_at"] is None
    assert letter["replay_count"] == 0
    assert body["data"]["next_before_id"] is None
    assert (await client.get(BASE, params={"group": "other"})).json()["data"]["dead_letters"] == []

    ready = (await client.get("/readyz")).json()
    assert ready["components"]["eventbus"]["adapter"] == "inprocess"
    assert "dead letters 1" in ready["components"]["eventbus"]["detail"]

    switch.broken = False
    replayed = await client.post(f"{BASE}/{letter['id']}/replay")
    assert replayed.status_code == 200, replayed.text
    assert replayed.json()["data"]["replay_count"] == 1
    assert replayed.json()["data"]["id"] == letter["id"]
    await wait_for(lambda: len(switch.handled) == 1, "the replayed event to be handled")
    assert switch.handled[0].payload == {"n": 7}
    assert switch.handled[0].dedupe_id == letter["dedupe_id"]


async def test_bad_requests_get_envelopes(bus_app: tuple[Any, Container]) -> None:
    client, _ = bus_app
    missing = await client.post(f"{BASE}/123456789/replay")
    assert missing.status_code == 404
    assert missing.json()["code"] == 4200
    assert "123456789" in missing.json()["msg"]
    assert (await client.post(f"{BASE}/abc/replay")).json()["code"] in (4000, 4200)
    assert (await client.post(f"{BASE}/{2**64}/replay")).status_code in (400, 404)
    bad_group = await client.get(BASE, params={"group": "no-dashes"})
    assert bad_group.status_code == 400
    assert bad_group.json()["code"] == 4000
    assert (await client.get(BASE, params={"limit": 0})).status_code == 400
    assert (await client.get(BASE, params={"before_id": "x"})).status_code == 400


async def test_paging_newest_first(bus_app: tuple[Any, Container]) -> None:
    client, container = bus_app
    for n in range(3):
        await _record(container, n)

    async def three() -> bool:
        return len((await client.get(BASE)).json()["data"]["dead_letters"]) == 3

    await wait_for(three, "three dead letters")
    page1 = (await client.get(BASE, params={"limit": 2})).json()["data"]
    assert len(page1["dead_letters"]) == 2
    assert page1["next_before_id"] == page1["dead_letters"][1]["id"]
    page2 = (await client.get(BASE, params={"limit": 2, "before_id": page1["next_before_id"]})).json()["data"]
    assert len(page2["dead_letters"]) == 1
    assert page2["next_before_id"] is None
    ids = [int(d["id"]) for d in page1["dead_letters"] + page2["dead_letters"]]
    assert ids == sorted(ids, reverse=True)


async def test_nats_down_at_start_up_is_degraded_not_fatal(settings: Settings, side: Container) -> None:
    down = settings.model_copy(update={"eventbus_url": f"nats://127.0.0.1:{free_port()}"})
    async with AsyncTestClient(app=build_asgi(down, build_container(down))) as client:  # type: ignore[arg-type]
        await signed_in(client, side)
        ready = await client.get("/readyz")
        assert ready.status_code == 503
        eventbus = ready.json()["components"]["eventbus"]
        assert eventbus["adapter"] == "nats-jetstream"
        assert eventbus["ok"] is False
        assert ready.json()["components"]["database"]["ok"] is True
        # what does not need the bus keeps working
        assert (await client.put("/api/admin/settings/site.title", json={"value": "x"})).status_code == 200
        assert (await client.get(BASE)).json()["data"]["dead_letters"] == []


async def test_dead_letters_are_for_super_admins_only(settings: Settings, side: Container) -> None:
    async with AsyncTestClient(app=build_asgi(settings, build_container(settings))) as other:  # type: ignore[arg-type]
        assert (await other.get(BASE)).status_code == 401
        await signed_in(other, side, superuser=False)
        denied = await other.get(BASE)
        assert denied.status_code == 403
        assert denied.json()["code"] == 4101
        assert (await other.post(f"{BASE}/1/replay")).status_code == 403
