"""What both storage adapters' readers answer alike: the object read and the span being sent."""

from __future__ import annotations

from domain.common.storage import ObjectInfo


class ObjectSpan:
    """The `info`, `offset` and `length` of an ObjectReader; the adapters add the streaming."""

    def __init__(self, info: ObjectInfo, offset: int, length: int) -> None:
        self._info = info
        self._offset = offset
        self._length = length

    @property
    def info(self) -> ObjectInfo:
        return self._info

    @property
    def offset(self) -> int:
        return self._offset

    @property
    def length(self) -> int:
        return self._length
