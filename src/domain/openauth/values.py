from __future__ import annotations

from domain.common.access import Scope

TOKEN_PREFIX = "pat_"  # noqa: S105 - a prefix, not a secret


__all__ = ["TOKEN_PREFIX", "Scope"]
