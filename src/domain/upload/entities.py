"""An uploaded file: its metadata here, its bytes in object storage under `object_key`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class UploadedFile:
    id: int
    owner_id: int
    name: str  # sanitised base name, as shown to people
    content_type: str  # detected from the bytes and the extension, never taken from the client
    size: int
    sha256: str  # hex
    object_key: str
    created_at: datetime
    space_id: int | None = None  # the space a space-bound token uploaded for

    def visible_to(self, user_id: int, space_id: int | None) -> bool:
        """Only the owner sees a file; a caller bound to a space sees no other space's files."""
        if self.owner_id != user_id:
            return False
        return space_id is None or self.space_id is None or self.space_id == space_id


def object_key_for(owner_id: int, file_id: int) -> str:
    # Per-owner prefix: an account's files can be listed (and removed) without the database.
    return f"uploads/{owner_id}/{file_id}"
