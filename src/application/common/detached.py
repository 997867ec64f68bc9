"""Running work outside the caller's unit of work.

A unit of work opened inside another joins it (infra/persistence/uow.py). An event consumer runs
inside the delivery's transaction; a long job (indexing a document) must instead commit its progress
as it goes so readers see it. Such a job is idempotent by itself, so leaving the delivery's
transaction loses nothing but the shortcut of the processed record.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


async def detached(work: Coroutine[Any, Any, T]) -> T:
    """Await `work` in a fresh context: no enclosing unit of work is visible to it."""
    return await asyncio.create_task(work, context=contextvars.Context())
