"""Benchmarks: `make bench` (all of them) or one module, e.g. `python -m tests.bench.bench_http`.

Worktrees share one virtualenv whose editable install points at a single checkout, so the benchmarks
put *this* checkout's src/ first on the import path: they measure the code next to them.
"""

from __future__ import annotations

import sys
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[2] / "src")
if SRC not in sys.path:
    sys.path.insert(0, SRC)
