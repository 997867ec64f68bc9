from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from api.app import CozeplusASGI
from bootstrap.container import Container, build_container
from bootstrap.http import build_asgi
from bootstrap.logging import configure_logging
from bootstrap.settings import Settings
from tests.support.conversation_fakes import fill_missing_contracts
from tests.support.databases import DB_KINDS, migrated_database
from tests.support.identity import create_user, sign_in
from tests.support.processes import FAST_PASSWORD_HASHING

configure_logging(os.environ.get("COZEPLUS_TEST_LOG_LEVEL", "warning"))
for _name, _value in FAST_PASSWORD_HASHING.items():
    os.environ.setdefault(_name, _value)


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
def container(settings: Settings) -> Container:
    built = build_container(settings)
    fill_missing_contracts(built)
    return built


@pytest.fixture
def app(settings: Settings, container: Container) -> CozeplusASGI:
    return build_asgi(settings, container)


@pytest.fixture
async def anon_client(app: CozeplusASGI) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    async with AsyncTestClient(app=app) as test_client:  # type: ignore[arg-type]
        yield test_client


@pytest.fixture
async def client(anon_client: AsyncTestClient, settings: Settings) -> AsyncTestClient:  # type: ignore[type-arg]
    """Signed in as a super admin (session cookie, same-origin header)."""
    admin = await create_user(settings, superuser=True)
    await sign_in(anon_client, admin["email"])
    return anon_client
