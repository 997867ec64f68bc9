"""The chat use cases behind one name for the HTTP layer: start, follow, steer, resume with tools."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from application.common.actor import Actor
from application.conversation.chat.commands import StartChat, ToolOutput
from application.conversation.chat.control import ChatControl
from application.conversation.chat.follow import RunFollower
from application.conversation.chat.starting import ChatHandle, ChatStarter
from application.conversation.chat.views import ChatRunView
from application.conversation.dto import MessageDTO
from domain.common.runstream import RunEvent
from domain.conversation.entities import ChatRun


class ChatService:
    def __init__(self, starter: ChatStarter, control: ChatControl, follower: RunFollower) -> None:
        self._starter, self._control, self._follower = starter, control, follower

    async def start(self, actor: Actor, request: StartChat) -> ChatHandle:
        return await self._starter.start(actor, request)

    async def submit_tool_outputs(
        self, actor: Actor, conversation_id: int, chat_id: int, outputs: Sequence[ToolOutput]
    ) -> ChatHandle:
        return await self._starter.submit_tool_outputs(actor, conversation_id, chat_id, outputs)

    def events(self, handle: ChatHandle) -> AsyncIterator[RunEvent]:
        """The chat's events after the handle's offset, through the segment's `done`."""
        return self._follower.events(handle.chat_id, handle.after)

    async def retrieve(self, actor: Actor, conversation_id: int, chat_id: int) -> ChatRunView:
        return await self._control.retrieve(actor, conversation_id, chat_id)

    async def cancel(self, actor: Actor, conversation_id: int, chat_id: int) -> ChatRunView:
        return await self._control.cancel(actor, conversation_id, chat_id)

    async def messages(self, actor: Actor, conversation_id: int, chat_id: int) -> list[MessageDTO]:
        return await self._control.messages(actor, conversation_id, chat_id)

    async def break_message(
        self, actor: Actor, conversation_id: int, query_id: int | None, answer_id: int | None
    ) -> ChatRun | None:
        return await self._control.break_message(actor, conversation_id, query_id, answer_id)

    async def reattach(
        self,
        actor: Actor,
        conversation_id: int,
        *,
        chat_id: int | None = None,
        message_id: int | None = None,
        after: int = 0,
    ) -> ChatHandle:
        return await self._control.reattach(
            actor, conversation_id, chat_id=chat_id, message_id=message_id, after=after
        )
