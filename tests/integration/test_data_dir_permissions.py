"""What the server writes under its data directory is the service user's alone: 0700 folders,
0600 files, whatever the umask, through the real code paths (migrate, serve, an upload, the
embedded indexes) and for a data directory that existed before with a wider mode (ADR 0033)."""

from __future__ import annotations

import asyncio
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from bootstrap.container import build_container
from bootstrap.http import build_asgi
from bootstrap.paths import migrations_dir
from bootstrap.settings import Settings
from domain.common.fulltext import Document, FieldSpec, FieldType, IndexSpec
from infra.persistence import migrate
from infra.privatefs import private_dir, private_file
from tests.support import files
from tests.support.conversation_fakes import fill_missing_contracts
from tests.support.identity import create_user, sign_in


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The usual 022: without explicit modes every file would come out 0644."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def modes(root: Path) -> dict[str, int]:
    found = {".": stat.S_IMODE(root.stat().st_mode)}
    for path in root.rglob("*"):
        if not path.is_symlink():
            found[str(path.relative_to(root))] = stat.S_IMODE(path.stat().st_mode)
    return found


def assert_private(root: Path) -> dict[str, int]:
    found = modes(root)
    wide = {name: oct(mode) for name, mode in found.items() if mode & 0o077}
    assert not wide, f"readable by others: {wide}"
    return found


@pytest.mark.usefixtures("open_umask")
async def test_everything_the_server_writes_is_private(tmp_path: Path) -> None:
    data = tmp_path / "srv" / "data"
    settings = Settings(_env_file=None, data_dir=data, access_log=False)  # type: ignore[call-arg]
    # What `cozeplus migrate` does (Alembic runs its own event loop: off this one).
    await asyncio.to_thread(migrate.upgrade, migrations_dir(), settings.resolved_database_url)
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "cozeplus.db").stat().st_mode) == 0o600

    container = build_container(settings)
    fill_missing_contracts(container)
    admin = await create_user(settings, superuser=True)
    async with AsyncTestClient(app=build_asgi(settings, container)) as client:  # type: ignore[arg-type]
        await sign_in(client, admin["email"])
        uploaded = await client.post("/api/bot/upload_file", files={"file": ("scan.pdf", files.pdf())})
        assert uploaded.json()["code"] == 0, uploaded.text
        index = container.fulltext.index()
        await index.create_index(
            IndexSpec("perm_check", (FieldSpec("title", FieldType.TEXT),)), exist_ok=True
        )
        await index.upsert("perm_check", [Document("1", {"title": "hello"})])
        assert (await container.vectors.store().check())[0]
        found = assert_private(data)

    assert found["secrets"] == 0o700 and found["secrets/server.key"] == 0o600
    assert found["cozeplus.db"] == 0o600
    assert any(name.startswith("cozeplus.db-wal") for name in found), sorted(found)
    assert any(name.startswith("objects/data/") and mode == 0o600 for name, mode in found.items())
    assert any(name.startswith("fulltext/") and mode == 0o600 for name, mode in found.items())
    assert any(name.startswith("vectors/") and mode == 0o600 for name, mode in found.items()), sorted(found)
    # Created by the code above, not by the test: the folder it sits in stays as it was.
    assert stat.S_IMODE((tmp_path / "srv").stat().st_mode) == 0o700


@pytest.mark.usefixtures("open_umask")
def test_existing_wide_paths_are_narrowed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)
    key = data / "cozeplus.db"
    key.write_bytes(b"")
    os.chmod(key, 0o644)
    private_dir(data)
    private_file(key)
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert key.read_bytes() == b""  # narrowed, not truncated
