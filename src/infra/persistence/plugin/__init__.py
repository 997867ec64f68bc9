"""Tables and repositories of the plugin context."""

from infra.persistence.plugin.repositories import (
    SqlPluginRepository,
    SqlToolRepository,
    SqlVersionRepository,
)
from infra.persistence.plugin.rows import PluginRow, ToolRow, VersionRow

__all__ = [
    "PluginRow",
    "SqlPluginRepository",
    "SqlToolRepository",
    "SqlVersionRepository",
    "ToolRow",
    "VersionRow",
]
