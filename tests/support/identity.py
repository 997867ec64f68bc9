"""Signing in from tests: accounts created through the application services, sessions through HTTP."""

from __future__ import annotations

import itertools
from typing import Any

from litestar.testing import AsyncTestClient

from bootstrap.container import build_container
from bootstrap.runtime import Runtime
from bootstrap.settings import Settings

PASSWORD = "correct horse 42"
ORIGIN = "http://testserver.local"  # the test client's own origin: passes the CSRF check
_n = itertools.count(1)


def new_email(prefix: str = "user") -> str:
    return f"{prefix}{next(_n)}@example.com"


async def create_user(
    settings: Settings, email: str | None = None, *, superuser: bool = False
) -> dict[str, Any]:
    """Create an account with a container of its own: the app's engine belongs to the app's event loop."""
    email = email or new_email("admin" if superuser else "user")
    container = build_container(settings)
    runtime = Runtime(container, role="test")
    await runtime.start()
    try:
        user = await container.identity.account_service().create_by_admin(
            None, email, PASSWORD, "", superuser
        )
    finally:
        await runtime.stop()
    return {"id": user.id, "email": email}


async def sign_in(client: AsyncTestClient, email: str, password: str = PASSWORD) -> dict[str, Any]:  # type: ignore[type-arg]
    client.headers["origin"] = ORIGIN
    r = await client.post("/api/passport/web/email/login/", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()["data"]
    return data
