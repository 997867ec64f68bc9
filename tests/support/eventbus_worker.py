"""`cozeplus worker` with one test consumer, for fault tests that kill the process mid-message.

    python -m tests.support.eventbus_worker MARKER_DIR

Settings come from COZEPLUS_* variables. The handler writes an effect row in the delivery's
transaction; on a first delivery it then announces itself in MARKER_DIR/started and hangs, so the
test can SIGKILL the process while the message is in hand.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

from dependency_injector import providers
from sqlalchemy import insert

from bootstrap.container import build_container
from bootstrap.logging import configure_logging
from bootstrap.settings import Settings
from bootstrap.worker import run_worker
from domain.common.eventbus import Consumer, Event
from infra.persistence.uow import current_session
from tests.support.eventbus import effect_table

GROUP = "crashy"
TOPIC = "test.thing_happened"


def main() -> None:
    markers = Path(sys.argv[1])
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    configure_logging("warning")
    container = build_container(settings)
    ids = container.core.ids()

    async def handle(event: Event) -> None:
        await current_session().execute(
            insert(effect_table).values(
                id=ids.next_id(), group_name=GROUP, dedupe_id=event.dedupe_id, attempt=event.attempt
            )
        )
        if event.attempt == 1:
            (markers / "started").write_text(event.dedupe_id)
            await asyncio.sleep(3600)  # killed here

    container.eventbus.consumers.override(
        providers.Object([Consumer(topic=TOPIC, group=GROUP, handler=handle)])
    )
    asyncio.run(run_worker(settings, (signal.SIGTERM, signal.SIGINT), container))


if __name__ == "__main__":
    main()
