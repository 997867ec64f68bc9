"""`cozeplus models ...`: model chores that need no HTTP API (key rotation, a quick look)."""

from __future__ import annotations

import click

from bootstrap.admin_cli import _run
from bootstrap.container import Container
from domain.modelmgr.values import ModelKind

# The words people use for a kind, onto the stored ones.
_KINDS = {"chat": ModelKind.LLM, "embedding": ModelKind.TEXT_EMBEDDING, "rerank": ModelKind.RERANK}


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
@click.option(
    "--kind", type=click.Choice(["chat", "embedding", "rerank"]), default=None, help="Only this kind."
)
@click.option("--default", "only_default", is_flag=True, help="Only the default model (of each kind listed).")
@click.option("--ids-only", is_flag=True, help="Print only the ids, one a line (for scripts).")
def list_models(kind: str | None, only_default: bool, ids_only: bool) -> None:
    """Print id, kind, provider, name, status and whether it is the default (never keys)."""
    wanted = _KINDS[kind] if kind else None

    async def work(c: Container) -> list[str]:
        found = await c.models.admin_service().list_models(None, wanted)
        rows = []
        for m in found:
            if only_default and not m.is_default:
                continue
            flag = "default" if m.is_default else ""
            row = f"{m.id}\t{m.kind.value}\t{m.provider}\t{m.name}\t{m.status.value}\t{flag}"
            rows.append(str(m.id) if ids_only else row.rstrip())
        return rows

    for row in _run(work):
        click.echo(row)
