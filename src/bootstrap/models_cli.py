"""`cozeplus models ...`: model chores that need no HTTP API (key rotation, a quick look)."""

from __future__ import annotations

import click

from bootstrap.admin_cli import _run
from bootstrap.container import Container


@click.group()
def models() -> None:
    """Configured models and the keys that seal their API keys."""


@models.command("reseal")
def reseal() -> None:
    """Re-encrypt stored API keys with COZEPLUS_MODEL_SECRET_KEY (old keys in
    COZEPLUS_MODEL_PREVIOUS_SECRET_KEYS must still be set while this runs)."""

    async def work(c: Container) -> int:
        count: int = await c.models.admin_service().reseal_keys(None)
        return count

    click.echo(f"resealed {_run(work)} API keys")


@models.command("list")
def list_models() -> None:
    """Print id, kind, provider, name and whether it is the default (never keys)."""

    async def work(c: Container) -> list[str]:
        found = await c.models.admin_service().list_models(None)
        rows = []
        for m in found:
            flag = "default" if m.is_default else ""
            rows.append(f"{m.id}\t{m.kind.value}\t{m.provider}\t{m.name}\t{m.status.value}\t{flag}".rstrip())
        return rows

    for row in _run(work):
        click.echo(row)
