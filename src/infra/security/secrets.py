"""The server secret and keyed hashes of session/token secrets (HMAC-SHA256)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path


def load_or_create_secret(configured: str | None, data_dir: Path) -> bytes:
    """The configured secret, else one generated once and kept in the data dir (mode 0600).

    Several API processes must share it: set COZEPLUS_SECRET_KEY in production.
    """
    if configured:
        return configured.encode()
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_bytes().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    value = base64.urlsafe_b64encode(os.urandom(48)).rstrip(b"=")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(value)
    return value


class HmacSecretHasher:
    def __init__(self, key: bytes, purpose: str) -> None:
        # A separate key per purpose: a session secret can never be replayed as a token secret.
        self._key = hmac.new(key, purpose.encode(), hashlib.sha256).digest()

    def digest(self, secret: str) -> str:
        return hmac.new(self._key, secret.encode(), hashlib.sha256).hexdigest()

    def new_secret(self, nbytes: int = 32) -> str:
        return secrets.token_urlsafe(nbytes)

    def sign(self, value: str) -> str:
        return hmac.new(self._key, b"sig:" + value.encode(), hashlib.sha256).hexdigest()[:32]

    def verify_signature(self, value: str, signature: str) -> bool:
        return hmac.compare_digest(self.sign(value), signature)
