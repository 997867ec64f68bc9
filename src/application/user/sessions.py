"""Sign-in, sign-out and resolving the session cookie on each request."""

from __future__ import annotations

from datetime import timedelta

from application.common.actor import Actor, Origin
from application.user.dto import SignedIn, UserDTO
from crossdomain.audit import AuditRecorder, AuditResult
from domain.common.errors import InvalidInput
from domain.common.ports import Clock, IdGenerator, SecretHasher, UnitOfWorkFactory
from domain.user.entities import Session
from domain.user.errors import InvalidCredentials, LoginThrottled, SessionInvalid
from domain.user.ports import AttemptCounter, PasswordHasher, SessionRepository, UserRepository
from domain.user.values import MAX_PASSWORD, Email

MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_IP = 20
THROTTLE_WINDOW_S = 15 * 60


class SessionService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        users: UserRepository,
        sessions: SessionRepository,
        hasher: PasswordHasher,
        signer: SecretHasher,
        attempts: AttemptCounter,
        audit: AuditRecorder,
        ids: IdGenerator,
        clock: Clock,
        ttl: timedelta,
    ) -> None:
        self._uow, self._users, self._sessions, self._hasher = uow, users, sessions, hasher
        self._signer, self._attempts, self._audit = signer, attempts, audit
        self._ids, self._clock, self._ttl = ids, clock, ttl

    async def login(self, email: str, password: str, origin: Origin) -> SignedIn:
        try:
            address = Email.parse(email)
        except InvalidInput:
            address = None
        account_key = f"login:acct:{address.value if address else '-'}"
        ip_key = f"login:ip:{origin.ip or '-'}"
        await self._refuse_if_throttled(account_key, MAX_FAILURES_PER_ACCOUNT, origin)
        await self._refuse_if_throttled(ip_key, MAX_FAILURES_PER_IP, origin)

        async with self._uow():
            user = await self._users.get_by_email(address) if address else None
        # Same work and same answer whether the account exists or not (no user enumeration).
        if user is None or not isinstance(password, str) or len(password) > MAX_PASSWORD:
            await self._hasher.dummy_verify()
            ok = False
        else:
            ok = await self._hasher.verify(user.password_hash, password) and user.active
        if not ok or user is None:
            await self._attempts.hit(account_key, THROTTLE_WINDOW_S)
            await self._attempts.hit(ip_key, THROTTLE_WINDOW_S)
            await self._audit.record(
                "user.login",
                AuditResult.DENIED,
                origin,
                actor_id=user.id if user else None,
                detail={"email": address.value if address else ""},
            )
            raise InvalidCredentials()

        await self._attempts.reset(account_key)
        secret = self._signer.new_secret()
        now = self._clock.now()
        session = Session(
            id=self._ids.next_id(),
            user_id=user.id,
            secret_hash=self._signer.digest(secret),
            created_at=now,
            expires_at=now + self._ttl,
            ip=origin.ip,
            user_agent=origin.user_agent,
        )
        async with self._uow() as uow:
            await self._sessions.add(session)
            await uow.commit()
        await self._audit.record(
            "user.login",
            AuditResult.OK,
            origin,
            actor_id=user.id,
            target_type="session",
            target_id=session.id,
        )
        return SignedIn(
            UserDTO.of(user), f"{secret}.{self._signer.sign(secret)}", int(self._ttl.total_seconds())
        )

    async def _refuse_if_throttled(self, key: str, limit: int, origin: Origin) -> None:
        failures, retry_after = await self._attempts.count(key)
        if failures >= limit:
            await self._audit.record("user.login", AuditResult.DENIED, origin, detail={"throttled": key})
            raise LoginThrottled(retry_after=max(retry_after, 1))

    async def resolve(self, cookie: str) -> Actor:
        """The actor behind a session cookie; SessionInvalid for anything not currently valid."""
        secret, _, signature = (cookie or "").partition(".")
        if not secret or len(cookie) > 256 or not self._signer.verify_signature(secret, signature):
            raise SessionInvalid()
        now = self._clock.now()
        async with self._uow():
            session = await self._sessions.get_by_secret_hash(self._signer.digest(secret))
            if session is None or not session.valid_at(now):
                raise SessionInvalid()
            user = await self._users.get(session.user_id)
        if user is None or not user.active:
            raise SessionInvalid()
        return Actor(user_id=user.id, is_superuser=user.is_superuser, session_id=session.id)

    async def logout(self, actor: Actor) -> None:
        if actor.session_id is None:
            return
        async with self._uow() as uow:
            await self._sessions.revoke(actor.session_id, self._clock.now())
            await uow.commit()
        await self._audit.record(
            "user.logout", AuditResult.OK, actor, target_type="session", target_id=actor.session_id
        )
