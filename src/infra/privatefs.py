"""Folders and files the server keeps on local disk belong to the service user alone (0700 / 0600).

The database, the server key, stored objects and the embedded indexes all live under the data
directory. Modes are set explicitly, not left to the umask (commonly 022, which makes every file
world-readable); mkdir's and open's modes pass through the umask, so folders are chmod-ed after
they are made. The data directory being 0700 is what matters most: nothing below it can then be
reached by another local user, whatever mode a library gives its own files (ADR 0033).
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import structlog

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600

log = structlog.get_logger("cozeplus.files")


def private_dir(path: Path) -> Path:
    """`mkdir -p` whose new folders are 0700; `path` itself is narrowed to 0700 when it exists."""
    for attempt in range(3):
        try:
            _make_dirs(path)
            break
        except FileNotFoundError:  # a parent was pruned meanwhile (local storage removes empty folders)
            if attempt == 2:
                raise
    narrow(path, PRIVATE_DIR)
    return path


def _make_dirs(path: Path) -> None:
    missing: list[Path] = []
    folder = path
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for new in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process made it meanwhile
            new.mkdir(mode=PRIVATE_DIR)
            os.chmod(new, PRIVATE_DIR)


def private_file(path: Path) -> Path:
    """Create `path` (empty, 0600) in a private folder if it is missing, else narrow it to 0600.

    For files a library opens itself (SQLite, for one, gives its -wal and -shm files the mode of
    the database file)."""
    private_dir(path.parent)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE))
    narrow(path, PRIVATE_FILE)
    return path


def create_private(path: Path) -> IO[bytes]:
    """A new file opened for writing, 0600 from its first byte; FileExistsError if it exists."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    return os.fdopen(fd, "wb")


def write_private_text(path: Path, text: str) -> None:
    """Write (or overwrite) a small text file, 0600."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


@contextlib.contextmanager
def private_umask() -> Iterator[None]:
    """Umask 077 while a library creates files or starts a helper process that inherits it
    (milvus-lite's server). Process-wide for that moment: anything made meanwhile by another thread
    only comes out narrower, never wider."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def narrow(path: Path, mode: int) -> None:
    """Drop permission bits beyond `mode`. Best effort: a path the service user does not own (a
    mounted volume, say) keeps its mode and the operator is told once in the log."""
    try:
        current = stat.S_IMODE(os.stat(path).st_mode)
        if current & ~mode:
            os.chmod(path, current & mode)
    except FileNotFoundError:
        return
    except OSError as exc:
        log.warning("data_path_not_private", path=str(path), reason=type(exc).__name__)
