"""What the agent use cases return: views of a draft or of a published version."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domain.agent.config import AgentConfig


class ListFilter(StrEnum):
    """Coze's publish_status for the v2 list (draft data unless PUBLISHED_ONLINE)."""

    ALL = "all"
    PUBLISHED_ONLINE = "published_online"  # the live versions' data
    PUBLISHED_DRAFT = "published_draft"  # drafts that have a live version
    UNPUBLISHED_DRAFT = "unpublished_draft"  # drafts without one


@dataclass(frozen=True, slots=True)
class AgentView:
    """A draft (version "") or a published version, with links resolved for display."""

    id: int
    space_id: int
    owner_id: int
    name: str
    description: str
    icon_uri: str
    icon_url: str
    config: AgentConfig
    created_at: datetime
    updated_at: datetime
    model_name: str = ""
    version: str = ""
    connector_id: int = 0
    published_at: datetime | None = None
    # draft views: connector id -> the version live there
    live_versions: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AgentSummary:
    id: int
    space_id: int
    owner_id: int
    name: str
    description: str
    icon_url: str
    created_at: datetime
    updated_at: datetime
    is_published: bool
    published_at: datetime | None = None
    version: str = ""


@dataclass(frozen=True, slots=True)
class PublishResult:
    agent_id: int
    version: str
    connector_ids: tuple[int, ...]
    published_at: datetime


@dataclass(frozen=True, slots=True)
class PublishRecordView:
    id: int
    agent_id: int
    version: str
    connector_ids: tuple[int, ...]
    publisher_id: int
    published_at: datetime
    note: str = ""


@dataclass(frozen=True, slots=True)
class Connector:
    id: int
    name: str
    description: str
