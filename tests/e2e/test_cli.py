"""The `cozeplus` command as a user runs it: version, migrate, serve, worker."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import httpx
import pytest

from infra.persistence.migrate import head_revision
from tests.support.processes import COZEPLUS, cozeplus_env, free_port, json_lines, start, wait_http, wait_log


def test_version(tmp_path: Path) -> None:
    out = subprocess.run(
        [*COZEPLUS, "version"], env=cozeplus_env(), capture_output=True, text=True, check=True
    )
    assert out.stdout.strip()[0].isdigit()


def test_migrate_resolves_a_relative_data_dir_against_the_working_directory(tmp_path: Path) -> None:
    env = cozeplus_env(COZEPLUS_DATA_DIR="rel/data", COZEPLUS_LOG_LEVEL="warning")
    subprocess.run([*COZEPLUS, "migrate"], cwd=tmp_path, env=env, check=True, capture_output=True)
    assert (tmp_path / "rel" / "data" / "cozeplus.db").exists()
    assert head_revision is not None


def test_serve_answers_logs_json_with_log_ids_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    env = cozeplus_env(COZEPLUS_DATA_DIR=str(tmp_path / "data"), COZEPLUS_PORT=str(port))
    subprocess.run([*COZEPLUS, "migrate"], env=env, check=True, capture_output=True)
    log = tmp_path / "serve.log"
    proc = start(["serve"], tmp_path, env, log)
    try:
        health = wait_http(f"http://127.0.0.1:{port}/healthz")
        assert health.status_code == 200 and health.json() == {"status": "ok"}
        # Over the real server too: HEAD declares GET's length and sends nothing (ADR 0039).
        probe = httpx.head(f"http://127.0.0.1:{port}/healthz", timeout=5)
        assert probe.status_code == 200 and probe.content == b""
        assert probe.headers["content-length"] == str(len(health.content))
        ready = wait_http(f"http://127.0.0.1:{port}/readyz").json()
        assert ready["components"]["database"]["ok"] is True
        missing = wait_http(f"http://127.0.0.1:{port}/api/none")
        assert missing.json()["code"] == 4200
    finally:
        proc.send_signal(signal.SIGTERM)
        # uvicorn finishes its graceful shutdown, then re-raises SIGTERM so the exit status tells why it ended
        assert proc.wait(timeout=20) in (0, -signal.SIGTERM)
    wait_log(log, "runtime_stopped", 1)
    access = [line for line in json_lines(log) if line.get("event") == "request"]
    assert {a["path"] for a in access} >= {"/healthz", "/readyz", "/api/none"}
    line = next(a for a in access if a["path"] == "/api/none")
    assert line["log_id"] == missing.headers["x-log-id"]
    assert {"method", "status", "duration_ms", "route"} <= set(line)
    assert line["status"] == 404


def test_worker_connects_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    env = cozeplus_env(COZEPLUS_DATA_DIR=str(tmp_path / "data"))
    subprocess.run([*COZEPLUS, "migrate"], env=env, check=True, capture_output=True)
    log = tmp_path / "worker.log"
    proc = start(["worker"], tmp_path, env, log)
    try:
        started = wait_log(log, "runtime_started")
        assert started["role"] == "worker" and started["database"] == "sqlite"
        wait_log(log, "worker_ready")
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    wait_log(log, "runtime_stopped", 1)


def test_worker_refuses_to_start_without_a_database(tmp_path: Path) -> None:
    env = cozeplus_env(COZEPLUS_DATABASE_URL="mysql+asyncmy://nobody@127.0.0.1:1/none")
    out = subprocess.run(
        [*COZEPLUS, "worker"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert out.returncode != 0
    assert "database unreachable" in out.stdout + out.stderr


def test_models_list_filters_by_kind_and_default_and_prints_bare_ids(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)  # only the two built-in models
    port = free_port()
    env = cozeplus_env(COZEPLUS_DATA_DIR=str(tmp_path / "data"), COZEPLUS_PORT=str(port))
    subprocess.run([*COZEPLUS, "migrate"], env=env, check=True, capture_output=True)
    proc = start(["serve"], tmp_path, env, tmp_path / "serve.log")  # the first start registers them
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)

    def models(*args: str) -> list[str]:
        out = subprocess.run(
            [*COZEPLUS, "models", "list", *args], env=env, capture_output=True, text=True, check=True
        )
        return out.stdout.splitlines()

    rows = {row.split("\t")[3]: row.split("\t") for row in models()}
    assert set(rows) == {"builtin-echo", "builtin-hash"}
    assert rows["builtin-echo"][1] == "llm" and rows["builtin-echo"][-1] == "default"
    assert models("--kind", "chat", "--default", "--ids-only") == [rows["builtin-echo"][0]]
    assert models("--kind", "embedding", "--ids-only") == [rows["builtin-hash"][0]]
    assert models("--kind", "rerank") == []
    bad = subprocess.run(
        [*COZEPLUS, "models", "list", "--kind", "llm"], env=env, capture_output=True, text=True, check=False
    )
    assert bad.returncode == 2 and "chat" in bad.stderr
