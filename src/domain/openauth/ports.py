from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from domain.openauth.entities import PersonalAccessToken


class TokenRepository(Protocol):
    async def add(self, token: PersonalAccessToken) -> None: ...

    async def get(self, token_id: int) -> PersonalAccessToken | None: ...

    async def get_by_secret_hash(self, secret_hash: str) -> PersonalAccessToken | None: ...

    async def list_for_user(
        self, user_id: int, offset: int, limit: int
    ) -> tuple[Sequence[PersonalAccessToken], bool]: ...

    async def save(self, token: PersonalAccessToken) -> None: ...

    async def delete(self, token_id: int) -> None: ...

    async def touch(self, token_id: int, at: datetime) -> None: ...
