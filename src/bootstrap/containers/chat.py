"""The chat run engine (conversation context): starting chats, detached generation, reading them back."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.conversation.access import ConversationAccess
from application.conversation.chat.agents import AgentGate
from application.conversation.chat.control import ChatControl
from application.conversation.chat.engine import ChatEngine, ErrorDescriber
from application.conversation.chat.follow import RunFollower
from application.conversation.chat.knowledge import KnowledgeStep
from application.conversation.chat.liveness import Liveness
from application.conversation.chat.runner import ChatRunner
from application.conversation.chat.service import ChatService
from application.conversation.chat.starting import ChatStarter
from application.conversation.chat.titles import ModelFacts, TitleWriter
from application.modelmgr.runtime import ModelRuntimeService
from crossdomain.agent import AgentDirectory, PersonaRenderer
from crossdomain.knowledge import KnowledgeRetriever
from crossdomain.permission import PermissionChecker
from crossdomain.plugin import AgentToolbox
from crossdomain.upload import UploadedFiles
from domain.common.kv import KeyValueStore
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from domain.common.runstream import RunStreams
from domain.conversation.ports import (
    ChatRunRepository,
    ConversationRepository,
    MessageRepository,
    SectionRepository,
)
from domain.modelmgr.errors import ModelNotFound
from domain.modelmgr.providers import Protocol
from domain.modelmgr.providers import provider as provider_info
from domain.modelmgr.values import ModelKind


class RuntimeModelFacts:
    """ModelFacts over the model runtime's cached instances (no query per turn)."""

    def __init__(self, runtime: ModelRuntimeService) -> None:
        self._runtime = runtime

    async def is_builtin(self, model_id: int | None) -> bool:
        try:
            instance = await self._runtime.instance(model_id, ModelKind.LLM)
        except (ModelNotFound, LookupError):
            return False
        return provider_info(instance.provider).protocol is Protocol.BUILTIN


class ChatContainer(containers.DeclarativeContainer):
    uow: providers.Dependency[UnitOfWorkFactory] = providers.Dependency()
    ids: providers.Dependency[IdGenerator] = providers.Dependency()
    clock: providers.Dependency[Clock] = providers.Dependency()
    access: providers.Dependency[ConversationAccess] = providers.Dependency()
    conversations: providers.Dependency[ConversationRepository] = providers.Dependency()
    sections: providers.Dependency[SectionRepository] = providers.Dependency()
    messages: providers.Dependency[MessageRepository] = providers.Dependency()
    runs: providers.Dependency[ChatRunRepository] = providers.Dependency()
    directory: providers.Dependency[AgentDirectory] = providers.Dependency()
    permissions: providers.Dependency[PermissionChecker] = providers.Dependency()
    files: providers.Dependency[UploadedFiles] = providers.Dependency()
    streams: providers.Dependency[RunStreams] = providers.Dependency()
    kv: providers.Dependency[KeyValueStore] = providers.Dependency()
    # The model runtime service: the ModelRuntime port, plus the model facts titles ask about.
    models: providers.Dependency[ModelRuntimeService] = providers.Dependency()
    renderer: providers.Dependency[PersonaRenderer] = providers.Dependency()
    retriever: providers.Dependency[KnowledgeRetriever] = providers.Dependency()
    toolbox: providers.Dependency[AgentToolbox] = providers.Dependency()
    describe_error: providers.Dependency[ErrorDescriber] = providers.Dependency()
    title_mode = providers.Dependency(instance_of=str, default="auto")
    tool_wait_s = providers.Dependency(instance_of=float, default=600.0)
    knowledge_timeout_s = providers.Dependency(instance_of=float, default=30.0)

    # The chat path's write transactions (start, outcome, failure): the database adapter serialises
    # them where the database takes one writer at a time; the plain units of work by default.
    writes: providers.Provider[UnitOfWorkFactory] = providers.Dependency(default=uow)

    runner = providers.Singleton(ChatRunner, kv=kv)
    model_facts: providers.Provider[ModelFacts] = providers.Singleton(RuntimeModelFacts, runtime=models)
    liveness = providers.Singleton(
        Liveness,
        uow=uow,
        conversations=conversations,
        messages=messages,
        runs=runs,
        streams=streams,
        runner=runner,
        clock=clock,
        writes=writes,
        tool_wait_s=tool_wait_s,
    )
    titles = providers.Singleton(
        TitleWriter,
        uow=uow,
        conversations=conversations,
        models=models,
        facts=model_facts,
        runner=runner,
        clock=clock,
        mode=title_mode,
    )
    knowledge = providers.Singleton(KnowledgeStep, retriever=retriever, timeout_s=knowledge_timeout_s)
    engine = providers.Singleton(
        ChatEngine,
        uow=uow,
        conversations=conversations,
        messages=messages,
        runs=runs,
        streams=streams,
        models=models,
        renderer=renderer,
        clock=clock,
        ids=ids,
        runner=runner,
        describe_error=describe_error,
        titles=titles,
        writes=writes,
        knowledge=knowledge,
        toolbox=toolbox,
    )
    follower = providers.Singleton(
        RunFollower,
        uow=uow,
        messages=messages,
        runs=runs,
        streams=streams,
        liveness=liveness,
        runner=runner,
        describe_error=describe_error,
    )
    agents = providers.Singleton(AgentGate, directory=directory, permissions=permissions)
    starter = providers.Singleton(
        ChatStarter,
        uow=uow,
        access=access,
        conversations=conversations,
        sections=sections,
        messages=messages,
        runs=runs,
        streams=streams,
        agents=agents,
        files=files,
        engine=engine,
        liveness=liveness,
        runner=runner,
        clock=clock,
        ids=ids,
        writes=writes,
    )
    control = providers.Singleton(
        ChatControl,
        uow=uow,
        access=access,
        conversations=conversations,
        messages=messages,
        runs=runs,
        streams=streams,
        runner=runner,
        liveness=liveness,
        follower=follower,
    )
    service = providers.Singleton(ChatService, starter=starter, control=control, follower=follower)
