"""What the embedded SQLite adapters (full-text, flat vector store) share."""

from __future__ import annotations

import sqlite3


class ImmediateTransaction:
    """BEGIN IMMEDIATE ... COMMIT/ROLLBACK on an autocommit connection (isolation_level=None):
    the write lock is taken up front, so a second writer waits (busy timeout) before it starts."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *_: object) -> None:
        self.conn.execute("ROLLBACK" if exc_type is not None else "COMMIT")
