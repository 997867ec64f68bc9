"""Plugins: OpenAPI documents read into tools, and the runtime that calls them (ADR 0062)."""

from __future__ import annotations

from api import plugin_errors
from bootstrap.modules.base import ContextModule

MODULE = ContextModule(name="plugin", errors=plugin_errors.ERRORS, messages=plugin_errors.MESSAGES)
