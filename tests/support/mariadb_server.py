"""A private mariadbd (from the installed package, as scripts/services.py starts it) that a fault
test can kill and start again on the same port and data directory. Never the shared server."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.support.nats_server import free_port
from tests.support.processes import ROOT


def _binary(*names: str) -> str | None:
    for name in names:
        for candidate in (f"/usr/sbin/{name}", shutil.which(name) or ""):
            if candidate and Path(candidate).exists():
                return candidate
    return None


class PrivateMariaDb:
    def __init__(self, base: Path) -> None:
        self.base = base
        self.data = base / "data"
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        server, install = _binary("mariadbd", "mysqld"), _binary("mariadb-install-db", "mysql_install_db")
        if server is None or install is None:
            pytest.fail("mariadbd not found: `make test` installs mariadb-server (scripts/services.py)")
        self._server, self._install = server, install

    @property
    def url(self) -> str:
        return f"mysql+asyncmy://root@127.0.0.1:{self.port}/cozeplus?charset=utf8mb4"

    def start(self) -> None:
        if not self.data.exists():
            self.base.mkdir(parents=True, exist_ok=True)
            subprocess.run(
                [
                    self._install,
                    "--no-defaults",
                    f"--datadir={self.data}",
                    "--user=root",
                    "--auth-root-authentication-method=normal",
                    "--skip-test-db",
                ],
                check=True,
                capture_output=True,
                cwd=ROOT,
            )
        log = (self.base / "server.log").open("ab")
        self.proc = subprocess.Popen(
            [
                self._server,
                "--no-defaults",
                f"--datadir={self.data}",
                "--user=root",
                "--bind-address=127.0.0.1",
                f"--port={self.port}",
                f"--socket={self.base / 'sock'}",
                f"--pid-file={self.base / 'pid'}",
                "--innodb-buffer-pool-size=32M",
                "--skip-log-bin",
                "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_unicode_ci",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            probe = subprocess.run(
                ["mariadb", "--no-defaults", "-h127.0.0.1", f"-P{self.port}", "-uroot", "-e", "SELECT 1"],
                capture_output=True,
                check=False,
            )
            if probe.returncode == 0:
                subprocess.run(
                    [
                        "mariadb",
                        "--no-defaults",
                        "-h127.0.0.1",
                        f"-P{self.port}",
                        "-uroot",
                        "-e",
                        "CREATE DATABASE IF NOT EXISTS cozeplus CHARACTER SET utf8mb4",
                    ],
                    check=True,
                    capture_output=True,
                )
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"private mariadbd did not start; see {self.base / 'server.log'}")

    def kill(self) -> None:
        """An abrupt stop (the process dies, connections drop), like a crashed or killed server."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.proc = None
