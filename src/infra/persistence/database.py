"""Async engine and session factory for SQLite (embedded) and MySQL/MariaDB (production)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from domain.common.errors import DatabaseUnavailable
from infra.common.breaker import Breaker
from infra.persistence import sqlite_driver
from infra.privatefs import private_file

IDLE_PING_S = 10.0  # a pooled MySQL connection idle this long is pinged before use
_IDLE_SINCE = "cozeplus.idle_since"
CONNECT_TIMEOUT_S = 2  # a new MySQL connection (the server restarting does not hold requests longer)
POOL_TIMEOUT_S = 5.0  # waiting for a free pooled connection
# MySQL/MariaDB errors that mean "no server" rather than "bad statement": can't connect, gone away,
# lost connection, shutdown in progress, connection killed, commands out of sync after a cut.
_SERVER_GONE = frozenset({1053, 1927, 2002, 2003, 2005, 2006, 2013, 2014, 2055})


def is_outage(exc: BaseException) -> bool:
    """Did this fail because the server is unreachable (not because of the statement)?"""
    if isinstance(exc, DisconnectionError | InterfaceError | PoolTimeout | ConnectionError):
        return True
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        orig = exc.orig
        code = orig.args[0] if orig is not None and orig.args else None
        return code in _SERVER_GONE or isinstance(orig, OSError)
    return False


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def prepare_sqlite_file(url: str) -> None:
    """A SQLite database file is created 0600 in a 0700 folder before SQLite opens it; SQLite
    gives the -wal and -shm files the same mode. Other URLs (and in-memory SQLite) are left alone."""
    parsed = make_url(url)
    name = parsed.database or ""
    on_disk = name not in ("", ":memory:") and not name.startswith("file:")
    if parsed.get_backend_name() == "sqlite" and on_disk:
        private_file(Path(name))


class Database:
    """Owns the engine; `ping()` feeds /readyz."""

    name = "database"

    def __init__(
        self, url: str, *, echo: bool = False, pool_size: int = 10, idle_ping_s: float = IDLE_PING_S
    ) -> None:
        self.url = make_url(url)
        kwargs: dict[str, Any] = {"echo": echo}
        engine_url = self.url
        if self.is_sqlite:
            prepare_sqlite_file(url)
            kwargs["connect_args"] = {"timeout": 30}
            engine_url = self.url.set(drivername=f"sqlite+{sqlite_driver.DRIVER}")
        else:
            kwargs.update(
                pool_size=pool_size, max_overflow=pool_size, pool_recycle=1800, pool_timeout=POOL_TIMEOUT_S
            )
            kwargs["connect_args"] = {"charset": "utf8mb4", "connect_timeout": CONNECT_TIMEOUT_S}
        self.engine: AsyncEngine = create_async_engine(engine_url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        else:
            _ping_when_idle(self.engine, idle_ping_s)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False, autoflush=False)
        # A database server that dropped out fails units of work fast (503) until a probe gets
        # through; the embedded SQLite file has no server to lose.
        self.breaker: Breaker | None = None if self.is_sqlite else Breaker("database")
        # SQLite takes one writer at a time and lets a second one wait in its busy handler, which
        # sleeps up to 100 ms between retries: under many concurrent chats most of a turn's time
        # went to those sleeps. Writers of this process queue on this lock instead (it costs
        # nothing); MySQL/MariaDB lock rows and take many writers, so they have none.
        self.writer_lock: asyncio.Lock | None = asyncio.Lock() if self.is_sqlite else None

    def unavailable(self, exc: BaseException) -> DatabaseUnavailable | None:
        """The error a caller should see for `exc`, when it means the server is gone."""
        if self.breaker is None or not is_outage(exc):
            return None
        self.breaker.trip(f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
        return DatabaseUnavailable(
            reason=f"database: {self.breaker.last_error}", retry_after=self.breaker.retry_after()
        )

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def adapter(self) -> str:
        return "sqlite" if self.is_sqlite else self.url.get_backend_name()

    def session(self) -> AsyncSession:
        return self.sessions()

    async def check(self) -> tuple[bool, str]:
        started = time.perf_counter()
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:  # readiness reports any failure as a reason, never raises
            return False, f"{type(exc).__name__}: unreachable"
        return True, f"{(time.perf_counter() - started) * 1000:.1f} ms"

    async def dispose(self) -> None:
        await self.engine.dispose()


def _ping_when_idle(engine: AsyncEngine, idle_s: float) -> None:
    """Ping a pooled connection at checkout only when it sat idle for `idle_s` or longer.

    SQLAlchemy's pool_pre_ping pings on every checkout: a round trip per unit of work, three per
    chat turn, while a busy pool hands out connections that were in use a moment ago. A server
    restart or a network cut shows on connections that waited; a dead one found here is replaced
    (DisconnectionError makes the pool connect anew), and one that dies in use fails that request
    and invalidates the pool, as before (ADR 0027)."""

    def checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop(_IDLE_SINCE, None)
        if since is None or time.monotonic() - since < idle_s:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # whatever the driver raises, the connection is not usable
            raise DisconnectionError(f"pooled connection failed its ping: {type(exc).__name__}") from exc

    event.listen(engine.sync_engine, "checkin", checkin)
    event.listen(engine.sync_engine, "checkout", checkout)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL lets readers proceed during a write; foreign keys are off by default in SQLite.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()
