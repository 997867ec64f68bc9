"""`cozeplus admin ...`: first-run and automation commands that act directly on the database."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click

from application.common.actor import Actor
from bootstrap.container import Container, build_container
from bootstrap.logging import configure_logging
from bootstrap.runtime import Runtime
from bootstrap.settings import Settings
from domain.common.errors import DomainError
from domain.user.errors import UserNotFound
from domain.user.values import Email

T = TypeVar("T")


def _run(work: Callable[[Container], Awaitable[T]]) -> T:
    settings = Settings()
    configure_logging("warning", settings.log_format)  # stdout carries only the command's answer

    async def main() -> T:
        container = build_container(settings)
        runtime = Runtime(container, role="cli")
        await runtime.start()
        try:
            return await work(container)
        finally:
            await runtime.stop()

    try:
        return asyncio.run(main())
    except DomainError as exc:
        click.echo(f"error: {type(exc).__name__} {exc.params or ''}".rstrip(), err=True)
        sys.exit(2)


@click.group()
def admin() -> None:
    """Accounts and tokens, without the HTTP API (first run, automation)."""


@admin.command("create-user")
@click.option("--email", required=True)
@click.option("--password", required=True, help="At least 8 characters, not only digits or letters.")
@click.option("--name", default="")
@click.option("--superuser", is_flag=True, help="Grant the super admin role (the admin console).")
def create_user(email: str, password: str, name: str, superuser: bool) -> None:
    """Create an account (also when self-registration is closed) with its personal space."""

    async def work(c: Container) -> str:
        user = await c.identity.account_service().create_by_admin(None, email, password, name, superuser)
        return str(user.id)

    click.echo(_run(work))


@admin.command("create-token")
@click.option("--email", required=True, help="The account the token acts as.")
@click.option("--name", required=True, help="A label to recognise the token by.")
@click.option("--days", type=int, required=True, help="Days until it expires (tokens always expire).")
@click.option("--scope", "scopes", multiple=True, help="Repeat to grant several; none = all the user may do.")
@click.option("--space", "space_id", type=int, default=None, help="Bind the token to one space id.")
def create_token(email: str, name: str, days: int, scopes: tuple[str, ...], space_id: int | None) -> None:
    """Issue a personal access token; prints only the token on stdout."""

    async def work(c: Container) -> str:
        async with c.core.uow()():
            user = await c.identity.users().get_by_email(Email.parse(email))
        if user is None:
            raise UserNotFound()
        actor = Actor(user_id=user.id, is_superuser=user.is_superuser, user_agent="cozeplus-cli")
        issued = await c.identity.token_service().issue(
            actor, name, days=days, scopes=list(scopes), space_id=space_id
        )
        return str(issued.plaintext)

    click.echo(_run(work))
