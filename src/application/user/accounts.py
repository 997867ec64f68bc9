"""Accounts: creation (self-service or by an admin), profile reads, password changes."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence

from application.common.actor import Actor, Origin
from application.common.admin import require_platform_admin
from application.user.dto import UserDTO
from crossdomain.audit import AuditRecorder, AuditResult
from crossdomain.permission import PermissionChecker
from crossdomain.space import PersonalSpaces
from crossdomain.user import AccountWatcher
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from domain.user.entities import User
from domain.user.errors import EmailTaken, OwnAccount, RegistrationClosed, UserNotFound, WrongPassword
from domain.user.events import AccountStatusChanged
from domain.user.ports import PasswordHasher, SessionRepository, UserRepository
from domain.user.values import Email, UserStatus, check_password_policy

_UNSAFE = re.compile(r"[^a-z0-9_]+")


class AccountService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        users: UserRepository,
        sessions: SessionRepository,
        hasher: PasswordHasher,
        spaces: PersonalSpaces,
        audit: AuditRecorder,
        ids: IdGenerator,
        clock: Clock,
        registration_open: bool,
        permissions: PermissionChecker,
        watchers: Sequence[AccountWatcher] = (),
    ) -> None:
        self._uow, self._users, self._sessions, self._hasher = uow, users, sessions, hasher
        self._spaces, self._audit, self._ids, self._clock = spaces, audit, ids, clock
        self._registration_open = registration_open
        self._permissions = permissions
        self._watchers = tuple(watchers)

    async def register(self, email: str, password: str, origin: Origin, name: str = "") -> UserDTO:
        if not self._registration_open:
            raise RegistrationClosed()
        user = await self._create(email, password, name, superuser=False)
        await self._audit.record(
            "user.register", AuditResult.OK, origin, actor_id=user.id, target_type="user", target_id=user.id
        )
        return user

    async def create_by_admin(
        self, admin: Actor | None, email: str, password: str, name: str = "", superuser: bool = False
    ) -> UserDTO:
        """Admins (and the CLI, with admin=None) create accounts even when registration is closed."""
        if admin is not None:
            await require_platform_admin(self._permissions, admin)
        user = await self._create(email, password, name, superuser)
        who = admin or Origin(user_agent="cozeplus-cli")
        await self._audit.record(
            "admin.user.create",
            AuditResult.OK,
            who,
            target_type="user",
            target_id=user.id,
            detail={"superuser": superuser},
        )
        return user

    async def _create(self, email: str, password: str, name: str, superuser: bool) -> UserDTO:
        address = Email.parse(email)
        check_password_policy(password)
        password_hash = await self._hasher.hash(password)
        now = self._clock.now()
        display = (name or address.value.split("@", 1)[0]).strip()[:100] or "user"
        async with self._uow() as uow:
            if await self._users.get_by_email(address) is not None:
                raise EmailTaken()
            user = User(
                id=self._ids.next_id(),
                email=address,
                name=display,
                unique_name=self._unique_name(display),
                password_hash=password_hash,
                is_superuser=superuser,
                status=UserStatus.ACTIVE,
                created_at=now,
                updated_at=now,
            )
            await self._users.add(user)
            await self._spaces.create_personal_space(user.id, user.name)
            await uow.commit()
        return UserDTO.of(user)

    @staticmethod
    def _unique_name(display: str) -> str:
        base = _UNSAFE.sub("_", display.lower()).strip("_")[:40] or "user"
        return f"{base}_{secrets.token_hex(4)}"

    async def get(self, user_id: int) -> UserDTO:
        async with self._uow():
            user = await self._users.get(user_id)
        if user is None:
            raise UserNotFound()
        return UserDTO.of(user)

    async def change_password(self, actor: Actor, old: str, new: str) -> None:
        check_password_policy(new)
        async with self._uow() as uow:
            user = await self._users.get(actor.user_id)
            if user is None or not await self._hasher.verify(user.password_hash, old):
                await self._audit.record("user.password.change", AuditResult.DENIED, actor)
                raise WrongPassword()
            user.password_hash = await self._hasher.hash(new)
            user.updated_at = self._clock.now()
            await self._users.save(user)
            await self._sessions.revoke_all(user.id, user.updated_at)  # every other browser signs in again
            await uow.commit()
        await self._audit.record(
            "user.password.change", AuditResult.OK, actor, target_type="user", target_id=actor.user_id
        )

    async def reset_password(self, admin: Actor, user_id: int, new: str) -> None:
        await require_platform_admin(self._permissions, admin)
        if user_id == admin.user_id:
            raise OwnAccount()
        check_password_policy(new)
        async with self._uow() as uow:
            user = await self._users.get(user_id)
            if user is None:
                raise UserNotFound()
            user.password_hash = await self._hasher.hash(new)
            user.updated_at = self._clock.now()
            await self._users.save(user)
            await self._sessions.revoke_all(user.id, user.updated_at)
            await uow.commit()
        await self._audit.record(
            "admin.user.reset_password", AuditResult.OK, admin, target_type="user", target_id=user_id
        )

    async def set_status(self, admin: Actor, user_id: int, status: UserStatus) -> UserDTO:
        await require_platform_admin(self._permissions, admin)
        if user_id == admin.user_id and status is not UserStatus.ACTIVE:
            raise OwnAccount()
        async with self._uow() as uow:
            user = await self._users.get(user_id)
            if user is None:
                raise UserNotFound()
            user.status = status
            user.updated_at = self._clock.now()
            await self._users.save(user)
            if status is UserStatus.DISABLED:
                await self._sessions.revoke_all(user.id, user.updated_at)
            uow.record(AccountStatusChanged(user_id=str(user.id), status=status.value))
            await uow.commit()
        for watcher in self._watchers:
            watcher.account_changed(user_id)
        await self._audit.record(
            "admin.user.status",
            AuditResult.OK,
            admin,
            target_type="user",
            target_id=user_id,
            detail={"status": status.value},
        )
        return UserDTO.of(user)

    async def list_users(
        self, admin: Actor, page: int, page_size: int, query: str = ""
    ) -> tuple[list[UserDTO], int]:
        await require_platform_admin(self._permissions, admin)
        size = min(max(page_size, 1), 100)
        async with self._uow():
            users, total = await self._users.list(max(page - 1, 0) * size, size, query[:100])
        return [UserDTO.of(u) for u in users], total
