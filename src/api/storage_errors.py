"""API codes of object storage (the signed-link routes and every context that stores objects)."""

from __future__ import annotations

from api.errors import ErrorSpec
from domain.common.errors import DomainError
from domain.common.storage import ObjectTooLarge, StorageError

ERRORS: dict[type[DomainError], ErrorSpec] = {
    StorageError: ErrorSpec(503, 5030),
    ObjectTooLarge: ErrorSpec(413, 4130),
}
