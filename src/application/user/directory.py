"""The user context's answer to other contexts asking whether an account exists (crossdomain.user)."""

from __future__ import annotations

from domain.common.ports import UnitOfWorkFactory
from domain.user.ports import UserRepository


class UserDirectoryService:
    def __init__(self, uow: UnitOfWorkFactory, users: UserRepository) -> None:
        self._uow, self._users = uow, users

    async def is_active_user(self, user_id: int) -> bool:
        async with self._uow():  # nested: joins the caller's transaction when there is one
            user = await self._users.get(user_id)
        return user is not None and user.active
