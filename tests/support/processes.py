"""Run `cozeplus` as a real process for end-to-end tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
COZEPLUS = [sys.executable, "-c", "from bootstrap.cli import main; main()"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# The cheapest argon2id the settings allow: the suite signs up thousands of accounts, and each
# sign-up and sign-in would otherwise hash for ~40 ms (tests/conftest.py sets these for the suite).
FAST_PASSWORD_HASHING = {"COZEPLUS_PASSWORD_HASH_TIME_COST": "1", "COZEPLUS_PASSWORD_HASH_MEMORY_KIB": "1024"}


def cozeplus_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COZEPLUS_")}
    env["PYTHONPATH"] = str(ROOT / "src")
    env.update(FAST_PASSWORD_HASHING)
    env.update(overrides)
    return env


def start(args: list[str], cwd: Path, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*COZEPLUS, *args], cwd=cwd, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )


def wait_http(url: str, seconds: float = 30) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while True:
        try:
            return httpx.get(url, timeout=1)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def wait_log(log: Path, event: str, seconds: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for line in json_lines(log):
            if line.get("event") == event:
                return line
        time.sleep(0.1)
    raise AssertionError(f"{event!r} never logged; log was:\n{log.read_text(errors='replace')[-3000:]}")


def json_lines(log: Path) -> list[dict[str, Any]]:
    lines = []
    for raw in log.read_text(errors="replace").splitlines():
        try:
            lines.append(json.loads(raw))
        except ValueError:
            lines.append({"raw": raw})
    return lines
