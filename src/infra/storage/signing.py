"""HMAC-SHA256 signatures for the links the app serves itself, and the secret behind them."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from domain.common.storage import LinkMethod

SECRET_BYTES = 32


class HmacLinkSigner:
    """Signs `v1 / method / key / expires`; changing any of them, or the secret, breaks the link."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the link signing secret must be at least 16 bytes")
        self._secret = secret

    def __repr__(self) -> str:
        return "HmacLinkSigner(secret=***)"

    def sign(self, method: LinkMethod, key: str, expires: int) -> str:
        message = f"v1\n{method.value}\n{key}\n{expires}".encode()
        digest = hmac.new(self._secret, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def verify(self, method: LinkMethod, key: str, expires: int, signature: str) -> bool:
        expected = self.sign(method, key, expires)
        # compare_digest takes the same time wherever the first difference is.
        return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))


def load_or_create_secret(path: Path) -> bytes:
    """The secret stored at `path`, created (0600, random) the first time.

    Several processes sharing the data directory may race here; the secret is written to a
    private temporary file and hard-linked into place, which fails for all but the first, and
    everyone then reads the winner's secret.
    """
    if path.exists():
        return _read(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
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
        raise ValueError(f"the link signing secret in {path} is too short; delete it to make a new one")
    return value
