"""Agent drafts: create, read, update (partial), list per space, duplicate, delete.

Every change is checked completely (shape, limits, persona template, model) before anything is
written, and written in one unit of work, so a refused request leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from application.agent.access import AgentAccess, AgentAction
from application.agent.dto import AgentSummary, AgentView, ListFilter
from application.agent.icons import IconLinks
from application.agent.views import AgentViews
from application.common.actor import Actor, require_scope
from application.common.paging import Page, bounded
from crossdomain.agent import PersonaRenderer
from crossdomain.audit import AuditRecorder, AuditResult
from crossdomain.plugin import PublishedPluginTools, PublishedTool, ToolRef
from domain.agent.config import AgentConfig
from domain.agent.entities import AgentChanges, AgentDraft, Icon
from domain.agent.errors import AgentNotFound, InvalidAgentConfig, UnknownModel
from domain.agent.ports import AgentRepository, AgentVersionRepository, ChatModels
from domain.agent.services import check_persona, checked_connectors
from domain.agent.values import PluginBinding, refuse
from domain.common.access import Scope
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory


class AgentService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        agents: AgentRepository,
        versions: AgentVersionRepository,
        access: AgentAccess,
        views: AgentViews,
        icons: IconLinks,
        models: ChatModels,
        persona: PersonaRenderer,
        audit: AuditRecorder,
        ids: IdGenerator,
        clock: Clock,
        plugins: PublishedPluginTools | None = None,
    ) -> None:
        self._uow, self._agents, self._versions, self._access = uow, agents, versions, access
        self._views, self._icons, self._models, self._persona = views, icons, models, persona
        self._audit, self._ids, self._clock = audit, ids, clock
        self._plugins = plugins

    async def create(
        self,
        actor: Actor,
        space_id: int,
        name: str,
        description: str = "",
        changes: AgentChanges | None = None,
        icon_file_id: int | None = None,
    ) -> AgentView:
        require_scope(actor, Scope.BOT_WRITE)
        changes = changes or AgentChanges()
        now = self._clock.now()
        async with self._uow() as uow:
            # Rights first: another space's id is not found, whatever else the request holds.
            await self._access.space(actor, space_id, AgentAction.CREATE)
            config = changes.config_of(AgentConfig())
            icon = await self._icon(actor, changes.icon, icon_file_id)
            await self._check(config, None, space_id)
            draft = AgentDraft.create(
                self._ids.next_id(), space_id, actor.user_id, name, now, description, icon, config
            )
            await self._agents.add(draft)
            await uow.commit()
        await self._record(actor, "agent.create", draft.id, {"space_id": str(space_id)})
        return await self._views.of_draft(draft)

    async def get(self, actor: Actor, agent_id: int) -> AgentView:
        require_scope(actor, Scope.BOT_READ)
        async with self._uow():
            draft = await self._access.agent(actor, agent_id, AgentAction.READ)
            live = (await self._versions.live_connectors([draft.id])).get(draft.id)
        return await self._views.of_draft(draft, live)

    async def update(
        self, actor: Actor, agent_id: int, changes: AgentChanges, icon_file_id: int | None = None
    ) -> AgentView:
        require_scope(actor, Scope.BOT_WRITE)
        now = self._clock.now()
        async with self._uow() as uow:
            draft = await self._access.agent(actor, agent_id, AgentAction.UPDATE, for_update=True)
            icon = await self._icon(actor, changes.icon, icon_file_id)
            if icon is not None:
                changes = replace(changes, icon=icon)
            before = draft.config
            draft.apply(changes, now)  # checks shape and limits before changing anything
            await self._check(draft.config, before, draft.space_id)
            await self._agents.save(draft)
            live = (await self._versions.live_connectors([draft.id])).get(draft.id)
            await uow.commit()
        await self._record(actor, "agent.update", draft.id, {"fields": sorted(_fields(changes))})
        return await self._views.of_draft(draft, live)

    async def tool_values(
        self, actor: Actor, agent_id: int, plugin_id: int, tool_name: str
    ) -> tuple[PublishedTool, PluginBinding]:
        """A tool the agent has and the agent's own values for its parameters (Coze's
        get_bot_default_params), for a caller who may read the agent."""
        require_scope(actor, Scope.BOT_READ)
        async with self._uow():
            draft = await self._access.agent(actor, agent_id, AgentAction.READ)
        return await self._bound(draft, plugin_id, tool_name)

    async def set_tool_values(
        self,
        actor: Actor,
        agent_id: int,
        plugin_id: int,
        tool_name: str,
        defaults: Mapping[str, str],
        hidden: Sequence[str],
        variables: Mapping[str, str] | None = None,
    ) -> None:
        """Replace the agent's values for a tool's parameters (an empty set clears them);
        `variables` binds parameters to the agent's variables by keyword."""
        require_scope(actor, Scope.BOT_WRITE)
        async with self._uow() as uow:
            draft = await self._access.agent(actor, agent_id, AgentAction.UPDATE, for_update=True)
            tool, bound = await self._bound(draft, plugin_id, tool_name)
            properties = tool.arguments.get("properties") or {}
            bound_to = dict(variables or {})
            unknown = sorted({*defaults, *hidden, *bound_to} - set(properties))
            if unknown:
                raise InvalidAgentConfig(reason=f"tool {tool.name} has no parameter {unknown[0]!r}")
            keywords = {v.keyword for v in draft.config.variables}
            missing = sorted(set(bound_to.values()) - keywords)
            if missing:
                raise InvalidAgentConfig(reason=f"the agent has no variable {missing[0]!r}")
            values = replace(
                bound,
                defaults=tuple(defaults.items()),
                hidden=tuple(hidden),
                variables=tuple(bound_to.items()),
            ).checked()
            plugins = tuple(values if p == bound else p for p in draft.config.plugins)
            # Replaced as given (empty clears them), not merged like the editor's tool list.
            draft.config, draft.updated_at = (
                replace(draft.config, plugins=plugins).checked(),
                self._clock.now(),
            )
            await self._agents.save(draft)
            await uow.commit()
        await self._record(actor, "agent.update", draft.id, {"fields": ["plugins"]})

    async def _bound(
        self, draft: AgentDraft, plugin_id: int, tool_name: str
    ) -> tuple[PublishedTool, PluginBinding]:
        tool = (
            None
            if self._plugins is None
            else await self._plugins.tool_named(draft.space_id, plugin_id, tool_name)
        )
        bound = next(
            (
                p
                for p in draft.config.plugins
                if tool is not None and (p.plugin_id, p.api_id) == (plugin_id, tool.tool_id)
            ),
            None,
        )
        if tool is None or bound is None:
            raise InvalidAgentConfig(
                reason=f"the agent has no published tool {tool_name!r} of plugin {plugin_id}"
            )
        return tool, bound

    async def list(
        self,
        actor: Actor,
        space_id: int,
        page: int = 1,
        page_size: int = 20,
        status: ListFilter = ListFilter.ALL,
        connector_id: int | None = None,
        offset: int | None = None,
        name: str | None = None,
    ) -> Page[AgentSummary]:
        """Drafts of a space (newest change first); PUBLISHED_ONLINE is the publish service's.
        `offset` (cursor paging) overrides `page`; `name` keeps drafts whose name holds it."""
        require_scope(actor, Scope.BOT_READ)
        size = bounded(page_size)
        offset = max(page - 1, 0) * size if offset is None else max(offset, 0)
        connector = None if connector_id is None else checked_connectors([connector_id])[0]
        published = {ListFilter.PUBLISHED_DRAFT: True, ListFilter.UNPUBLISHED_DRAFT: False}.get(status)
        async with self._uow():
            await self._access.visible_space(actor, space_id)
            drafts, total = await self._agents.list_in_space(
                space_id, offset, size, published=published, connector_id=connector, name=name
            )
            live = await self._versions.live_connectors([d.id for d in drafts])
        items = []
        for d in drafts:
            versions = live.get(d.id, {})
            if connector is not None:
                shown = versions.get(connector)
            else:
                shown = max(versions.values(), key=lambda v: v.version, default=None)
            items.append(await self._views.summary_of_draft(d, shown))
        return Page(items, total, offset + len(items) < total)

    async def duplicate(self, actor: Actor, agent_id: int, space_id: int | None = None) -> AgentView:
        """A copy of the draft in the same space, owned by the caller; versions are not copied."""
        require_scope(actor, Scope.BOT_WRITE)
        now = self._clock.now()
        async with self._uow() as uow:
            source = await self._access.agent(actor, agent_id, AgentAction.READ)
            if space_id is not None and space_id != source.space_id:
                raise AgentNotFound()  # the agent is not in that space
            await self._access.space(actor, source.space_id, AgentAction.CREATE)
            copy = source.duplicate(self._ids.next_id(), actor.user_id, now)
            await self._agents.add(copy)
            await uow.commit()
        await self._record(actor, "agent.duplicate", copy.id, {"source_id": str(agent_id)})
        return await self._views.of_draft(copy)

    async def delete(self, actor: Actor, agent_id: int) -> None:
        """Soft delete: the draft disappears and no version of it stays live on any connector."""
        require_scope(actor, Scope.BOT_WRITE)
        now = self._clock.now()
        async with self._uow() as uow:
            draft = await self._access.agent(actor, agent_id, AgentAction.DELETE, for_update=True)
            draft.delete(now)
            await self._agents.save(draft)
            unpublished = await self._versions.unpublish(draft.id)
            await uow.commit()
        await self._record(actor, "agent.delete", agent_id, {"unpublished_versions": unpublished})

    # -- helpers
    async def _check(self, config: AgentConfig, before: AgentConfig | None, space_id: int) -> None:
        """What the domain cannot check alone: the template in the sandbox, the model in the catalogue,
        new plugin tools among the space's published ones. Unchanged parts are not re-checked, so a
        model disabled (or a plugin unpublished) later does not block other edits."""
        await self._check_plugins(config, before, space_id)
        if before is None or config.persona_prompt != before.persona_prompt:
            check_persona(self._persona, config.persona_prompt)
        model_id = config.model.model_id
        if model_id is not None and (before is None or model_id != before.model.model_id):
            found = await self._models.find(model_id)
            if found is None or not found.usable:
                raise UnknownModel(model_id=str(model_id))

    async def _check_plugins(self, config: AgentConfig, before: AgentConfig | None, space_id: int) -> None:
        bound = {(p.plugin_id, p.api_id) for p in config.plugins}
        new = bound - ({(p.plugin_id, p.api_id) for p in before.plugins} if before is not None else set())
        if not new:
            return
        if self._plugins is None:
            raise InvalidAgentConfig(reason="plugins are not available on this server")
        found = await self._plugins.resolve(space_id, [ToolRef(p, t) for p, t in sorted(new)])
        missing = sorted(new - {(t.plugin_id, t.tool_id) for t in found})
        if missing:
            plugin_id, api_id = missing[0]
            raise InvalidAgentConfig(
                reason=f"api {api_id} of plugin {plugin_id} is not a published, activated tool of this space"
            )

    async def _icon(self, actor: Actor, given: Icon | None, file_id: int | None) -> Icon | None:
        """An uploaded file (the caller's own) as the icon, else the uri given, else no change."""
        if file_id is None:
            return given
        files = self._icons.uploads
        found = None if files is None else await files.get(file_id, actor.user_id)
        if found is None:
            raise refuse(f"icon_file_id {file_id} names no file you uploaded")
        if not found.content_type.startswith("image/"):
            raise refuse("icon_file_id must name an image")
        return Icon(found.object_key, found.id, actor.user_id)

    async def _record(self, actor: Actor, action: str, agent_id: int, detail: dict[str, object]) -> None:
        await self._audit.record(
            action, AuditResult.OK, actor, target_type="agent", target_id=agent_id, detail=detail
        )


def _fields(changes: AgentChanges) -> dict[str, object]:
    return {
        name: getattr(changes, name)
        for name in changes.__dataclass_fields__
        if getattr(changes, name) is not None
    }
