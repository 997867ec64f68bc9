from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from bootstrap.container import build_container
from bootstrap.http import build_asgi
from bootstrap.logging import configure_logging
from bootstrap.settings import Settings
from tests.support.databases import DB_KINDS, migrated_database

configure_logging(os.environ.get("COZEPLUS_TEST_LOG_LEVEL", "warning"))


@pytest.fixture(params=DB_KINDS)
def db_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(db_kind: str, tmp_path: Path) -> Iterator[str]:
    """A migrated database of each kind: the test runs once on SQLite and once on MariaDB."""
    with migrated_database(db_kind, tmp_path) as url:
        yield url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path / "data",
        database_url=database_url,
        access_log=False,
    )


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    app = build_asgi(settings, build_container(settings))
    async with AsyncTestClient(app=app) as test_client:  # type: ignore[arg-type]
        yield test_client
