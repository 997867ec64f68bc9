"""AES-256-GCM sealing of secrets at rest (model API keys), with key ids so keys can be rotated.

Sealed text is `v1.<key id>.<base64url(nonce | ciphertext+tag)>`. The key id (8 hex digits of a
hash of the derived key) says which key sealed it, so a server holding the new key and the old
ones opens everything and `cozeplus models reseal` rewrites the rows under the new key.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from domain.modelmgr.errors import SecretUnreadable

_PREFIX = "v1"
_AAD = b"cozeplus:model-api-key"


def derive_key(material: bytes, purpose: str = "model-secrets") -> bytes:
    """A 256-bit AES key from any secret material (a configured key or the server secret)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"cozeplus", info=purpose.encode()).derive(
        material
    )


def _key_id(key: bytes) -> str:
    return hashlib.sha256(b"kid:" + key).hexdigest()[:8]


class AesGcmCipher:
    def __init__(self, current: bytes, previous: Sequence[bytes] = ()) -> None:
        self._current = derive_key(current)
        self._current_id = _key_id(self._current)
        self._keys = {_key_id(k): k for k in (derive_key(p) for p in previous)}
        self._keys[self._current_id] = self._current

    def seal(self, plain: str) -> str:
        if not plain:
            return ""
        nonce = os.urandom(12)
        body = AESGCM(self._current).encrypt(nonce, plain.encode(), _AAD)
        return f"{_PREFIX}.{self._current_id}.{base64.urlsafe_b64encode(nonce + body).decode()}"

    def open(self, sealed: str) -> str:
        if not sealed:
            return ""
        prefix, _, rest = sealed.partition(".")
        key_id, _, payload = rest.partition(".")
        key = self._keys.get(key_id)
        if prefix != _PREFIX or key is None:
            raise SecretUnreadable(key_id=key_id[:8])
        try:
            raw = base64.urlsafe_b64decode(payload.encode())
            return AESGCM(key).decrypt(raw[:12], raw[12:], _AAD).decode()
        except (InvalidTag, ValueError):
            raise SecretUnreadable(key_id=key_id[:8]) from None

    def is_current(self, sealed: str) -> bool:
        return not sealed or sealed.split(".", 2)[1:2] == [self._current_id]
