"""UploadService with the real local storage and an in-memory repository: what is stored, what is
refused, and that a refused or failed upload leaves neither a row nor an object."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from application.common.actor import Actor, TokenGrant
from application.upload.directory import StoredFiles
from application.upload.service import UploadService
from domain.common.errors import DomainError
from domain.common.storage import StorageUnavailable
from domain.openauth.errors import ScopeNotGranted
from domain.openauth.values import Scope
from domain.upload.entities import UploadedFile
from domain.upload.errors import (
    EmptyUpload,
    FileTooLarge,
    InvalidFile,
    UnsupportedFileType,
    UploadedFileNotFound,
)
from infra.storage.local import LocalObjectStorage
from infra.storage.signing import HmacLinkSigner
from tests.support import files
from tests.support.fakes import CountingIds, FakeClock, FakeStore

LIMIT = 64 * 1024


class InMemoryFiles:
    def __init__(self, store: FakeStore) -> None:
        self.store = store
        store.tables.setdefault("files", {})
        self.fail_add = False

    async def add(self, file: UploadedFile) -> None:
        if self.fail_add:
            raise RuntimeError("database went away")
        self.store.tables["files"][file.id] = file

    async def get(self, file_id: int) -> UploadedFile | None:
        found = self.store.tables["files"].get(file_id)
        return found if isinstance(found, UploadedFile) else None


class World:
    def __init__(self, tmp: Path) -> None:
        self.store = FakeStore()
        self.files = InMemoryFiles(self.store)
        self.storage = LocalObjectStorage(
            tmp / "objects",
            signer=HmacLinkSigner(b"k" * 32),
            link_base="http://files.test/objects",
            clock=FakeClock(),
        )
        self.service = UploadService(
            self.store.uow, self.files, self.storage, CountingIds(), FakeClock(), LIMIT, timedelta(minutes=5)
        )
        self.root = tmp / "objects"

    def rows(self) -> dict[object, object]:
        return self.store.tables["files"]

    async def objects(self) -> list[str]:
        return [o.key for o in (await self.storage.list()).objects]

    def leftovers(self) -> list[Path]:
        return list((self.root / "tmp").glob("*")) if (self.root / "tmp").exists() else []

    async def assert_nothing_written(self) -> None:
        assert self.rows() == {}
        assert await self.objects() == []
        assert self.leftovers() == []


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


ALICE = Actor(user_id=7)
BOB = Actor(user_id=8)


async def stream(data: bytes, chunk: int = 1000) -> AsyncIterator[bytes]:
    for start in range(0, len(data), chunk):
        yield data[start : start + chunk]


async def failing_stream(good: bytes, error: BaseException) -> AsyncIterator[bytes]:
    yield good
    raise error


async def test_upload_stores_bytes_and_metadata(world: World) -> None:
    data = files.png()
    uploaded = await world.service.upload(ALICE, "../holiday photo.png", stream(data, 7))
    assert (uploaded.name, uploaded.content_type, uploaded.size) == (
        "holiday photo.png",
        "image/png",
        len(data),
    )
    assert uploaded.url.startswith("http://files.test/objects/uploads/7/")
    row = world.rows()[uploaded.id]
    assert isinstance(row, UploadedFile)
    assert row.object_key == f"uploads/7/{uploaded.id}"
    assert await world.storage.get(row.object_key) == data
    assert (await world.storage.head(row.object_key)).content_type == "image/png"
    import hashlib

    assert uploaded.sha256 == hashlib.sha256(data).hexdigest()


async def test_large_text_streams_through_the_sniffing_window(world: World) -> None:
    data = files.text(LIMIT - 10)
    uploaded = await world.service.upload(ALICE, "notes.md", stream(data, 3000))
    assert (uploaded.content_type, uploaded.size) == ("text/markdown", len(data))
    assert await world.storage.get(f"uploads/7/{uploaded.id}") == data


async def test_bytes_body_is_accepted(world: World) -> None:
    uploaded = await world.service.upload(ALICE, "upload", files.pdf())
    assert uploaded.content_type == "application/pdf"


@pytest.mark.parametrize(
    ("name", "body", "error"),
    [
        ("a.txt", b"", EmptyUpload),
        ("a.bin", b"", EmptyUpload),
        ("a.txt", b"x" * (LIMIT + 1), FileTooLarge),
        ("setup.exe", files.windows_exe(), UnsupportedFileType),
        ("data", files.random_binary(), UnsupportedFileType),
        ("photo.png", files.text(), InvalidFile),
        ("\u202e/", files.png(), InvalidFile),
    ],
)
async def test_refused_uploads_write_nothing(
    world: World, name: str, body: bytes, error: type[DomainError]
) -> None:
    with pytest.raises(error):
        await world.service.upload(ALICE, name, stream(body))
    await world.assert_nothing_written()


async def test_too_large_after_the_head_drops_the_partial_object(world: World) -> None:
    with pytest.raises(FileTooLarge):
        await world.service.upload(ALICE, "big.txt", stream(files.text(LIMIT + 5000), 4096))
    await world.assert_nothing_written()


async def test_binary_tail_in_a_text_file_drops_the_partial_object(world: World) -> None:
    body = files.text(20_000) + b"\x00\x01\x02"
    with pytest.raises(InvalidFile):
        await world.service.upload(ALICE, "a.txt", stream(body, 4096))
    await world.assert_nothing_written()


async def test_client_stream_breaking_midway_writes_nothing(world: World) -> None:
    with pytest.raises(ConnectionResetError):
        await world.service.upload(
            ALICE, "a.pdf", failing_stream(files.pdf() + b"x" * 20_000, ConnectionResetError("gone"))
        )
    await world.assert_nothing_written()


async def test_storage_failing_midway_writes_nothing(world: World) -> None:
    real_put = world.storage.put

    async def put_then_fail(key: str, body: object, *, content_type: str | None = None) -> object:
        async def cut(source: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
            sent = 0
            async for chunk in source:
                yield chunk
                sent += len(chunk)
                if sent > 10_000:
                    raise StorageUnavailable(reason="disk full")

        return await real_put(key, cut(body), content_type=content_type)  # type: ignore[arg-type]

    world.storage.put = put_then_fail  # type: ignore[assignment,method-assign]
    with pytest.raises(StorageUnavailable):
        await world.service.upload(ALICE, "a.txt", stream(files.text(40_000), 4096))
    await world.assert_nothing_written()


async def test_row_failure_removes_the_complete_object(world: World) -> None:
    world.files.fail_add = True
    with pytest.raises(RuntimeError):
        await world.service.upload(ALICE, "a.pdf", files.pdf())
    await world.assert_nothing_written()


async def test_retrieve_only_for_the_owner(world: World) -> None:
    uploaded = await world.service.upload(ALICE, "a.pdf", files.pdf())
    assert (await world.service.retrieve(ALICE, uploaded.id)).name == "a.pdf"
    with pytest.raises(UploadedFileNotFound):
        await world.service.retrieve(BOB, uploaded.id)
    with pytest.raises(UploadedFileNotFound):
        await world.service.retrieve(ALICE, uploaded.id + 1000)


async def test_space_bound_tokens_see_their_space_only(world: World) -> None:
    in_space = Actor(user_id=7, token=TokenGrant(1, frozenset(), space_id=100))
    elsewhere = Actor(user_id=7, token=TokenGrant(2, frozenset(), space_id=200))
    uploaded = await world.service.upload(in_space, "a.pdf", files.pdf())
    assert (await world.service.retrieve(in_space, uploaded.id)).id == uploaded.id
    assert (await world.service.retrieve(ALICE, uploaded.id)).id == uploaded.id  # the session sees all
    with pytest.raises(UploadedFileNotFound):
        await world.service.retrieve(elsewhere, uploaded.id)


async def test_scopes(world: World) -> None:
    chat_only = Actor(user_id=7, token=TokenGrant(1, frozenset({Scope.CHAT})))
    with pytest.raises(ScopeNotGranted):
        await world.service.upload(chat_only, "a.pdf", files.pdf())
    uploaded = await world.service.upload(ALICE, "a.pdf", files.pdf())
    with pytest.raises(ScopeNotGranted):
        await world.service.retrieve(chat_only, uploaded.id)
    files_only = Actor(user_id=7, token=TokenGrant(2, frozenset({Scope.FILE_UPLOAD})))
    assert (await world.service.retrieve(files_only, uploaded.id)).id == uploaded.id


async def test_crossdomain_lookup_is_owner_only_with_a_link(world: World) -> None:
    directory = StoredFiles(world.store.uow, world.files, world.service)
    uploaded = await world.service.upload(ALICE, "a.pdf", files.pdf())
    shared = await directory.get(uploaded.id, ALICE.user_id)
    assert shared is not None
    assert (shared.name, shared.content_type, shared.size) == ("a.pdf", "application/pdf", len(files.pdf()))
    assert shared.url.startswith("http://files.test/objects/uploads/7/")
    assert await directory.get(uploaded.id, BOB.user_id) is None
    assert await directory.get(999_999, ALICE.user_id) is None
