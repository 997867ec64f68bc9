"""The chat engine assembled from in-memory fakes and the in-process run streams and key-value store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from application.common.actor import Actor
from application.conversation.access import ConversationAccess
from application.conversation.chat.agents import AgentGate
from application.conversation.chat.control import ChatControl
from application.conversation.chat.engine import ChatEngine
from application.conversation.chat.follow import RunFollower
from application.conversation.chat.knowledge import KnowledgeStep
from application.conversation.chat.liveness import Liveness
from application.conversation.chat.runner import ChatRunner
from application.conversation.chat.service import ChatService
from application.conversation.chat.starting import ChatHandle, ChatStarter
from application.conversation.chat.titles import TitleWriter
from crossdomain.knowledge import KnowledgeRetriever
from crossdomain.plugin import AgentToolbox
from domain.common.errors import DomainError
from domain.common.llm import ChatModel
from domain.common.runstream import RunEvent, RunStreams
from domain.conversation.values import ChatError
from infra.kv.inprocess import InProcessKeyValue
from infra.llm.echo import EchoChatModel
from infra.runstream.inprocess import InProcessRunStreams
from tests.support.conversation_fakes import (
    FakeAgentDirectory,
    FakeModelFacts,
    FakeModelRuntime,
    FakePermissions,
    FakePersonaRenderer,
    FakeUploadedFiles,
    InMemoryConversations,
    InMemoryMessages,
    InMemoryRuns,
    InMemorySections,
    RecordingModel,
    agent_snapshot,
)
from tests.support.fakes import CountingIds, FakeStore


class SteppingClock:
    """Real-looking time that tests can move forward."""

    def __init__(self) -> None:
        self.current = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, seconds: float) -> None:
        self.current += timedelta(seconds=seconds)


def describe(exc: BaseException) -> ChatError:
    if isinstance(exc, DomainError):
        return ChatError(5020, f"{exc.message_key} {exc.params}")
    return ChatError(5000, "internal error")


@dataclass
class ChatKit:
    model: RecordingModel
    store: FakeStore = field(default_factory=FakeStore)
    clock: SteppingClock = field(default_factory=SteppingClock)
    ids: CountingIds = field(default_factory=CountingIds)
    directory: FakeAgentDirectory = field(default_factory=FakeAgentDirectory)
    permissions: FakePermissions = field(default_factory=FakePermissions)
    files: FakeUploadedFiles = field(default_factory=FakeUploadedFiles)
    facts: FakeModelFacts = field(default_factory=FakeModelFacts)
    streams: RunStreams = field(default_factory=InProcessRunStreams)
    kv: InProcessKeyValue = field(default_factory=InProcessKeyValue)
    title_mode: str = "auto"
    retriever: KnowledgeRetriever | None = None
    knowledge_timeout_s: float = 30.0
    toolbox: AgentToolbox | None = None

    def __post_init__(self) -> None:
        self.conversations = InMemoryConversations(self.store)
        self.sections = InMemorySections(self.store)
        self.messages = InMemoryMessages(self.store)
        self.runs = InMemoryRuns(self.store)
        self.runtime = FakeModelRuntime(self.model)
        self.runner = ChatRunner(self.kv, poll_s=0.02, heartbeat_s=0.05, alive_ttl_s=1.0, stop_timeout_s=2.0)
        repos = {"conversations": self.conversations, "messages": self.messages, "runs": self.runs}
        self.liveness = Liveness(
            uow=self.store.uow, streams=self.streams, runner=self.runner, clock=self.clock, **repos
        )
        self.titles = TitleWriter(
            self.store.uow,
            self.conversations,
            self.runtime,
            self.facts,
            self.runner,
            self.clock,
            self.title_mode,  # type: ignore[arg-type]
        )
        self.engine = ChatEngine(
            uow=self.store.uow,
            streams=self.streams,
            models=self.runtime,
            renderer=FakePersonaRenderer(),
            clock=self.clock,
            ids=self.ids,
            runner=self.runner,
            describe_error=describe,
            titles=self.titles,
            knowledge=KnowledgeStep(self.retriever, timeout_s=self.knowledge_timeout_s),
            toolbox=self.toolbox,
            **repos,
        )
        self.follower = RunFollower(
            uow=self.store.uow,
            messages=self.messages,
            runs=self.runs,
            streams=self.streams,
            liveness=self.liveness,
            runner=self.runner,
            describe_error=describe,
            idle_s=0.5,
            outage_s=1.0,
            retry_s=0.05,
        )
        self.access = ConversationAccess(self.conversations, self.directory, self.permissions)
        starter = ChatStarter(
            uow=self.store.uow,
            access=self.access,
            sections=self.sections,
            streams=self.streams,
            agents=AgentGate(self.directory, self.permissions),
            files=self.files,
            engine=self.engine,
            liveness=self.liveness,
            runner=self.runner,
            clock=self.clock,
            ids=self.ids,
            **repos,
        )
        control = ChatControl(
            uow=self.store.uow,
            access=self.access,
            streams=self.streams,
            runner=self.runner,
            liveness=self.liveness,
            follower=self.follower,
            cancel_wait_s=2.0,
            **repos,
        )
        self.chats = ChatService(starter, control, self.follower)
        self.agent = self.directory.put(agent_snapshot())

    async def events(self, handle: ChatHandle) -> list[RunEvent]:
        return [e async for e in self.chats.events(handle)]


def kit(model: ChatModel | None = None, **options: object) -> ChatKit:
    return ChatKit(RecordingModel(model or EchoChatModel(slow_delay_s=0.05)), **options)  # type: ignore[arg-type]


def actor(user_id: int = 1) -> Actor:
    return Actor(user_id=user_id)


Factory = Callable[..., ChatKit]
