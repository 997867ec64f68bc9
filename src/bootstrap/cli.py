"""The `cozeplus` command: serve, worker, migrate, openapi export, version."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import click

from bootstrap.admin_cli import admin
from bootstrap.http import package_version
from bootstrap.logging import configure_logging
from bootstrap.models_cli import models
from bootstrap.settings import Settings
from infra.privatefs import private_dir


@click.group()
def main() -> None:
    """cozeplus: a self-hosted AI agent platform."""


@main.command()
def version() -> None:
    """Print the installed version."""
    click.echo(package_version())


@main.command()
@click.option("--revision", default="head", show_default=True, help="Target revision.")
@click.option("--down", is_flag=True, help="Downgrade to --revision instead (use 'base' for empty).")
def migrate(revision: str, down: bool) -> None:
    """Apply database migrations (COZEPLUS_DATABASE_URL, default SQLite under the data dir)."""
    from bootstrap.paths import migrations_dir
    from infra.persistence import migrate as alembic

    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    private_dir(settings.data_dir)
    url = settings.resolved_database_url
    if down:
        alembic.downgrade(migrations_dir(), url, revision)
    else:
        alembic.upgrade(migrations_dir(), url, revision)
    click.echo(f"database {'downgraded' if down else 'upgraded'} to {revision}", err=True)


@main.command()
@click.option("--host", default=None, help="Overrides COZEPLUS_HOST.")
@click.option("--port", type=int, default=None, help="Overrides COZEPLUS_PORT.")
@click.option("--workers", type=int, default=None, help="Overrides COZEPLUS_WORKERS.")
def serve(host: str | None, port: int | None, workers: int | None) -> None:
    """Serve the API and run the event consumers in-process."""
    import uvicorn

    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    private_dir(settings.data_dir)
    common = {
        "host": host or settings.host,
        "port": port or settings.port,
        "log_config": None,
        "access_log": False,
        "lifespan": "on",
        "server_header": False,
        "proxy_headers": False,
    }
    n = workers or settings.workers
    if n > 1:
        uvicorn.run("bootstrap.http:asgi_factory", factory=True, workers=n, **common)  # type: ignore[arg-type]
    else:
        from bootstrap.http import build_asgi

        uvicorn.run(build_asgi(settings), **common)  # type: ignore[arg-type]


@main.command()
def worker() -> None:
    """Run the event consumers only (no HTTP); stops cleanly on SIGTERM or SIGINT."""
    from bootstrap.worker import run_worker

    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    asyncio.run(run_worker(settings, (signal.SIGTERM, signal.SIGINT)))


main.add_command(admin)
main.add_command(models)


@main.group()
def openapi() -> None:
    """The API contract (idl/)."""


@openapi.command("export")
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("idl"), show_default=True
)
def openapi_export(out: Path) -> None:
    """Write one OpenAPI document per surface into OUT."""
    from api.idl import render, surface_documents
    from bootstrap.http import build_asgi

    app = build_asgi(Settings())
    out.mkdir(parents=True, exist_ok=True)
    for name, doc in surface_documents(app.litestar).items():
        (out / f"{name}.json").write_text(render(doc), encoding="utf-8")
        click.echo(str(out / f"{name}.json"))
