"""JSON forms of the plugin values stored in columns: a tool's operation, a plugin's auth (secrets
as sealed), a version's tools and meta."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from domain.plugin.auth import AuthKind, OAuthClient, OAuthFlow, PluginAuth, ServiceToken, TokenLocation
from domain.plugin.entities import DebugStatus, PluginMeta, Tool
from domain.plugin.tools import Argument, Location, Method, ToolOperation


def operation_json(op: ToolOperation) -> dict[str, Any]:
    return {
        "name": op.name,
        "method": op.method.value,
        "path": op.path,
        "description": op.description,
        "arguments": dict(op.arguments),
        "routing": [
            {"name": a.name, "location": int(a.location), "required": a.required} for a in op.routing
        ],
        "responses": dict(op.responses),
        "body": op.body,
    }


def operation_of(data: dict[str, Any]) -> ToolOperation:
    return ToolOperation(
        name=data["name"],
        method=Method(data["method"]),
        path=data["path"],
        description=data.get("description", ""),
        arguments=data.get("arguments") or {"type": "object", "properties": {}},
        routing=tuple(
            Argument(a["name"], Location(a["location"]), bool(a.get("required")))
            for a in data.get("routing", [])
        ),
        responses=data.get("responses") or {},
        body=data.get("body", ""),
    )


def auth_json(auth: PluginAuth) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": int(auth.kind)}
    if auth.service is not None:
        s = auth.service
        data["service"] = {"location": int(s.location), "name": s.name, "sealed_token": s.sealed_token}
    if auth.oauth is not None:
        o = auth.oauth
        data["oauth"] = {
            "flow": o.flow.value,
            "client_id": o.client_id,
            "sealed_client_secret": o.sealed_client_secret,
            "token_url": o.token_url,
            "authorization_url": o.authorization_url,
            "scope": o.scope,
        }
    return data


def auth_of(data: Any) -> PluginAuth:
    if not isinstance(data, dict):
        return PluginAuth()
    service = oauth = None
    if isinstance(s := data.get("service"), dict):
        service = ServiceToken(TokenLocation(s["location"]), s["name"], s["sealed_token"])
    if isinstance(o := data.get("oauth"), dict):
        oauth = OAuthClient(
            OAuthFlow(o["flow"]),
            o["client_id"],
            o["sealed_client_secret"],
            o["token_url"],
            o.get("authorization_url", ""),
            o.get("scope", ""),
        )
    return PluginAuth(AuthKind(data.get("kind", 0)), service, oauth)


def tool_json(tool: Tool) -> dict[str, Any]:
    return {
        "id": str(tool.id),
        "operation": operation_json(tool.operation),
        "activated": tool.activated,
        "debug_status": int(tool.debug_status),
        "created_at": tool.created_at.isoformat(),
    }


def tool_of(data: dict[str, Any], plugin_id: int, space_id: int) -> Tool:
    created = datetime.fromisoformat(data["created_at"])
    return Tool(
        id=int(data["id"]),
        plugin_id=plugin_id,
        space_id=space_id,
        operation=operation_of(data["operation"]),
        created_at=created if created.tzinfo else created.replace(tzinfo=UTC),
        activated=bool(data.get("activated", True)),
        debug_status=DebugStatus(data.get("debug_status", 0)),
    )


def meta_json(meta: PluginMeta) -> dict[str, Any]:
    return {
        "name": meta.name,
        "description": meta.description,
        "icon_uri": meta.icon_uri,
        "server_url": meta.server_url,
        "auth": auth_json(meta.auth),
    }


def meta_of(data: dict[str, Any]) -> PluginMeta:
    return PluginMeta(
        data["name"],
        data.get("description", ""),
        data.get("icon_uri", ""),
        data["server_url"],
        auth_of(data.get("auth")),
    )
