"""Object storage in a local directory: the embedded default.

Layout under the root:
    data/<key path>    the object's bytes
    meta/<key path>    JSON: size, etag, content type, time, and the inode of the data file it describes
    tmp/               uploads in progress

In a key path every folder is named `<segment>%2F`, so keys `a` and `a/b` can both exist (file `a`,
folder `a%2F`), just as in S3; keys never contain percent-escapes, so no key can name a folder.

An upload is written to tmp/, fsynced, then renamed into place, so a reader sees the old object or
the new one, never a part. The data file decides whether an object exists; its metadata is trusted
only while the recorded inode and size match the data file, otherwise it is rebuilt from the bytes
(so a crash between the two renames, or a restore from backup, heals itself).
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any, TypeVar
from urllib.parse import quote

from domain.common.ports import Clock
from domain.common.storage import (
    Body,
    InvalidObjectRange,
    LinkMethod,
    LinkSigner,
    ObjectInfo,
    ObjectNotFound,
    ObjectPage,
    StorageUnavailable,
    byte_range,
    key_prefix,
    link_ttl,
    object_key,
)
from domain.common.storage import content_type as mime_type
from infra.privatefs import create_private, private_dir, write_private_text
from infra.storage.body import CHUNK, blocks, chunks
from infra.storage.reader import ObjectSpan

T = TypeVar("T")
DIR_MARK = "%2F"
STALE_UPLOAD_S = 3600.0


class LocalReader(ObjectSpan):
    def __init__(self, handle: IO[bytes], info: ObjectInfo, offset: int, length: int) -> None:
        super().__init__(info, offset, length)
        self._handle = handle

    async def __aiter__(self) -> AsyncIterator[bytes]:
        remaining = self._length
        try:
            while remaining > 0:
                data = await asyncio.to_thread(self._handle.read, min(CHUNK, remaining))
                if not data:
                    break
                remaining -= len(data)
                yield data
        finally:
            await self.aclose()

    async def aclose(self) -> None:
        self._handle.close()


class LocalObjectStorage:
    name = "storage"
    adapter = "local"

    def __init__(self, root: Path, *, signer: LinkSigner, link_base: str, clock: Clock) -> None:
        self.root = root
        self._data = root / "data"
        self._meta = root / "meta"
        self._tmp = root / "tmp"
        self._signer = signer
        self._link_base = link_base.rstrip("/")
        self._clock = clock

    # ------------------------------------------------------------------ lifetime

    async def start(self) -> None:
        await asyncio.to_thread(self._prepare)

    def _folders(self) -> None:
        # Also done by check() and on demand, so the adapter works even if nobody called start().
        for folder in (self.root, self._data, self._meta, self._tmp):
            private_dir(folder)

    def _prepare(self) -> None:
        self._folders()
        # Leftovers of uploads cut off by a crash. Recent ones may belong to another process
        # sharing this directory, mid-upload, so only old ones go.
        cutoff = time.time() - STALE_UPLOAD_S
        for leftover in self._tmp.iterdir():
            with contextlib.suppress(OSError):
                if leftover.stat().st_mtime < cutoff:
                    leftover.unlink()

    async def stop(self) -> None:
        return None

    async def check(self) -> tuple[bool, str]:
        try:
            await asyncio.to_thread(self._folders)
            ok = await asyncio.to_thread(os.access, self._tmp, os.W_OK)
            free = await asyncio.to_thread(shutil.disk_usage, self.root)
        except OSError as exc:
            return False, type(exc).__name__
        if not ok:
            return False, "directory not writable"
        return True, f"{free.free / 2**30:.1f} GiB free"

    # ------------------------------------------------------------------ paths

    def _relative(self, key: str) -> Path:
        *folders, name = key.split("/")
        return Path(*(f"{segment}{DIR_MARK}" for segment in folders), name)

    # ------------------------------------------------------------------ writing

    async def put(self, key: str, body: Body, *, content_type: str | None = None) -> ObjectInfo:
        object_key(key)
        mime = mime_type(content_type)
        token = uuid.uuid4().hex
        part, meta_part = self._tmp / f"{token}.part", self._tmp / f"{token}.meta"
        try:
            handle = await _disk(_create, part)
            digest, size = hashlib.md5(usedforsecurity=False), 0
            try:
                async for block in blocks(chunks(body)):
                    await _disk(_write, handle, block, digest)
                    size += len(block)
                inode = await _disk(_seal, handle)
            finally:
                handle.close()
            info = ObjectInfo(key, size, digest.hexdigest(), mime, self._clock.now())
            await _disk(self._publish, key, part, meta_part, info, inode)
        except BaseException:
            # Anything, including cancellation: the parts go, and nothing was published.
            for leftover in (part, meta_part):
                leftover.unlink(missing_ok=True)
            raise
        return info

    def _publish(self, key: str, part: Path, meta_part: Path, info: ObjectInfo, inode: int) -> None:
        _write_json(meta_part, _meta_record(info, inode))
        relative = self._relative(key)
        _place(part, self._data / relative, durable=True)
        # Metadata needs no fsync: if a crash loses it, its inode no longer matches and it is rebuilt.
        _place(meta_part, self._meta / relative, durable=False)

    # ------------------------------------------------------------------ reading

    async def head(self, key: str) -> ObjectInfo:
        object_key(key)
        return await asyncio.to_thread(self._head, key)

    def _head(self, key: str) -> ObjectInfo:
        try:
            with (self._data / self._relative(key)).open("rb") as handle:
                return self._describe(key, handle)
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            raise ObjectNotFound(key=key) from None

    def _describe(self, key: str, handle: IO[bytes]) -> ObjectInfo:
        """The metadata of the data file open in `handle`: recorded, or rebuilt if stale."""
        stat = os.fstat(handle.fileno())
        meta_path = self._meta / self._relative(key)
        try:
            record = json.loads(meta_path.read_text())
            if record["inode"] == stat.st_ino and record["size"] == stat.st_size:
                return ObjectInfo(
                    key=key,
                    size=int(record["size"]),
                    etag=str(record["etag"]),
                    content_type=str(record["content_type"]),
                    modified_at=datetime.fromisoformat(record["modified_at"]),
                )
        except (OSError, ValueError, KeyError, TypeError):
            pass
        digest, position = hashlib.md5(usedforsecurity=False), 0
        while block := os.pread(handle.fileno(), CHUNK, position):  # leaves the read position alone
            digest.update(block)
            position += len(block)
        modified = datetime.fromtimestamp(stat.st_mtime, UTC)
        info = ObjectInfo(key, stat.st_size, digest.hexdigest(), mime_type(None), modified)
        with contextlib.suppress(OSError):
            temp = self._tmp / f"{uuid.uuid4().hex}.meta"
            _write_json(temp, _meta_record(info, stat.st_ino))
            _place(temp, meta_path, durable=False)
        return info

    async def get(self, key: str, *, offset: int = 0, length: int | None = None) -> bytes:
        reader = await self.open(key, offset=offset, length=length)
        return b"".join([block async for block in reader])

    async def open(self, key: str, *, offset: int = 0, length: int | None = None) -> LocalReader:
        object_key(key)
        byte_range(offset, length)
        return await asyncio.to_thread(self._open, key, offset, length)

    def _open(self, key: str, offset: int, length: int | None) -> LocalReader:
        try:
            handle = (self._data / self._relative(key)).open("rb")
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            raise ObjectNotFound(key=key) from None
        try:
            info = self._describe(key, handle)  # the file we hold, even if replaced meanwhile
            size = info.size
            if (offset > 0 or length is not None) and offset >= size:
                raise InvalidObjectRange(key=key, offset=offset, size=size)
            handle.seek(offset)
        except BaseException:
            handle.close()
            raise
        span = size - offset if length is None else min(length, size - offset)
        return LocalReader(handle, info, offset, span)

    # ------------------------------------------------------------------ delete and list

    async def delete(self, key: str) -> None:
        object_key(key)
        await asyncio.to_thread(self._delete, key)

    def _delete(self, key: str) -> None:
        relative = self._relative(key)
        for tree in (self._data, self._meta):
            path = tree / relative
            try:
                path.unlink()
            except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
                continue
            _prune(path.parent, tree)

    async def list(self, prefix: str = "", *, after: str | None = None, limit: int = 1000) -> ObjectPage:
        key_prefix(prefix)
        if after is not None:
            object_key(after)
        limit = max(1, min(limit, 1000))
        keys = await asyncio.to_thread(self._keys, prefix)
        floor = after.encode() if after is not None else b""
        selected = [k for k in keys if k.encode() > floor][: limit + 1]
        infos: builtins.list[ObjectInfo] = []
        for key in selected[:limit]:
            with contextlib.suppress(ObjectNotFound):  # deleted while we listed
                infos.append(await asyncio.to_thread(self._head, key))
        more = len(selected) > limit
        return ObjectPage(objects=infos, next_after=selected[limit - 1] if more else None)

    def _keys(self, prefix: str) -> builtins.list[str]:
        *folders, partial = prefix.split("/")
        start = self._data.joinpath(*(f"{segment}{DIR_MARK}" for segment in folders))
        base = "".join(f"{segment}/" for segment in folders)
        found: list[str] = []
        _collect(start, base, partial, found)
        found.sort(key=str.encode)  # S3 lists in UTF-8 byte order
        return found

    # ------------------------------------------------------------------ links

    async def presign(self, method: LinkMethod, key: str, ttl: timedelta) -> str:
        object_key(key)
        link_ttl(ttl)
        expires = int((self._clock.now() + ttl).timestamp())
        signature = self._signer.sign(method, key, expires)
        return f"{self._link_base}/{quote(key, safe='/')}?expires={expires}&signature={signature}"


def _collect(folder: Path, base: str, partial: str, found: list[str]) -> None:
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        name = entry.name
        if entry.is_dir(follow_symlinks=False):
            if name.endswith(DIR_MARK) and name.startswith(partial):
                _collect(Path(entry.path), f"{base}{name[: -len(DIR_MARK)]}/", "", found)
        elif entry.is_file(follow_symlinks=False) and name.startswith(partial):
            found.append(base + name)


def _place(source: Path, target: Path, *, durable: bool) -> None:
    for attempt in range(3):
        private_dir(target.parent)
        try:
            os.replace(source, target)
            break
        except FileNotFoundError:  # a concurrent delete pruned the folder after our mkdir
            if attempt == 2:
                raise
    if durable:
        _fsync_dir(target.parent)


async def _disk(fn: Callable[..., T], *args: Any) -> T:
    """Run file work in a thread; a failing disk (full, read-only, gone) is the backend's failure."""
    try:
        return await asyncio.to_thread(fn, *args)
    except OSError as exc:
        raise StorageUnavailable(reason=f"local disk: {type(exc).__name__}") from exc


def _prune(folder: Path, tree: Path) -> None:
    # Empty folders go, so listing stays cheap and the tree mirrors the keys that exist.
    while folder != tree and tree in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def _create(path: Path) -> IO[bytes]:
    private_dir(path.parent)
    return create_private(path)


def _write(handle: IO[bytes], block: bytes, digest: Any) -> None:
    handle.write(block)
    digest.update(block)


def _seal(handle: IO[bytes]) -> int:
    handle.flush()
    os.fsync(handle.fileno())
    return os.fstat(handle.fileno()).st_ino


def _meta_record(info: ObjectInfo, inode: int) -> dict[str, Any]:
    return {
        "size": info.size,
        "etag": info.etag,
        "content_type": info.content_type,
        "modified_at": info.modified_at.isoformat(),
        "inode": inode,
    }


def _write_json(path: Path, record: dict[str, Any]) -> None:
    write_private_text(path, json.dumps(record))


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not every platform can open a folder, which is fine.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
