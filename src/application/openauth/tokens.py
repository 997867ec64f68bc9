"""Personal access tokens: issue (shown once), list, rename, revoke, and authenticate bearer calls."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from application.common.actor import Actor, TokenGrant
from application.openauth.authcache import AuthSnapshot, TokenAuthCache
from crossdomain.audit import AuditRecorder, AuditResult
from crossdomain.settings import SettingsReader
from crossdomain.space import SpaceMembership
from crossdomain.user import UserDirectory
from domain.common.access import SpaceNotFound
from domain.common.ports import Clock, IdGenerator, SecretHasher, UnitOfWorkFactory
from domain.openauth.entities import PersonalAccessToken
from domain.openauth.errors import InvalidTokenRequest, TokenInvalid, TokenNotFound
from domain.openauth.events import TokenRevoked
from domain.openauth.ports import TokenRepository
from domain.openauth.values import TOKEN_PREFIX, Scope

MAX_DAYS_SETTING = "openauth.max_token_days"
DEFAULT_MAX_DAYS = 365
MAX_TOKEN_LENGTH = 200


@dataclass(frozen=True, slots=True)
class TokenDTO:
    id: int
    name: str
    created_at: datetime
    updated_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    scopes: list[str]
    space_id: int | None

    @classmethod
    def of(cls, t: PersonalAccessToken) -> TokenDTO:
        return cls(
            t.id,
            t.name,
            t.created_at,
            t.updated_at,
            t.expires_at,
            t.last_used_at,
            sorted(t.scopes),
            t.space_id,
        )


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: TokenDTO
    plaintext: str


class TokenService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        tokens: TokenRepository,
        users: UserDirectory,
        hasher: SecretHasher,
        membership: SpaceMembership,
        settings: SettingsReader,
        audit: AuditRecorder,
        ids: IdGenerator,
        clock: Clock,
        cache: TokenAuthCache | None = None,
    ) -> None:
        self._uow, self._tokens, self._users, self._hasher = uow, tokens, users, hasher
        self._membership, self._settings, self._audit = membership, settings, audit
        self._ids, self._clock = ids, clock
        # Without a cache (ttl 0) every call reads the database.
        self._cache = cache if cache is not None else TokenAuthCache(ttl_s=0)

    async def issue(
        self,
        actor: Actor,
        name: str,
        *,
        days: int | None = None,
        expire_at: datetime | None = None,
        scopes: list[str] | None = None,
        space_id: int | None = None,
    ) -> IssuedToken:
        if actor.token is not None:
            raise InvalidTokenRequest(reason="tokens cannot mint tokens")
        name = (name or "").strip()
        if not 1 <= len(name) <= 100:
            raise InvalidTokenRequest(reason="name must be 1-100 characters")
        now = self._clock.now()
        expires = await self._expiry(now, days, expire_at)
        granted = self._scopes(scopes or [])
        if space_id is not None and await self._membership.role_in(space_id, actor.user_id) is None:
            raise SpaceNotFound()
        secret = TOKEN_PREFIX + self._hasher.new_secret(32)
        token = PersonalAccessToken(
            id=self._ids.next_id(),
            user_id=actor.user_id,
            name=name,
            secret_hash=self._hasher.digest(secret),
            created_at=now,
            updated_at=now,
            expires_at=expires,
            scopes=granted,
            space_id=space_id,
        )
        async with self._uow() as uow:
            await self._tokens.add(token)
            await uow.commit()
        await self._audit.record(
            "token.create",
            AuditResult.OK,
            actor,
            target_type="token",
            target_id=token.id,
            detail={"scopes": sorted(granted), "space_id": str(space_id or "")},
        )
        return IssuedToken(TokenDTO.of(token), secret)

    async def _expiry(self, now: datetime, days: int | None, expire_at: datetime | None) -> datetime:
        max_days = int(await self._settings.value(MAX_DAYS_SETTING, DEFAULT_MAX_DAYS))
        if expire_at is None:
            if days is None or days < 1:
                raise InvalidTokenRequest(reason="an expiry is required")
            expire_at = now + timedelta(days=days)
        if expire_at <= now:
            raise InvalidTokenRequest(reason="expiry must be in the future")
        if expire_at > now + timedelta(days=max_days):
            raise InvalidTokenRequest(reason=f"expiry is limited to {max_days} days")
        return expire_at

    @staticmethod
    def _scopes(requested: list[str]) -> frozenset[Scope]:
        try:
            return frozenset(Scope(s) for s in requested)
        except ValueError as exc:
            raise InvalidTokenRequest(
                reason=f"unknown scope; known: {', '.join(s.value for s in Scope)}"
            ) from exc

    async def list(self, actor: Actor, page: int, page_size: int) -> tuple[list[TokenDTO], bool]:
        size = min(max(page_size, 1), 100)
        async with self._uow():
            tokens, more = await self._tokens.list_for_user(actor.user_id, max(page, 0) * size, size)
        return [TokenDTO.of(t) for t in tokens], more

    async def get(self, actor: Actor, token_id: int) -> TokenDTO:
        async with self._uow():
            return TokenDTO.of(await self._own(actor, token_id))

    async def rename(self, actor: Actor, token_id: int, name: str) -> TokenDTO:
        name = (name or "").strip()
        if not 1 <= len(name) <= 100:
            raise InvalidTokenRequest(reason="name must be 1-100 characters")
        async with self._uow() as uow:
            token = await self._own(actor, token_id)
            token.name, token.updated_at = name, self._clock.now()
            await self._tokens.save(token)
            await uow.commit()
        await self._audit.record(
            "token.update", AuditResult.OK, actor, target_type="token", target_id=token_id
        )
        return TokenDTO.of(token)

    async def revoke(self, actor: Actor, token_id: int) -> None:
        async with self._uow() as uow:
            await self._own(actor, token_id)
            await self._tokens.delete(token_id)
            uow.record(TokenRevoked(token_id=str(token_id), user_id=str(actor.user_id)))
            await uow.commit()
        self._cache.forget_all()
        await self._audit.record(
            "token.delete", AuditResult.OK, actor, target_type="token", target_id=token_id
        )

    async def _own(self, actor: Actor, token_id: int) -> PersonalAccessToken:
        token = await self._tokens.get(token_id)
        if token is None or token.user_id != actor.user_id:
            raise TokenNotFound()
        return token

    async def authenticate(self, bearer: str, ip: str = "", user_agent: str = "") -> Actor:
        """The actor behind `Authorization: Bearer <token>`; TokenInvalid for anything not valid now."""
        if not bearer.startswith(TOKEN_PREFIX) or len(bearer) > MAX_TOKEN_LENGTH:
            raise TokenInvalid()
        now = self._clock.now()
        secret_hash = self._hasher.digest(bearer)
        snapshot = self._cache.get(secret_hash)
        if snapshot is None:
            snapshot = await self._lookup(secret_hash, now)
        elif not snapshot.token.valid_at(now):  # expiry against the clock on every request
            self._cache.forget(secret_hash)
            raise TokenInvalid()
        elif snapshot.token.needs_touch(now):
            # Marked first, so concurrent calls with this token do not all write it.
            self._cache.touched(secret_hash, now)
            async with self._uow() as uow:
                await self._tokens.touch(snapshot.token.id, now)
                await uow.commit()
        token = snapshot.token
        return Actor(
            user_id=token.user_id,
            is_superuser=snapshot.is_superuser,
            ip=ip,
            user_agent=user_agent,
            token=TokenGrant(token.id, token.scopes, token.space_id),
        )

    async def _lookup(self, secret_hash: str, now: datetime) -> AuthSnapshot:
        # Taken before the read: a revocation from here on keeps this answer out of the cache, and
        # the entry's age counts from before the database answered.
        generation, read_at = self._cache.generation, self._cache.now()
        async with self._uow() as uow:
            # Lookup by keyed hash: the database index does the comparison on a value an attacker
            # cannot steer, so there is no timing signal about stored tokens.
            token = await self._tokens.get_by_secret_hash(secret_hash)
            if token is None or not token.valid_at(now):
                raise TokenInvalid()
            user = await self._users.card(token.user_id)
            if user is None or not user.active:
                raise TokenInvalid()
            if token.needs_touch(now):
                await self._tokens.touch(token.id, now)
                await uow.commit()
                token.last_used_at = now
        snapshot = AuthSnapshot(token, user.is_superuser, read_at)
        self._cache.put(secret_hash, snapshot, generation)
        return snapshot
