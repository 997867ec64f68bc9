"""The server secret and keyed hashes of session/token secrets (HMAC-SHA256)."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from infra.privatefs import PRIVATE_FILE, narrow, private_dir

SECRET_BYTES = 32
SERVER_SECRET_FILE = Path("secrets") / "server.key"


def server_secret(configured: str | None, data_dir: Path) -> bytes:
    """The configured secret, else one generated once into the data dir.

    Several API processes must share it: set COZEPLUS_SECRET_KEY when they run on several hosts.
    """
    return configured.encode() if configured else load_or_create_secret(data_dir / SERVER_SECRET_FILE)


def derive_key(secret: bytes, purpose: str) -> bytes:
    """A separate key per purpose, so a value signed for one use never verifies for another."""
    return hmac.new(secret, purpose.encode(), hashlib.sha256).digest()


def load_or_create_secret(path: Path) -> bytes:
    """The secret stored at `path`, created (0600, random) the first time.

    Several processes sharing the data directory may race here; the secret is written to a
    private temporary file and hard-linked into place, which fails for all but the first, and
    everyone then reads the winner's secret.
    """
    private_dir(path.parent)
    if path.exists():
        narrow(path, PRIVATE_FILE)  # a key copied in by hand keeps no wider mode than one made here
        return _read(path)
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_hex(SECRET_BYTES).encode())
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # another process won the race
            os.link(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    return _read(path)


def _read(path: Path) -> bytes:
    value = path.read_bytes().strip()
    if len(value) < 16:
        raise ValueError(f"the secret in {path} is too short; delete it to make a new one")
    return value


class HmacSecretHasher:
    def __init__(self, key: bytes, purpose: str) -> None:
        self._key = derive_key(key, purpose)

    def digest(self, secret: str) -> str:
        return hmac.new(self._key, _bytes(secret), hashlib.sha256).hexdigest()

    def new_secret(self, nbytes: int = 32) -> str:
        return secrets.token_urlsafe(nbytes)

    def sign(self, value: str) -> str:
        return hmac.new(self._key, b"sig:" + _bytes(value), hashlib.sha256).hexdigest()[:32]

    def verify_signature(self, value: str, signature: str) -> bool:
        # Bytes on both sides: compare_digest refuses str with non-ASCII characters (a TypeError),
        # and the signature is whatever the client put in its cookie.
        return hmac.compare_digest(self.sign(value).encode(), _bytes(signature))


def _bytes(text: str) -> bytes:
    """UTF-8 for any str a client could send, lone surrogates included: never raises."""
    return text.encode("utf-8", "surrogatepass")
