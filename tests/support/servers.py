"""Addresses of the real servers `make test` starts (scripts/services.py exports them)."""

from __future__ import annotations

import os

import pytest

REQUIRE_ENV = "COZEPLUS_TEST_REQUIRE_SERVERS"


def server_url(env_name: str) -> str:
    """The server's URL from `env_name`. Under `make test` (which sets COZEPLUS_TEST_REQUIRE_SERVERS=1)
    a missing server fails the test; a bare `pytest` run skips it instead."""
    url = os.environ.get(env_name)
    if not url:
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{env_name} is not set but real servers are required")
        pytest.skip(f"{env_name} not set (run through `make test`)")
    return url
