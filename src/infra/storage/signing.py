"""HMAC-SHA256 signatures for the links the app serves itself, and the secret behind them."""

from __future__ import annotations

import base64
import hashlib
import hmac

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
