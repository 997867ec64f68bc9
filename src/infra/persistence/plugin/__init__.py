"""Tables and repositories of the plugin context."""

from infra.persistence.plugin.grants import (
    ConsentRow,
    SqlConsentRepository,
    SqlUserGrantRepository,
    UserGrantRow,
)
from infra.persistence.plugin.repositories import (
    SqlPluginRepository,
    SqlToolRepository,
    SqlVersionRepository,
)
from infra.persistence.plugin.rows import PluginRow, ToolRow, VersionRow

__all__ = [
    "ConsentRow",
    "PluginRow",
    "SqlConsentRepository",
    "SqlPluginRepository",
    "SqlToolRepository",
    "SqlUserGrantRepository",
    "SqlVersionRepository",
    "ToolRow",
    "UserGrantRow",
    "VersionRow",
]
