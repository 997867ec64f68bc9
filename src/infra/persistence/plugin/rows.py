"""Tables of the plugin registry: plugins (the draft), their tools and the published versions (a
version keeps its document, tools and meta frozen in JSON: it never changes once written)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.plugin.entities import DebugStatus, Plugin, PluginKind, PluginStatus, PluginVersion, Tool
from infra.persistence.base import Base, Int64, Json, UtcDateTime
from infra.persistence.plugin.codec import (
    auth_json,
    auth_of,
    meta_json,
    meta_of,
    operation_json,
    operation_of,
    tool_json,
    tool_of,
)


class PluginRow(Base):
    __tablename__ = "plugin"
    __table_args__ = (Index("ix_plugin_space_id_updated_at", "space_id", "updated_at"),)

    id: Mapped[int] = mapped_column(Int64, primary_key=True, autoincrement=False)
    space_id: Mapped[int] = mapped_column(Int64, ForeignKey("space.id", ondelete="CASCADE"))
    creator_id: Mapped[int] = mapped_column(Int64)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(2000))
    icon_uri: Mapped[str] = mapped_column(String(1024))
    kind: Mapped[str] = mapped_column(String(16))
    server_url: Mapped[str] = mapped_column(String(2048))
    auth: Mapped[Any] = mapped_column(Json)
    document: Mapped[Any] = mapped_column(Json)
    manifest: Mapped[Any | None] = mapped_column(Json, nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    version_name: Mapped[str] = mapped_column(String(32))
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    edit_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    def to_entity(self) -> Plugin:
        return Plugin(
            id=self.id,
            space_id=self.space_id,
            creator_id=self.creator_id,
            name=self.name,
            description=self.description,
            icon_uri=self.icon_uri,
            kind=PluginKind(self.kind),
            server_url=self.server_url,
            auth=auth_of(self.auth),
            document=self.document,
            created_at=self.created_at,
            updated_at=self.updated_at,
            status=PluginStatus(self.status),
            version_name=self.version_name,
            published_at=self.published_at,
            edit_version=self.edit_version,
            manifest=self.manifest,
        )


def plugin_values(p: Plugin) -> dict[str, Any]:
    return {
        "space_id": p.space_id,
        "creator_id": p.creator_id,
        "name": p.name,
        "description": p.description,
        "icon_uri": p.icon_uri,
        "kind": p.kind.value,
        "server_url": p.server_url,
        "auth": auth_json(p.auth),
        "document": dict(p.document),
        "manifest": None if p.manifest is None else dict(p.manifest),
        "status": p.status.value,
        "version_name": p.version_name,
        "published_at": p.published_at,
        "edit_version": p.edit_version,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
    }


class ToolRow(Base):
    __tablename__ = "plugin_tool"
    __table_args__ = (Index("ix_plugin_tool_plugin_id_position", "plugin_id", "position"),)

    id: Mapped[int] = mapped_column(Int64, primary_key=True, autoincrement=False)
    plugin_id: Mapped[int] = mapped_column(Int64, ForeignKey("plugin.id", ondelete="CASCADE"))
    space_id: Mapped[int] = mapped_column(Int64)
    name: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(1024))
    operation: Mapped[Any] = mapped_column(Json)
    activated: Mapped[bool] = mapped_column(Boolean)
    debug_status: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    def to_entity(self) -> Tool:
        return Tool(
            id=self.id,
            plugin_id=self.plugin_id,
            space_id=self.space_id,
            operation=operation_of(self.operation),
            created_at=self.created_at,
            activated=self.activated,
            debug_status=DebugStatus(self.debug_status),
        )


def tool_values(t: Tool, position: int) -> dict[str, Any]:
    return {
        "id": t.id,
        "plugin_id": t.plugin_id,
        "space_id": t.space_id,
        "name": t.name,
        "method": t.method,
        "path": t.path,
        "operation": operation_json(t.operation),
        "activated": t.activated,
        "debug_status": int(t.debug_status),
        "position": position,
        "created_at": t.created_at,
    }


class VersionRow(Base):
    __tablename__ = "plugin_version"
    __table_args__ = (
        UniqueConstraint("plugin_id", "version"),
        Index("ix_plugin_version_plugin_id_created_at", "plugin_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Int64, primary_key=True, autoincrement=False)
    plugin_id: Mapped[int] = mapped_column(Int64, ForeignKey("plugin.id", ondelete="CASCADE"))
    space_id: Mapped[int] = mapped_column(Int64)
    version: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(String(2000))
    document: Mapped[Any] = mapped_column(Json)
    tools: Mapped[Any] = mapped_column(Json)
    meta: Mapped[Any] = mapped_column(Json)
    creator_id: Mapped[int] = mapped_column(Int64)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    def to_entity(self) -> PluginVersion:
        return PluginVersion(
            id=self.id,
            plugin_id=self.plugin_id,
            space_id=self.space_id,
            version=self.version,
            description=self.description,
            document=self.document,
            tools=tuple(tool_of(t, self.plugin_id, self.space_id) for t in self.tools),
            meta=meta_of(self.meta),
            creator_id=self.creator_id,
            created_at=self.created_at,
        )


def version_values(v: PluginVersion) -> dict[str, Any]:
    return {
        "id": v.id,
        "plugin_id": v.plugin_id,
        "space_id": v.space_id,
        "version": v.version,
        "description": v.description,
        "document": dict(v.document),
        "tools": [tool_json(t) for t in v.tools],
        "meta": meta_json(v.meta),
        "creator_id": v.creator_id,
        "created_at": v.created_at,
    }
