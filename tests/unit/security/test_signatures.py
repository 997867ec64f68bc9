"""Session signatures compare as bytes: whatever a client puts in its cookie is a plain refusal."""

from __future__ import annotations

import pytest

from infra.security.secrets import HmacSecretHasher

HASHER = HmacSecretHasher(b"k" * 32, "session")


def test_a_signature_verifies() -> None:
    assert HASHER.verify_signature("abc", HASHER.sign("abc"))
    assert not HASHER.verify_signature("abd", HASHER.sign("abc"))


@pytest.mark.parametrize("signature", ["\xe9", "é" * 32, "\ud800", "\x00" * 32, "", "a" * 10_000])
def test_any_signature_is_refused_without_raising(signature: str) -> None:
    assert HASHER.verify_signature("abc", signature) is False


@pytest.mark.parametrize("secret", ["\xe9", "\ud800x", "\U0001f600"])
def test_any_secret_hashes_and_signs(secret: str) -> None:
    assert len(HASHER.digest(secret)) == 64
    assert HASHER.verify_signature(secret, HASHER.sign(secret))
