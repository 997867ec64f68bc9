"""One server process for the HTTP benchmarks: `ours` (the full app), `bare` (Litestar, no middleware)
or `sse` (bare Litestar streaming chat events, the baseline of bench_chat; see sse_baseline.py).

    python -m tests.bench.http_server {ours|bare|sse} --fd N --data-dir DIR --database-url URL [--me ID]

The parent binds the listening socket and hands it over as fd N, so no port is picked by guessing.
Both apps run under the same uvicorn options as `cozeplus serve` (httptools, uvloop when installed,
one worker, uvicorn's own access log off); `ours` also configures logging like `cozeplus serve`, so
its access log writes one JSON line per request to stdout, which the parent sends to a file.
"""

from __future__ import annotations

import argparse
import importlib.util
import socket
from pathlib import Path
from typing import Any

import uvicorn
from litestar import Litestar, get
from litestar.exceptions import NotFoundException
from sqlalchemy import select

from infra.persistence.database import Database
from infra.persistence.system import SettingRow
from infra.persistence.user import UserRow

SETTING_PATH = "/api/admin/settings/{key:str}"


def bare_app(database_url: str, me: int = 0) -> Litestar:
    """Same paths and payloads as ours, read through the same engine set-up, with nothing around them.

    Bare has no auth: its `/v1/users/me` is the user with id `me`, read by primary key as ours reads
    the caller's row, answering ours' `data` (without the envelope)."""
    db = Database(database_url)

    @get("/healthz", sync_to_thread=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @get(SETTING_PATH)
    async def get_setting(key: str) -> dict[str, Any]:
        async with db.session() as session:
            row = (
                await session.execute(select(SettingRow).where(SettingRow.key == key))
            ).scalar_one_or_none()
        if row is None:
            raise NotFoundException
        return {
            "id": str(row.id),
            "key": row.key,
            "value": row.value,
            "version": row.version,
            "updated_at": row.updated_at,
        }

    @get("/v1/users/me")
    async def users_me() -> dict[str, str]:
        async with db.session() as session:
            row = await session.get(UserRow, me)
        if row is None:
            raise NotFoundException
        return {
            "user_id": str(row.id),
            "user_name": row.unique_name,
            "nick_name": row.name,
            "avatar_url": row.avatar_url,
        }

    return Litestar(
        route_handlers=[healthz, get_setting, users_me], on_shutdown=[db.dispose], logging_config=None
    )


def ours_app(data_dir: Path, database_url: str) -> Any:
    from bootstrap.http import build_asgi
    from bootstrap.logging import configure_logging
    from bootstrap.settings import Settings

    settings = Settings(data_dir=data_dir, database_url=database_url)
    configure_logging(settings.log_level, settings.log_format)
    return build_asgi(settings)


def loop_name() -> str:
    return "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("kind", choices=("ours", "bare", "sse"))
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--me", type=int, default=0, help="bare: the user id /v1/users/me answers with")
    args = parser.parse_args()
    if args.kind == "ours":
        app = ours_app(args.data_dir, args.database_url)
    elif args.kind == "sse":
        from tests.bench.sse_baseline import sse_app

        app = sse_app()
    else:
        app = bare_app(args.database_url, args.me)
    config = uvicorn.Config(
        app,
        loop=loop_name(),
        http="httptools",
        workers=1,
        log_config=None,
        access_log=False,
        lifespan="on",
        server_header=False,
        proxy_headers=False,
    )
    uvicorn.Server(config).run(sockets=[socket.socket(fileno=args.fd)])


if __name__ == "__main__":
    main()
