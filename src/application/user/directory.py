"""The user context's answers to other contexts asking about accounts (crossdomain.user)."""

from __future__ import annotations

from collections.abc import Sequence

from crossdomain.user import UserCard
from domain.common.errors import InvalidInput
from domain.common.ports import UnitOfWorkFactory
from domain.user.entities import User
from domain.user.ports import UserRepository
from domain.user.values import Email


class UserDirectoryService:
    def __init__(self, uow: UnitOfWorkFactory, users: UserRepository) -> None:
        self._uow, self._users = uow, users

    async def is_active_user(self, user_id: int) -> bool:
        card = await self.card(user_id)
        return card is not None and card.active

    async def card(self, user_id: int) -> UserCard | None:
        async with self._uow():  # nested: joins the caller's transaction when there is one
            user = await self._users.get(user_id)
        return None if user is None else _card(user)

    async def cards(self, user_ids: Sequence[int]) -> list[UserCard]:
        async with self._uow():
            users = await self._users.get_many(user_ids)
        return [_card(u) for u in users]

    async def card_by_email(self, email: str) -> UserCard | None:
        try:
            address = Email.parse(email)
        except InvalidInput:
            return None
        async with self._uow():
            user = await self._users.get_by_email(address)
        return None if user is None else _card(user)


def _card(user: User) -> UserCard:
    return UserCard(user.id, user.name, user.unique_name, user.avatar_url, user.is_superuser, user.active)
