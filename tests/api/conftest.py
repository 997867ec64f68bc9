from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from bootstrap.settings import Settings
from tests.support.conversation_fakes import fill_missing_contracts
from tests.support.databases import migrated_database


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> Settings:
    with migrated_database("sqlite", tmp_path) as url:
        return Settings(_env_file=None, data_dir=tmp_path / "data", database_url=url, access_log=False)  # type: ignore[call-arg]


@pytest.fixture
async def sqlite_client(sqlite_settings: Settings) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    from bootstrap.container import build_container
    from bootstrap.http import build_asgi

    container = build_container(sqlite_settings)
    fill_missing_contracts(container)
    async with AsyncTestClient(app=build_asgi(sqlite_settings, container)) as c:  # type: ignore[arg-type]
        yield c
