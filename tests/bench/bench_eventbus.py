"""Outbox -> bus -> consumer throughput, in-process (the baseline) vs NATS JetStream.

    python -m tests.bench.bench_eventbus [--events N] [--groups G]

Events are committed to the outbox first (SQLite file database), then the relay and the consumers
start and the clock runs until every group has handled every event; the handler does what real
ones do: commits its processed record in a transaction. NATS comes from COZEPLUS_TEST_NATS_URL
(scripts/services.py), else a private nats-server is started for the run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

# Run from a checkout: its src/ wins over an installed copy of the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from bootstrap.logging import configure_logging
from bootstrap.paths import migrations_dir
from domain.common.eventbus import Event
from infra.persistence import migrate
from tests.support.eventbus import BusHarness, ThingHappened
from tests.support.nats_server import PrivateNats


@contextlib.contextmanager
def nats_url(workdir: Path) -> Iterator[str]:
    url = os.environ.get("COZEPLUS_TEST_NATS_URL")
    if url:
        yield url
        return
    server = PrivateNats(workdir / "nats")
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


async def run_once(
    adapter: str, db_url: str, nats: str | None, events: int, groups: int
) -> tuple[float, float]:
    h = BusHarness(adapter, db_url, nats)
    handled = 0
    done = asyncio.Event()

    async def count(_: Event) -> None:
        nonlocal handled
        handled += 1
        if handled == events * groups:
            done.set()

    for g in range(groups):
        h.consume(ThingHappened.topic, f"bench_{g}", count)  # type: ignore[arg-type]
    try:
        for start in range(0, events, 500):  # committed before the clock starts
            await h.record(*(ThingHappened(n=n) for n in range(start, min(events, start + 500))))
        began = time.perf_counter()
        await h.start()
        await asyncio.wait_for(done.wait(), 600)
        elapsed = time.perf_counter() - began
        assert h.relay is not None
        assert await h.relay.backlog() == 0
        return elapsed, events * groups / elapsed
    finally:
        await h.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--groups", type=int, default=2)
    args = parser.parse_args()
    configure_logging("warning", "console")
    with tempfile.TemporaryDirectory(prefix="bench-eventbus-") as tmp:
        workdir = Path(tmp)
        with nats_url(workdir) as nats:
            results: dict[str, tuple[float, float]] = {}
            for adapter in ("inprocess", "nats"):
                db_url = f"sqlite+aiosqlite:///{workdir / f'{adapter}.db'}"
                migrate.upgrade(migrations_dir(), db_url)
                results[adapter] = asyncio.run(
                    run_once(adapter, db_url, nats if adapter == "nats" else None, args.events, args.groups)
                )
    print(f"outbox -> bus -> consumer, {args.events} events x {args.groups} consumer groups, SQLite database")
    print(f"{'adapter':<12}{'seconds':>10}{'deliveries/s':>15}{'events/s':>12}")
    for adapter, (elapsed, rate) in results.items():
        print(f"{adapter:<12}{elapsed:>10.2f}{rate:>15.0f}{args.events / elapsed:>12.0f}")
    base = results["inprocess"][1]
    print(f"nats / inprocess (baseline) = {results['nats'][1] / base:.2f}x")


if __name__ == "__main__":
    main()
