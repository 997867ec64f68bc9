from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def migrations_dir() -> Path:
    """The Alembic scripts: the repository's `migrations/` in a checkout, packaged copy in a wheel."""
    checkout = _HERE.parents[1] / "migrations"
    return checkout if (checkout / "env.py").exists() else _HERE / "_migrations"


def web_dist_dir() -> Path:
    """The built studio web app: the checkout's `web/dist` (`make web` builds it)."""
    return _HERE.parents[1] / "web" / "dist"
