"""Unit of work over one AsyncSession; repositories find the session through a context variable."""

from __future__ import annotations

from contextvars import ContextVar, Token
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession

from domain.common.errors import DatabaseUnavailable, DomainError
from domain.common.events import DomainEvent
from domain.common.ports import Clock, IdGenerator
from infra.persistence.database import Database
from infra.persistence.outbox import OutboxRow

_current: ContextVar[AsyncSession | None] = ContextVar("cozeplus_session", default=None)


class NoActiveUnitOfWork(RuntimeError):
    pass


def current_session() -> AsyncSession:
    session = _current.get()
    if session is None:
        raise NoActiveUnitOfWork("repository used outside 'async with uow:'")
    return session


_PINNED = "cozeplus.pinned_rows"


def pin(row: object) -> None:
    """Keep `row` in the session's identity map until the unit of work ends (the map holds rows
    weakly), so a later `session.get` of it in the same unit of work needs no round trip."""
    current_session().info.setdefault(_PINNED, []).append(row)


class SqlUnitOfWork:
    """`writes`: a write transaction of a hot path; on a database that takes one writer at a time
    (SQLite) the outermost one waits for the others of this process first (Database.writer_lock)."""

    def __init__(self, db: Database, ids: IdGenerator, clock: Clock, *, writes: bool = False) -> None:
        self._db = db
        self._lock = db.writer_lock if writes else None
        self._locked = False
        self._ids = ids
        self._clock = clock
        self._events: list[DomainEvent] = []
        self._session: AsyncSession | None = None
        self._token: Token[AsyncSession | None] | None = None
        self._outer: AsyncSession | None = None

    async def __aenter__(self) -> Self:
        self._outer = _current.get()
        if self._outer is not None:  # nested: join the enclosing transaction
            return self
        breaker = self._db.breaker
        if breaker is not None and not breaker.allow():  # the server dropped out moments ago
            raise breaker.refuse(DatabaseUnavailable)
        if self._lock is not None:
            await self._lock.acquire()
            self._locked = True
        try:
            self._session = self._db.session()
        except BaseException:
            self._release()
            raise
        self._token = _current.set(self._session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._session is None:
            return
        try:
            # close() hands the connection back to the pool, whose reset rolls back whatever was
            # not committed: an explicit rollback first would cost one more round trip for nothing.
            await self._session.close()
        except Exception as closing:  # the connection died with the server: the pool drops it
            if exc is None:
                raise self._db.unavailable(closing) or closing from closing
        finally:
            if self._token is not None:
                _current.reset(self._token)
            self._session = None
            self._release()
        breaker = self._db.breaker
        if exc is not None:
            # The server went away under this unit of work: nothing was committed, say so (503).
            unavailable = self._db.unavailable(exc)
            if unavailable is not None:
                raise unavailable from exc
        if breaker is not None:
            # Every way out settles a probe: success or a rule's error means the server answered;
            # anything else (cancelled, a bug) frees the probe slot for the next unit of work.
            if exc is None or isinstance(exc, DomainError):
                breaker.close()
            else:
                breaker.release()

    def _release(self) -> None:
        if self._locked and self._lock is not None:
            self._locked = False
            self._lock.release()

    def record(self, event: DomainEvent) -> None:
        self._events.append(event)

    async def commit(self) -> None:
        session = self._session or self._outer
        if session is None:
            raise NoActiveUnitOfWork("commit() outside 'async with uow:'")
        if self._events:
            now = self._clock.now()
            session.add_all(OutboxRow.of(self._ids.next_id(), e, now) for e in self._events)
            self._events.clear()
        if self._session is not None:  # the outermost unit of work owns the commit
            await self._session.commit()
        else:
            await session.flush()


class SqlUnitOfWorkFactory:
    def __init__(self, db: Database, ids: IdGenerator, clock: Clock, *, writes: bool = False) -> None:
        self._db, self._ids, self._clock, self._writes = db, ids, clock, writes

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._db, self._ids, self._clock, writes=self._writes)

    def writer(self) -> SqlUnitOfWorkFactory:
        """The same units of work for the write transactions of a hot path (see SqlUnitOfWork)."""
        return SqlUnitOfWorkFactory(self._db, self._ids, self._clock, writes=True)
