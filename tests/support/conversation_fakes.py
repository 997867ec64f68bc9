"""In-memory stand-ins for the contracts the conversation context consumes: the agent directory
and the uploaded files. Conversation tests register the agents and files they need here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dependency_injector import providers

from crossdomain.agent import CONNECTOR_API, AgentModelConfig, AgentSnapshot
from crossdomain.upload import UploadedFile


@dataclass
class FakeAgentDirectory:
    drafts: dict[int, AgentSnapshot] = field(default_factory=dict)
    published_to: dict[tuple[int, int], AgentSnapshot] = field(default_factory=dict)

    def add(self, agent_id: int, space_id: int, owner_id: int, *, publish: bool = True) -> AgentSnapshot:
        draft = AgentSnapshot(
            agent_id=agent_id,
            space_id=space_id,
            owner_id=owner_id,
            name=f"agent {agent_id}",
            description="",
            icon_url="",
            persona_prompt="You are helpful.",
            model=AgentModelConfig(model_id=None),
        )
        self.drafts[agent_id] = draft
        if publish:
            self.published_to[(agent_id, CONNECTOR_API)] = draft
        return draft

    async def draft(self, agent_id: int) -> AgentSnapshot | None:
        return self.drafts.get(agent_id)

    async def published(self, agent_id: int, connector_id: int = CONNECTOR_API) -> AgentSnapshot | None:
        return self.published_to.get((agent_id, connector_id))


@dataclass
class FakeUploadedFiles:
    files: dict[int, UploadedFile] = field(default_factory=dict)

    def add(self, file_id: int, owner_id: int) -> UploadedFile:
        f = UploadedFile(
            file_id, owner_id, "a.png", "image/png", 3, f"files/{file_id}", f"http://x/{file_id}"
        )
        self.files[file_id] = f
        return f

    async def get(self, file_id: int, owner_id: int) -> UploadedFile | None:
        f = self.files.get(file_id)
        return f if f is not None and f.owner_id == owner_id else None


def use_fakes(container: Any, agents: FakeAgentDirectory, files: FakeUploadedFiles) -> None:
    """Make the conversation context of `container` ask these fakes."""
    container.conversation.agents.override(providers.Object(agents))
    container.conversation.files.override(providers.Object(files))


def fill_missing_contracts(container: Any) -> None:
    """Give the root container empty fakes for contracts no context provides yet.

    The agent and upload contexts implement them on their own branches; once they are composed in
    bootstrap/container.py the placeholders are gone and this does nothing."""
    for name, fake in (("agent_directory", FakeAgentDirectory()), ("uploaded_files", FakeUploadedFiles())):
        provider = getattr(container, name, None)
        if isinstance(provider, providers.Dependency) and not provider.is_defined:
            provider.override(providers.Object(fake))
