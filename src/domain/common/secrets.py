"""Secrets at rest (model API keys, plugin tokens and OAuth client secrets): sealed before they are
stored, opened only where a call needs them, never returned by an API."""

from __future__ import annotations

from typing import Protocol


class SecretCipher(Protocol):
    """`open` accepts text sealed with the current or any previous key."""

    def seal(self, plain: str) -> str: ...

    def open(self, sealed: str) -> str: ...

    def is_current(self, sealed: str) -> bool: ...
