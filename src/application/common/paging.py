from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

MAX_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    has_more: bool


def bounded(page_size: int, default: int = 20) -> int:
    if page_size <= 0:
        return default
    return min(page_size, MAX_PAGE_SIZE)
