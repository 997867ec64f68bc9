from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.fake_llm import serving
from tests.support.plugin_upstream import PluginUpstream


@pytest.fixture(scope="module")
def upstream() -> Iterator[PluginUpstream]:
    """The plugins' HTTP API on loopback (a module overrides `settings` to let the app reach it)."""
    with serving(PluginUpstream()) as server:
        yield server  # type: ignore[misc]
