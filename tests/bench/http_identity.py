"""Accounts and credentials for the HTTP benchmarks: a super admin in the temporary database, a
session cookie and a personal access token obtained over HTTP, as a browser or a script would."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

from tests.bench.http_harness import http_exchange, http_json

LOGIN_PATH = "/api/passport/web/email/login/"
TOKEN_PATH = "/api/permission_api/pat/create_personal_access_token_and_permission"
SESSION_COOKIE = "session_key"


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    email: str
    password: str


def create_account(data_dir: Path, database_url: str, *, superuser: bool) -> Account:
    """An account created through the application services (the way `cozeplus admin create-user`
    does it), before the servers start, on a container of its own."""
    from bootstrap.settings import Settings
    from tests.support.identity import PASSWORD, create_user

    settings = Settings(data_dir=data_dir, database_url=database_url)
    email = "bench-admin@example.com" if superuser else "bench-user@example.com"
    user = asyncio.run(create_user(settings, email, superuser=superuser))
    return Account(int(user["id"]), str(user["email"]), PASSWORD)


def create_admin(data_dir: Path, database_url: str) -> Account:
    return create_account(data_dir, database_url, superuser=True)


def origin(port: int) -> str:
    """The server's own origin: what a browser sends as Origin, so writes pass the CSRF check."""
    return f"http://127.0.0.1:{port}"


def sign_in(port: int, account: Account) -> str:
    """The `session_key` cookie value from a real login."""
    status, headers, body = http_exchange(
        port,
        "POST",
        LOGIN_PATH,
        {"email": account.email, "password": account.password},
        {"origin": origin(port)},
    )
    if status != 200:
        raise RuntimeError(f"login failed: {status} {body}")
    jar: SimpleCookie = SimpleCookie()
    for line in headers.get_all("set-cookie") or []:
        jar.load(line)
    if SESSION_COOKIE not in jar or not jar[SESSION_COOKIE].value:
        raise RuntimeError(f"login answered without a {SESSION_COOKIE} cookie")
    return jar[SESSION_COOKIE].value


def session_headers(port: int, cookie: str) -> dict[str, str]:
    """What a signed-in browser sends on a write: the cookie and its own Origin."""
    return {"cookie": f"{SESSION_COOKIE}={cookie}", "origin": origin(port)}


def issue_token(port: int, cookie: str, name: str = "bench") -> str:
    """A personal access token (no scopes: everything its user may do), created while signed in."""
    status, body = http_json(
        port, "POST", TOKEN_PATH, {"name": name, "duration_day": "30"}, session_headers(port, cookie)
    )
    if status != 200 or not isinstance(body, dict):
        raise RuntimeError(f"token create failed: {status} {body}")
    token = body.get("data", {}).get("token")
    if not isinstance(token, str) or not token.startswith("pat_"):
        raise RuntimeError(f"token create answered without a token: {body}")
    return token
