"""Errors of the plugin registry; each maps to one API code (api/plugin_errors.py)."""

from __future__ import annotations

from domain.common.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied


class PluginNotFound(NotFound):
    """Also what another space's plugin answers: its id is indistinguishable from a missing one."""

    message_key = "plugin.not_found"


class ToolNotFound(NotFound):
    message_key = "plugin.tool_not_found"


class PluginActionDenied(PermissionDenied):
    message_key = "plugin.action_denied"


class InvalidPluginRequest(InvalidInput):
    message_key = "plugin.invalid_request"


class InvalidManifest(InvalidInput):
    """The plugin manifest (Coze's ai_plugin JSON) is not usable; `pointer` names the field."""

    message_key = "plugin.invalid_manifest"

    def __init__(self, pointer: str, detail: str) -> None:
        super().__init__(pointer=pointer or "/", detail=detail)
        self.pointer, self.detail = pointer, detail


class DuplicateTool(Conflict):
    """Another operation of the plugin already has this name, or this method and path."""

    message_key = "plugin.duplicate_tool"


class VersionNotIncreasing(Conflict):
    message_key = "plugin.version_not_increasing"


class NothingToPublish(Conflict):
    """A plugin is published with at least one activated tool."""

    message_key = "plugin.nothing_to_publish"


class McpServerUnusable(DomainError):
    """The MCP server could not be reached, broke off, or did not answer as an MCP server should
    (its tools could not be listed); `detail` says how."""

    message_key = "plugin.mcp_unusable"


class McpToolsNotEditable(InvalidInput):
    """An MCP plugin's tools come from its server: they are refreshed, not edited one by one."""

    message_key = "plugin.mcp_tools_not_editable"
