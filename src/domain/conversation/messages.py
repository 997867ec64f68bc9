"""Building the messages of a conversation: the one place a Message is put together.

Every message joins the conversation's current section under a parent (the message tree), carries
the agent and the chat that wrote it, and is stamped with one time. Questions (and other caller
messages) arrive checked; a streaming answer starts empty; a requested tool call becomes a
function_call message; what the client returns for it becomes a tool_output message.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from domain.common.llm import ToolCall
from domain.common.ports import IdGenerator
from domain.conversation.entities import Conversation, Message
from domain.conversation.values import (
    ContentType,
    MessageRole,
    MessageStatus,
    MessageType,
    ToolCallRequest,
    Usage,
)

TOOL_CALL_ID_KEY = "tool_call_id"  # meta_data of a tool_output message: the call it answers
MAX_TOOL_CALL_ID_META = 512  # a meta_data value's limit


def function_call_content(call: ToolCall) -> str:
    """How a requested tool call is stored: readable in message lists, complete for the history."""
    return json.dumps(
        {"id": call.id, "name": call.name, "arguments": dict(call.arguments)}, ensure_ascii=False
    )


class MessageFactory:
    """Messages of one conversation written at one moment (`now`), ids from `ids`."""

    __slots__ = ("_conversation", "_ids", "_now")

    def __init__(self, conversation: Conversation, ids: IdGenerator, now: datetime) -> None:
        self._conversation, self._ids, self._now = conversation, ids, now

    def _message(
        self,
        parent_id: int | None,
        role: MessageRole,
        kind: MessageType,
        content: str,
        *,
        content_type: ContentType = ContentType.TEXT,
        agent_id: int | None,
        chat_id: int | None,
        creator_id: int,
        meta_data: dict[str, str] | None = None,
        status: MessageStatus = MessageStatus.AVAILABLE,
    ) -> Message:
        conversation, now = self._conversation, self._now
        return Message(
            id=self._ids.next_id(),
            conversation_id=conversation.id,
            section_id=conversation.section_id,
            parent_id=parent_id,
            role=role,
            type=kind,
            content=content,
            content_type=content_type,
            agent_id=agent_id,
            chat_id=chat_id,
            creator_id=creator_id,
            meta_data=meta_data if meta_data is not None else {},
            status=status,
            created_at=now,
            updated_at=now,
        )

    def caller_message(
        self,
        parent_id: int | None,
        role: MessageRole,
        kind: MessageType,
        content: str,
        content_type: ContentType,
        meta_data: dict[str, str],
        *,
        creator_id: int,
        agent_id: int | None,
        chat_id: int | None = None,
    ) -> Message:
        """A message the caller sent (already checked): a question, or an answer it supplies."""
        return self._message(
            parent_id,
            role,
            kind,
            content,
            content_type=content_type,
            agent_id=agent_id,
            chat_id=chat_id,
            creator_id=creator_id,
            meta_data=meta_data,
        )

    def appended(
        self,
        role: MessageRole,
        kind: MessageType,
        content: str,
        content_type: ContentType,
        meta_data: Mapping[str, str],
        *,
        creator_id: int,
    ) -> Message:
        """A caller's message appended to the current branch outside a chat (messages.create,
        conversations.create): checked here, and it becomes the conversation's leaf. An assistant
        message is the conversation's agent's."""
        conversation = self._conversation
        message = self._message(
            conversation.leaf_message_id,
            role,
            kind,
            content,
            content_type=content_type,
            agent_id=conversation.agent_id if role is MessageRole.ASSISTANT else None,
            chat_id=None,
            creator_id=creator_id,
            meta_data=dict(meta_data),
        ).check()
        conversation.leaf_message_id = message.id
        return message

    def answer(self, parent_id: int, *, agent_id: int, chat_id: int) -> Message:
        """The agent's answer, empty and streaming until the generation ends. It is written in the
        name of the conversation's creator (whose history it is)."""
        return self._message(
            parent_id,
            MessageRole.ASSISTANT,
            MessageType.ANSWER,
            "",
            agent_id=agent_id,
            chat_id=chat_id,
            creator_id=self._conversation.creator_id,
            status=MessageStatus.STREAMING,
        )

    def tool_output(
        self,
        parent_id: int | None,
        call: ToolCallRequest,
        output: str,
        *,
        agent_id: int,
        chat_id: int,
        creator_id: int,
    ) -> Message:
        """What the client returned for one awaited call; it names the call in its meta_data."""
        return self._message(
            parent_id,
            MessageRole.USER,
            MessageType.TOOL_OUTPUT,
            output,
            agent_id=agent_id,
            chat_id=chat_id,
            creator_id=creator_id,
            meta_data={TOOL_CALL_ID_KEY: call.id[:MAX_TOOL_CALL_ID_META]},
        ).check()

    def tool_outputs(
        self,
        parent_id: int | None,
        calls: tuple[ToolCallRequest, ...],
        outputs: Mapping[str, str],
        *,
        agent_id: int,
        chat_id: int,
        creator_id: int,
    ) -> list[Message]:
        """One tool_output per awaited call, in the order the model asked, chained one under the other."""
        out: list[Message] = []
        for call in calls:
            message = self.tool_output(
                parent_id, call, outputs[call.id], agent_id=agent_id, chat_id=chat_id, creator_id=creator_id
            )
            out.append(message)
            parent_id = message.id
        return out


def function_call_messages(
    answer: Message, calls: list[ToolCall], ids: IdGenerator, now: datetime
) -> list[Message]:
    """The answer so far stays an answer when it has text; each requested call becomes a
    function_call message chained under it (the first one reuses the answer's id when the answer
    has no text). The answer is available from now on."""
    out: list[Message] = []
    parent = answer.id
    if not answer.content:
        answer.type = MessageType.FUNCTION_CALL
        answer.content = function_call_content(calls[0])
        out.append(answer)
        calls = calls[1:]
    answer.status = MessageStatus.AVAILABLE
    for call in calls:
        message = replace(
            answer,
            id=ids.next_id(),
            parent_id=parent,
            type=MessageType.FUNCTION_CALL,
            content=function_call_content(call),
            reasoning_content="",
            usage=Usage(),
            created_at=now,
            updated_at=now,
        )
        out.append(message)
        parent = message.id
    return out


def tool_response_messages(
    after: Message, outputs: Sequence[tuple[str, str]], ids: IdGenerator, now: datetime
) -> list[Message]:
    """What server-run tools answered, as (call id, output) in the order of the calls: one
    tool_response each, chained under `after` (the step's last function_call)."""
    out: list[Message] = []
    parent = after.id
    for call_id, output in outputs:
        message = replace(
            after,
            id=ids.next_id(),
            parent_id=parent,
            role=MessageRole.ASSISTANT,
            type=MessageType.TOOL_RESPONSE,
            content=output,
            content_type=ContentType.TEXT,
            reasoning_content="",
            meta_data={TOOL_CALL_ID_KEY: call_id[:MAX_TOOL_CALL_ID_META]},
            usage=Usage(),
            status=MessageStatus.AVAILABLE,
            created_at=now,
            updated_at=now,
        )
        out.append(message)
        parent = message.id
    return out


def next_answer(after: Message, ids: IdGenerator, now: datetime) -> Message:
    """The answer the model writes after its tools answered: empty and streaming, under `after`."""
    return replace(
        after,
        id=ids.next_id(),
        parent_id=after.id,
        role=MessageRole.ASSISTANT,
        type=MessageType.ANSWER,
        content="",
        content_type=ContentType.TEXT,
        reasoning_content="",
        meta_data={},
        usage=Usage(),
        status=MessageStatus.STREAMING,
        created_at=now,
        updated_at=now,
    )
