"""Plumbing for the HTTP benchmarks: server processes, the load generators, and what the report says."""

from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import importlib.metadata
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

READY_TIMEOUT_S = 60.0

# wrk's own summary rounds latencies to two digits; this prints exact microseconds as one JSON line.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'LOAD_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,'
    .. '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""
ERROR_FIELDS = ("connect", "read", "write", "status", "timeout")


@dataclass(frozen=True, slots=True)
class LoadResult:
    requests: int
    duration_us: float
    p50_us: float
    p99_us: float
    errors: dict[str, int]
    server_cpu_s: float | None = None  # CPU the server process used during the run (all its threads)

    @property
    def rps(self) -> float:
        return self.requests / (self.duration_us / 1e6)

    @property
    def p50_ms(self) -> float:
        return self.p50_us / 1000

    @property
    def p99_ms(self) -> float:
        return self.p99_us / 1000

    @property
    def cpu_us_per_request(self) -> float:
        return float("nan") if self.server_cpu_s is None else self.server_cpu_s / self.requests * 1e6

    def require_clean(self, what: str) -> None:
        bad = {k: v for k, v in self.errors.items() if v}
        if bad or not self.requests:
            raise RuntimeError(f"{what}: {self.requests} requests, errors {bad}")


def _parse(output: str) -> LoadResult:
    for line in output.splitlines():
        if line.startswith("LOAD_RESULT "):
            raw = json.loads(line.removeprefix("LOAD_RESULT "))
            return LoadResult(
                requests=int(raw["requests"]),
                duration_us=float(raw["duration_us"]),
                p50_us=float(raw["p50_us"]),
                p99_us=float(raw["p99_us"]),
                errors={k: int(raw[k]) for k in ERROR_FIELDS},
            )
    raise RuntimeError(f"load generator printed no result:\n{output}")


def _wrk_script(method: str, body: str | None) -> str:
    """The Lua script for wrk: the request's method and body (if any), then the result hook."""
    prelude = ""
    if method != "GET":
        prelude += f'wrk.method = "{method}"\n'
    if body is not None:
        if "]==]" in body:
            raise ValueError("request body cannot contain ']==]' (it ends the Lua long string)")
        prelude += f"wrk.body = [==[{body}]==]\n"
    script = prelude + WRK_SCRIPT
    digest = hashlib.sha256(script.encode()).hexdigest()[:12]
    path = Path(tempfile.gettempdir()) / f"cozeplus-bench-wrk-{os.getpid()}-{digest}.lua"
    if not path.exists():
        path.write_text(script, encoding="utf-8")
    return str(path)


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU of a process and all its threads so far; None where /proc is missing."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_rss_bytes(pid: int) -> int | None:
    """Resident memory of a process now; None where /proc is missing."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def generate_load(
    client: str,
    port: int,
    path: str,
    connections: int,
    seconds: float,
    headers: Sequence[str] = (),
    *,
    method: str = "GET",
    body: str | None = None,
) -> LoadResult:
    """Load `path` from a separate process; `headers` are "Name: value" lines sent with every request,
    `body` (with `method`) the same request body every time."""
    if client == "wrk":
        script = _wrk_script(method, body)
        cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s", "-s", script]
    else:
        cmd = [
            sys.executable,
            "-m",
            "tests.bench.http_load",
            "--port",
            str(port),
            "--path",
            path,
            "--connections",
            str(connections),
            "--seconds",
            str(seconds),
            "--method",
            method,
        ]
        if body is not None:
            cmd += ["--body", body]
    for header in headers:
        cmd += ["-H", header]
    if client == "wrk":
        cmd.append(f"http://127.0.0.1:{port}{path}")
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=_ROOT, timeout=seconds + 60)
    if done.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed ({done.returncode}): {done.stderr or done.stdout}")
    return _parse(done.stdout)


_ROOT = Path(__file__).resolve().parents[2]


def http_exchange(
    port: int, method: str, path: str, body: Any = None, headers: Mapping[str, str] | None = None
) -> tuple[int, http.client.HTTPMessage, Any]:
    """One request with a JSON body (if any): status, response headers, decoded JSON body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        payload = None if body is None else json.dumps(body).encode()
        sent = dict(headers or {})
        if body is not None:
            sent["content-type"] = "application/json"
        conn.request(method, path, body=payload, headers=sent)
        response = conn.getresponse()
        raw = response.read()
        return response.status, response.headers, json.loads(raw) if raw else None
    finally:
        conn.close()


def http_json(
    port: int, method: str, path: str, body: Any = None, headers: Mapping[str, str] | None = None
) -> tuple[int, Any]:
    status, _, decoded = http_exchange(port, method, path, body, headers)
    return status, decoded


def migrate(database_url: str) -> None:
    from bootstrap.paths import migrations_dir
    from infra.persistence.migrate import upgrade

    upgrade(migrations_dir(), database_url)


# The limiter's code runs on every authenticated request (as in production) but never refuses.
UNLIMITED_RATE = {
    "COZEPLUS_RATE_LIMIT_TOKEN_PER_MIN": "1000000000",
    "COZEPLUS_RATE_LIMIT_USER_PER_MIN": "1000000000",
}


class Server:
    """A uvicorn process for one app on a socket bound here; stdout (the access log) goes to a file."""

    def __init__(
        self,
        kind: str,
        root: Path,
        data_dir: Path,
        database_url: str,
        stdout: Path,
        extra_args: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.kind = kind
        self.env = dict(env or {})
        self.extra_args = list(extra_args)
        self.root = root
        self.data_dir = data_dir
        self.database_url = database_url
        self.stdout_path = stdout
        self.stderr_path = stdout.with_name(f"{kind}-stderr.log")
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen(2048)
        self.port = sock.getsockname()[1]
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(self.root), os.environ.get("PYTHONPATH", "")]),
            **UNLIMITED_RATE,
            **self.env,
        }
        cmd = [
            sys.executable,
            "-m",
            "tests.bench.http_server",
            self.kind,
            "--fd",
            str(sock.fileno()),
            "--data-dir",
            str(self.data_dir),
            "--database-url",
            self.database_url,
            *self.extra_args,
        ]
        with self.stdout_path.open("wb") as out, self.stderr_path.open("wb") as err:
            self.proc = subprocess.Popen(
                cmd,
                cwd=self.root,
                env=env,
                stdout=out,
                stderr=err,
                pass_fds=[sock.fileno()],
                start_new_session=True,
            )
        sock.close()
        try:
            self._wait_ready()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_ready(self) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.kind} server exited: {self.stderr_path.read_text()[-2000:]}")
            try:
                if http_json(self.port, "GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.kind} server not ready in {READY_TIMEOUT_S:.0f} s")

    def cpu_seconds(self) -> float | None:
        return None if self.proc is None else process_cpu_seconds(self.proc.pid)

    def rss_bytes(self) -> int | None:
        return None if self.proc is None else process_rss_bytes(self.proc.pid)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def environment_lines(
    client: str, connections: int, seconds: float, rounds: int, headers: Sequence[str]
) -> list[str]:
    if client == "wrk":
        probe = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
        client_desc = (probe.stdout or probe.stderr).splitlines()[0].strip() + ", 1 thread"
    else:
        client_desc = "python asyncio raw-socket client (may itself limit the figures on 2 cores)"
    load = os.getloadavg()
    loop = "uvloop" if _version("uvloop") != "absent" else "asyncio"
    return [
        f"date: {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}",
        f"machine: {os.cpu_count()} cores ({_cpu_model()}), client and servers on the same machine,"
        f" load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at start",
        f"python {platform.python_version()}, litestar {_version('litestar')}, uvicorn {_version('uvicorn')},"
        f" httptools {_version('httptools')}, uvloop {_version('uvloop')}",
        f"server: uvicorn, 1 worker, http=httptools, loop={loop};"
        " ours with default settings (access log on, JSON lines to stdout -> a file)",
        f"client: {client_desc}; {connections} keep-alive connections;"
        f" {rounds} rounds x {seconds:g} s per app and case",
        f"request headers besides Host: {'; '.join(headers) or 'none'}",
    ]
