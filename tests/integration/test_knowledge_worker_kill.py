"""A worker killed with SIGKILL in the middle of indexing a document: another worker picks the job
up (JetStream redelivers it after the ack wait) and the document ends with exactly the slices the
chunker cuts — none twice, none missing — in the database, the vector store and the full-text
index. Real servers: MariaDB, NATS JetStream, Milvus (gRPC), the Elasticsearch-API server."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from application.common.actor import Actor
from application.knowledge.inputs import TextInput
from bootstrap.container import build_container
from bootstrap.runtime import Runtime
from bootstrap.settings import Settings
from domain.common import fulltext as ft
from domain.common.vector_filters import Eq
from domain.knowledge.chunking import split
from domain.knowledge.entities import DocumentStatus
from domain.knowledge.parsed import FormatType, ParsedText, TextBlock
from domain.knowledge.values import ChunkingMode, ChunkingStrategy
from tests.support.processes import COZEPLUS, cozeplus_env, start
from tests.support.served import _real_servers
from tests.support.servers import server_url

pytestmark = [pytest.mark.mysql, pytest.mark.timeout(400)]
STRATEGY = ChunkingStrategy(ChunkingMode.CUSTOM, chunk_size=200, separator="\n")


def _text() -> str:
    # Thousands of short lines: a few hundred embedding batches, long enough to be cut halfway.
    return "\n".join(
        f"Line {i}: the quick brown fox number {i} jumps over lazy dog {i * 7}." for i in range(12_000)
    )


def _settings(env: dict[str, str]) -> Settings:
    values: dict[str, Any] = {
        k.removeprefix("COZEPLUS_").lower(): v for k, v in env.items() if k.startswith("COZEPLUS_")
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


async def _setup(settings: Settings) -> tuple[int, int, str]:
    """A user, a dataset and a queued document (its event waits in the outbox: no bus runs here)."""
    container = build_container(settings)
    resources = [container.storage.object_storage(), container.models.seeding()]  # the default models
    runtime = Runtime(container, role="test", resources=resources)
    await runtime.start()
    try:
        user = await container.identity.account_service().create_by_admin(
            None, "kill@example.com", "pass word 12", "", False
        )
        actor = Actor(user.id)
        spaces = await container.identity.space_service().list_for(actor)
        space_id = next(s.id for s in spaces.items if s.type == "personal")
        view = await container.knowledge.dataset_service().create(actor, space_id, "kill", FormatType.TEXT)
        (document,) = await container.knowledge.document_service().create(
            actor, view.dataset.id, [TextInput("lines.txt", _text())], STRATEGY
        )
        return view.dataset.id, document.id, view.dataset.collection
    finally:
        await runtime.stop()


async def _document(settings: Settings, document_id: int) -> Any:
    container = build_container(settings)
    async with container.core.uow()():
        found = await container.knowledge.documents().get(document_id)
    await container.core.database().dispose()
    return found


async def _stored(settings: Settings, document_id: int, collection: str) -> tuple[list[str], int, int]:
    container = build_container(settings)
    runtime = Runtime(
        container, role="test", resources=[container.vectors.store(), container.fulltext.index()]
    )
    await runtime.start()
    try:
        async with container.core.uow()():
            slices = await container.knowledge.slices().of_document(document_id)
        vectors = await container.vectors.store().count(collection, Eq("document_id", document_id))
        found = await container.fulltext.index().search(
            collection, ft.SearchRequest(text="fox", filter=ft.Term("document_id", document_id), size=1)
        )
        return [s.id for s in slices], vectors, found.total
    finally:
        await runtime.stop()


def _wait(settings: Settings, document_id: int, done: Any, seconds: float) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        document = asyncio.run(_document(settings, document_id))
        if done(document):
            return document
        assert time.monotonic() < deadline, document
        time.sleep(0.05)


def _worker(tmp: Path, env: dict[str, str], name: str) -> subprocess.Popen[bytes]:
    return start(["worker"], tmp, env, tmp / f"{name}.log")


def test_a_killed_worker_leaves_neither_duplicate_nor_missing_slices(tmp_path: Path) -> None:
    es_url = server_url("COZEPLUS_TEST_ES_URL")
    with _real_servers(tmp_path) as servers:
        env = cozeplus_env(
            COZEPLUS_DATA_DIR=str(tmp_path / "data"),
            COZEPLUS_FULLTEXT_URL=es_url,
            COZEPLUS_FULLTEXT_CONTENT_TYPE="plain-json",  # what the ES-API test server speaks
            COZEPLUS_EVENTBUS_ACK_WAIT_S="2",
            **servers,
        )
        migrated = subprocess.run(
            [*COZEPLUS, "migrate"], env=env, capture_output=True, text=True, check=False
        )
        assert migrated.returncode == 0, migrated.stderr[-3000:]
        settings = _settings(env)
        _, document_id, collection = asyncio.run(_setup(settings))

        first = _worker(tmp_path, env, "first")
        try:
            halfway = _wait(
                settings,
                document_id,
                lambda d: d.status is DocumentStatus.PROCESSING and d.progress.slices_done > 0,
                120,
            )
            os.kill(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
        finally:
            if first.poll() is None:
                first.kill()
        assert 0 < halfway.progress.slices_done < halfway.progress.slices_total, halfway.progress

        second = _worker(tmp_path, env, "second")
        try:
            ready = _wait(settings, document_id, lambda d: d.status is DocumentStatus.READY, 180)
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=30)

        expected = split(ParsedText((TextBlock(_text()),)), STRATEGY)
        ids, vectors, texts = asyncio.run(_stored(settings, document_id, collection))
        assert len(ids) == len(set(ids)) == len(expected) == ready.slice_count
        assert vectors == len(expected)  # every slice once, none of the killed run's left over
        assert texts == len(expected)  # every line holds "fox"
