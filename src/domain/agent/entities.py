"""The agent draft (what the editor changes), its published versions and the publish records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from domain.agent.config import AgentConfig
from domain.agent.values import (
    MAX_DESCRIPTION,
    MAX_ICON_URI,
    MAX_NAME,
    ClientToolSpec,
    Onboarding,
    PluginBinding,
    SuggestReply,
    Variable,
    checked_id,
    checked_text,
    refuse,
)

COPY_SUFFIX = " (copy)"


def checked_name(name: str) -> str:
    if not isinstance(name, str):
        raise refuse("name must be text")
    cleaned = name.strip()
    if not 1 <= len(cleaned) <= MAX_NAME:
        raise refuse(f"name must be 1-{MAX_NAME} characters")
    if any(ord(c) < 32 for c in cleaned):
        raise refuse("name must not contain control characters")
    return cleaned


@dataclass(frozen=True, slots=True)
class Icon:
    """Where the avatar lives: an object key (or an http(s) link) and, when it came from an upload,
    the file's id (its link is signed afresh on every read)."""

    uri: str = ""
    file_id: int | None = None
    file_owner_id: int | None = None  # files are looked up for their uploader only

    def checked(self) -> Icon:
        checked_text(self.uri, "icon_uri", MAX_ICON_URI)
        if self.file_id is not None:
            checked_id(self.file_id, "icon_file_id")
            if self.file_owner_id is None:
                raise refuse("an icon file needs its uploader")
        return self


@dataclass(frozen=True, slots=True)
class AgentChanges:
    """A partial update: None keeps the stored value. `model` and `knowledge` name only the settings
    to change."""

    name: str | None = None
    description: str | None = None
    icon: Icon | None = None
    persona_prompt: str | None = None
    model: Mapping[str, Any] | None = None
    onboarding: Onboarding | None = None
    suggest_reply: SuggestReply | None = None
    plugins: tuple[PluginBinding, ...] | None = None
    workflow_ids: tuple[int, ...] | None = None
    knowledge: Mapping[str, Any] | None = None  # KnowledgeBinding fields to change, by name
    variables: tuple[Variable, ...] | None = None
    shortcut_command_ids: tuple[int, ...] | None = None
    client_tools: tuple[ClientToolSpec, ...] | None = None

    def config_of(self, current: AgentConfig) -> AgentConfig:
        """`current` with these changes applied, checked."""
        updates: dict[str, Any] = {
            name: getattr(self, name)
            for name in (
                "persona_prompt",
                "onboarding",
                "suggest_reply",
                "plugins",
                "workflow_ids",
                "variables",
                "shortcut_command_ids",
                "client_tools",
            )
            if getattr(self, name) is not None
        }
        if self.plugins is not None:
            updates["plugins"] = _keeping_tool_values(self.plugins, current.plugins)
        if self.model is not None:
            updates["model"] = current.model.merged(self.model)
        if self.knowledge is not None:
            updates["knowledge"] = current.knowledge.merged(self.knowledge)
        return replace(current, **updates).checked()


def _keeping_tool_values(
    given: tuple[PluginBinding, ...], current: tuple[PluginBinding, ...]
) -> tuple[PluginBinding, ...]:
    """Bindings as given; one given without parameter values keeps the ones the agent has for that
    tool (the editor's tool list does not carry them: update_bot_default_params sets them)."""
    known = {(p.plugin_id, p.api_id): p for p in current}
    kept = []
    for p in given:
        before = known.get((p.plugin_id, p.api_id))
        keep = before is not None and not p.defaults and not p.hidden and not p.variables
        kept.append(
            replace(p, defaults=before.defaults, hidden=before.hidden, variables=before.variables)
            if before and keep
            else p
        )
    return tuple(kept)


@dataclass(slots=True)
class AgentDraft:
    id: int
    space_id: int
    owner_id: int  # the creator
    name: str
    description: str
    icon: Icon
    config: AgentConfig
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None

    @classmethod
    def create(
        cls,
        agent_id: int,
        space_id: int,
        owner_id: int,
        name: str,
        now: datetime,
        description: str = "",
        icon: Icon | None = None,
        config: AgentConfig | None = None,
    ) -> AgentDraft:
        return cls(
            agent_id,
            space_id,
            owner_id,
            checked_name(name),
            checked_text(description, "description", MAX_DESCRIPTION),
            (icon or Icon()).checked(),
            (config or AgentConfig()).checked(),
            now,
            now,
        )

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None

    def apply(self, changes: AgentChanges, now: datetime) -> None:
        """Check everything first, then change: a refused update leaves the draft as it was."""
        name = self.name if changes.name is None else checked_name(changes.name)
        description = (
            self.description
            if changes.description is None
            else checked_text(changes.description, "description", MAX_DESCRIPTION)
        )
        icon = self.icon if changes.icon is None else changes.icon.checked()
        config = changes.config_of(self.config)
        self.name, self.description, self.icon, self.config = name, description, icon, config
        self.updated_at = now

    def duplicate(self, agent_id: int, owner_id: int, now: datetime) -> AgentDraft:
        """A new draft in the same space with the same configuration; never its versions."""
        name = self.name[: MAX_NAME - len(COPY_SUFFIX)].rstrip() + COPY_SUFFIX
        return AgentDraft(
            agent_id, self.space_id, owner_id, name, self.description, self.icon, self.config, now, now
        )

    def delete(self, now: datetime) -> None:
        self.deleted_at = now
        self.updated_at = now

    def version_for(self, connector_id: int, version: int, publisher_id: int, now: datetime) -> AgentVersion:
        return AgentVersion(
            agent_id=self.id,
            connector_id=connector_id,
            version=version,
            space_id=self.space_id,
            owner_id=self.owner_id,
            name=self.name,
            description=self.description,
            icon=self.icon,
            config=self.config,
            publisher_id=publisher_id,
            published_at=now,
        )


@dataclass(frozen=True, slots=True)
class AgentVersion:
    """An immutable snapshot of the draft, published to one connector. `live` is true for the one
    version a connector serves; publishing a newer one or unpublishing clears it."""

    agent_id: int
    connector_id: int
    version: int  # a time-ordered id; shown as a string
    space_id: int
    owner_id: int
    name: str
    description: str
    icon: Icon
    config: AgentConfig
    publisher_id: int
    published_at: datetime
    live: bool = True


@dataclass(frozen=True, slots=True)
class PublishRecord:
    id: int
    agent_id: int
    version: int
    connector_ids: tuple[int, ...]
    publisher_id: int
    published_at: datetime
    note: str = ""  # what the publisher says about this version (Coze Studio's history_info)
