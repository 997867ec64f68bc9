"""Runs every tests/bench/bench_*.py module in turn (each module's `main()`); `make bench` calls this.

    python -m tests.bench                 all benchmarks, in file-name order
    python -m tests.bench http storage    only bench_http.py and bench_storage.py

A benchmark that raises or returns a non-zero code is reported and the others still run; the exit
code is non-zero when any failed.
"""

from __future__ import annotations

import importlib
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def discover() -> list[str]:
    return sorted(p.stem for p in HERE.glob("bench_*.py"))


def selected(names: list[str], wanted: list[str]) -> list[str]:
    if not wanted:
        return names
    chosen = [n for n in names if n in wanted or n.removeprefix("bench_") in wanted]
    unknown = [w for w in wanted if w not in chosen and f"bench_{w}" not in chosen]
    if unknown:
        raise SystemExit(f"unknown benchmark(s): {', '.join(unknown)}; have: {', '.join(names)}")
    return chosen


def run(name: str) -> bool:
    print(f"\n=== {name} ===", flush=True)
    started = time.monotonic()
    try:
        module = importlib.import_module(f"{__package__}.{name}")
        code = module.main()
    except Exception:
        traceback.print_exc()
        code = 1
    ok = code in (None, 0)
    print(f"=== {name}: {'done' if ok else 'FAILED'} in {time.monotonic() - started:.0f} s ===", flush=True)
    return ok


def main(argv: list[str]) -> int:
    names = selected(discover(), argv)
    failed = [n for n in names if not run(n)]
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
