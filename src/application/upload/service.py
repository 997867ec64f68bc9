"""Uploading files (streamed into object storage, checked on the way) and reading them back.

Order of work, so a refused or failed upload leaves nothing behind: the name and the first bytes
are checked before storage is touched; the bytes then stream into storage through `Intake`, which
cuts the stream off at the first broken rule (the adapter drops a partial object); the row is
written only after the object is complete, and the object is deleted again if the row cannot be.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from application.common.actor import Actor, require_scope
from domain.common.access import Scope
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from domain.common.storage import LinkMethod, ObjectStorage
from domain.upload.detection import SNIFF_BYTES, Detected, detect
from domain.upload.entities import UploadedFile, object_key_for
from domain.upload.errors import EmptyUpload, FileTooLarge, UploadedFileNotFound
from domain.upload.intake import Intake
from domain.upload.names import file_name
from domain.upload.ports import UploadedFileRepository

log = logging.getLogger("cozeplus.upload")

Body = bytes | AsyncIterable[bytes]


@dataclass(frozen=True, slots=True)
class FileDTO:
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime
    url: str  # a signed link that expires after the service's link lifetime


class UploadService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        files: UploadedFileRepository,
        storage: ObjectStorage,
        ids: IdGenerator,
        clock: Clock,
        max_bytes: int,
        link_ttl: timedelta,
    ) -> None:
        self._uow, self._files, self._storage = uow, files, storage
        self._ids, self._clock = ids, clock
        self.max_bytes = max_bytes
        self._link_ttl = link_ttl

    async def upload(
        self, actor: Actor, filename: str | None, body: Body, *, space_id: int | None = None
    ) -> FileDTO:
        """Store one file for `actor`. The client's content type is not asked for: the type is
        detected from the bytes and the name (domain/upload/detection.py)."""
        require_scope(actor, Scope.FILE_UPLOAD)
        name = file_name(filename)
        source = _chunks(body)
        head, complete = await self._head(source)
        if not head:
            raise EmptyUpload(reason="the file has no content")
        detected = detect(head, name, complete=complete)
        file_id = self._ids.next_id()
        key = object_key_for(actor.user_id, file_id)
        intake = Intake(detected, self.max_bytes)
        try:
            await self._storage.put(key, _checked(head, source, intake), content_type=detected.file_type.mime)
            uploaded = self._entity(actor, file_id, key, name, detected, intake, space_id)
            async with self._uow() as uow:
                await self._files.add(uploaded)
                await uow.commit()
        except BaseException:
            await self._discard(key)
            raise
        return await self._dto(uploaded)

    async def retrieve(self, actor: Actor, file_id: int) -> FileDTO:
        require_scope(actor, Scope.FILE_UPLOAD)
        async with self._uow():
            found = await self._files.get(file_id)
        if found is None or not found.visible_to(actor.user_id, actor.bound_space_id):
            raise UploadedFileNotFound()
        return await self._dto(found)

    async def link(self, file: UploadedFile) -> str:
        return await self._storage.presign(LinkMethod.GET, file.object_key, self._link_ttl)

    async def _head(self, source: AsyncIterator[bytes]) -> tuple[bytes, bool]:
        """At least SNIFF_BYTES from the start (fewer when the file is shorter), and whether that
        is the whole file. Checks the limit too: the head may be one large chunk."""
        head = bytearray()
        async for chunk in source:
            head += chunk
            if len(head) > self.max_bytes:
                raise FileTooLarge(limit=self.max_bytes)
            if len(head) >= SNIFF_BYTES:
                return bytes(head), False
        return bytes(head), True

    def _entity(
        self,
        actor: Actor,
        file_id: int,
        key: str,
        name: str,
        detected: Detected,
        intake: Intake,
        space_id: int | None,
    ) -> UploadedFile:
        if space_id is None:
            space_id = actor.bound_space_id
        return UploadedFile(
            id=file_id,
            owner_id=actor.user_id,
            name=name,
            content_type=detected.file_type.mime,
            size=intake.size,
            sha256=intake.sha256,
            object_key=key,
            created_at=self._clock.now(),
            space_id=space_id,
        )

    async def _discard(self, key: str) -> None:
        # The adapter drops an object whose stream failed; this covers a failure after the object
        # was complete (the row could not be written). Shielded: a client that went away cancels
        # the request, and the clean-up must still run.
        try:
            await asyncio.shield(self._storage.delete(key))
        except Exception:
            log.warning("upload_object_not_removed", extra={"object_key": key})
        except asyncio.CancelledError:
            log.warning("upload_object_removal_cancelled", extra={"object_key": key})

    async def _dto(self, file: UploadedFile) -> FileDTO:
        return FileDTO(
            id=file.id,
            name=file.name,
            content_type=file.content_type,
            size=file.size,
            sha256=file.sha256,
            created_at=file.created_at,
            url=await self.link(file),
        )


async def _chunks(body: Body) -> AsyncIterator[bytes]:
    if isinstance(body, bytes | bytearray | memoryview):
        if body:
            yield bytes(body)
        return
    async for chunk in body:
        if chunk:
            yield bytes(chunk)


async def _checked(head: bytes, rest: AsyncIterator[bytes], intake: Intake) -> AsyncIterator[bytes]:
    intake.feed(head)
    yield head
    async for chunk in rest:
        intake.feed(chunk)
        yield chunk
    intake.finish()
