"""`cozeplus serve` as a process for end-to-end suites: embedded defaults or the real servers.

`served_app("embedded", tmp)` runs on SQLite, the in-process event bus / run streams / KV, local
storage and the flat vector store. `served_app("servers", tmp)` points the same process at the servers
`make test` starts (COZEPLUS_TEST_* variables; skipped when unset, failed under
COZEPLUS_TEST_REQUIRE_SERVERS=1): a fresh MariaDB schema, private JetStream streams and KV bucket on
NATS, the Milvus gRPC server and a fresh S3 bucket, all removed afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import uuid
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.support.databases import empty_database
from tests.support.processes import COZEPLUS, cozeplus_env, free_port, start, wait_http
from tests.support.servers import server_url
from tests.support.storage import drop_bucket, s3_config

SERVED_KINDS = ("embedded", "servers")
# What /readyz must report per kind: proof the parametrisation runs on what it claims.
ADAPTERS = {
    "embedded": {
        "database": "sqlite",
        "runstream": "inprocess",
        "kv": "inprocess",
        "eventbus": "inprocess",
        "storage": "local",
        "vectorstore": "flat",
    },
    "servers": {
        "database": "mysql",
        "runstream": "nats-jetstream",
        "kv": "nats-kv",
        "eventbus": "nats-jetstream",
        "storage": "s3",
        "vectorstore": "milvus-grpc",
    },
}
PASSWORD = "e2e passphrase 7"


@dataclass
class Served:
    kind: str
    base_url: str
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes]

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:]


async def _drop_nats(url: str, streams: list[str], bucket: str) -> None:
    import nats

    client = await nats.connect(url)
    try:
        js = client.jetstream()
        for name in streams:
            with contextlib.suppress(Exception):  # never created is fine
                await js.delete_stream(name)
        with contextlib.suppress(Exception):
            await js.delete_key_value(bucket)
    finally:
        await client.close()


@contextmanager
def _real_servers(tmp: Path) -> Iterator[dict[str, str]]:
    """Settings pointing at the test servers, with private names so runs never share state."""
    nats_url = server_url("COZEPLUS_TEST_NATS_URL")
    milvus_uri = server_url("COZEPLUS_TEST_MILVUS_URI")
    s3_endpoint = server_url("COZEPLUS_TEST_S3_ENDPOINT")
    tag = uuid.uuid4().hex[:10]
    with ExitStack() as stack:
        database_url = stack.enter_context(empty_database("mysql", tmp))
        access = os.environ["COZEPLUS_TEST_S3_ACCESS_KEY"]
        secret = os.environ["COZEPLUS_TEST_S3_SECRET_KEY"]
        bucket = f"cz-e2e-{tag}"
        runs, events, kv = f"CPE2E_RUNS_{tag}", f"CPE2E_EVENTS_{tag}", f"cpe2e_{tag}"
        stack.callback(lambda: asyncio.run(_drop_nats(nats_url, [runs, events], kv)))
        stack.callback(lambda: drop_bucket(s3_config(bucket, endpoint=s3_endpoint)))
        yield {
            "COZEPLUS_DATABASE_URL": database_url,
            "COZEPLUS_NATS_URL": nats_url,
            "COZEPLUS_RUNSTREAM_STREAM": runs,
            "COZEPLUS_RUNSTREAM_SUBJECT_PREFIX": f"cpe2e.{tag}.runs",
            "COZEPLUS_EVENTBUS_STREAM": events,
            "COZEPLUS_EVENTBUS_SUBJECT_PREFIX": f"cpe2e.{tag}.events",
            "COZEPLUS_KV_BUCKET": kv,
            "COZEPLUS_VECTOR_URI": milvus_uri,
            "COZEPLUS_STORAGE_URL": f"s3://{s3_endpoint}/{bucket}?secure=false",
            "COZEPLUS_STORAGE_ACCESS_KEY": access,
            "COZEPLUS_STORAGE_SECRET_KEY": secret,
        }


@contextmanager
def served_app(
    kind: str, tmp: Path, workers: int = 1, settings: Mapping[str, str] | None = None
) -> Iterator[Served]:
    """Migrate, start `cozeplus serve`, wait until it answers; SIGTERM it afterwards. `settings`:
    more COZEPLUS_* variables."""
    assert kind in SERVED_KINDS, kind
    with ExitStack() as stack:
        extra = stack.enter_context(_real_servers(tmp)) if kind == "servers" else {}
        env = cozeplus_env(
            COZEPLUS_DATA_DIR=str(tmp / "data"),
            COZEPLUS_WORKERS=str(workers),
            # The suite makes hundreds of calls with one token in a minute; limits have their own tests.
            COZEPLUS_RATE_LIMIT_TOKEN_PER_MIN="0",
            COZEPLUS_RATE_LIMIT_USER_PER_MIN="0",
            **extra,
            **(settings or {}),
        )
        migrated = subprocess.run(
            [*COZEPLUS, "migrate"], env=env, capture_output=True, text=True, check=False
        )
        assert migrated.returncode == 0, migrated.stderr[-3000:]
        with serve_process(kind, env, tmp, "serve") as served:
            yield served


@contextmanager
def serve_process(kind: str, env: dict[str, str], directory: Path, name: str) -> Iterator[Served]:
    """`cozeplus serve` with `env` on a free port, logging to `directory/name.log`. Called again
    with a running one's kind, env and directory it starts a second API process of the same
    deployment (same database, NATS, storage and server secret)."""
    port = free_port()
    env = {**env, "COZEPLUS_PORT": str(port)}
    log = directory / f"{name}.log"
    process = start(["serve"], directory, env, log)
    served = Served(kind, f"http://127.0.0.1:{port}", env, log, process)
    try:
        try:
            wait_http(f"{served.base_url}/healthz", seconds=60)
        except httpx.TransportError as exc:
            raise AssertionError(f"serve did not start:\n{served.log_tail()}") from exc
        ready = httpx.get(f"{served.base_url}/readyz", timeout=30).json()
        adapters = {name: c["adapter"] for name, c in ready["components"].items()}
        assert ready["status"] == "ok", ready
        assert {k: adapters.get(k) for k in ADAPTERS[kind]} == ADAPTERS[kind], adapters
        yield served
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Account:
    """A user signed up through the SPA API, with a session (`web`) and a personal access token."""

    user_id: str
    email: str
    token: str
    space_id: str  # the personal space
    web: httpx.Client  # session cookie + same-origin header, for SPA calls

    def spa(self, path: str, body: dict[str, Any] | None = None) -> Any:
        """POST an SPA call and return its `data`, failing on a non-zero code."""
        response = self.web.post(path, json=body or {})
        payload = response.json()
        assert payload.get("code") == 0, f"{path}: {response.status_code} {payload}"
        return payload.get("data")

    def issue_token(self, name: str, scopes: list[str] | None = None) -> str:
        body: dict[str, Any] = {"name": name, "duration_day": "1"}
        if scopes is not None:
            body["scopes"] = scopes
        created = self.spa("/api/permission_api/pat/create_personal_access_token_and_permission", body)
        return str(created["token"])


def sign_up(served: Served, name: str) -> Account:
    """Register `name@e2e.example.com` (self-registration is on by default) and mint an
    all-scopes token (no scopes = everything the user may do)."""
    email = f"{name}-{uuid.uuid4().hex[:6]}@e2e.example.com"
    web = httpx.Client(base_url=served.base_url, headers={"Origin": served.base_url}, timeout=30)
    registered = web.post(
        "/api/passport/web/email/register/v2/", json={"email": email, "password": PASSWORD, "name": name}
    )
    assert registered.status_code == 200 and registered.json()["code"] == 0, registered.text
    user_id = registered.json()["data"]["user_id_str"]
    account = Account(user_id, email, "", "", web)
    spaces = account.spa("/api/playground_api/space/list")["bot_space_list"]
    account.space_id = next(s["id"] for s in spaces if s["space_type"] == 1)
    account.token = account.issue_token(f"{name}-all")
    return account


def model_id(account: Account, name: str) -> str:
    """The id of the chat model called `name` from the SPA's model catalogue."""
    listing = account.spa("/api/bot/get_type_list", {"model": True, "space_id": account.space_id})
    ids = [m["model_type"] for m in listing["model_list"] if m["name"] == name]
    assert ids, f"no model {name!r} in {[m['name'] for m in listing['model_list']]}"
    return str(ids[0])
