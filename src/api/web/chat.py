"""The SPA's chat on Coze Studio's paths: /api/conversation/chat streams Coze Studio's own events
(`message` with {message, is_finish, index, conversation_id, seq_id}, `done`, `error`) and runs the
agent's draft; break_message stops it; /api/conversation/chat/resume re-attaches to a chat.

Beyond Coze Studio's request: `regen_message_id` names a question (or one of its answers) to answer
again as a new branch; `edit_message_id` names a question to replace by `query` as a new branch
beside it. `seq_id` in every event is the chat's stream offset: resume from the last one seen, on
any API process, and the rest of the answer follows (docs/adr/0025-spa-chat.md).
"""

from __future__ import annotations

import time
from typing import Annotated, Any

import msgspec
from litestar import Response, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, KwargDefinition

from api.conversation_fields import IdField, conversation_id_of, optional_id
from api.envelope import Envelope
from api.schemas import INT64_MAX, WireId, parse_id
from api.security.identity import CurrentActor
from api.sse import event, json_line, relay, sse_response
from application.conversation.chat.commands import NewMessage, StartChat
from application.conversation.chat.service import ChatService
from application.conversation.chat.starting import ChatHandle
from application.conversation.chat.views import (
    AUTHORIZE_PLUGIN,
    CHAT_CANCELED,
    CHAT_COMPLETED,
    CHAT_CREATED,
    CHAT_FAILED,
    CHAT_REQUIRES_ACTION,
    MESSAGE_COMPLETED,
    MESSAGE_DELTA,
)
from application.conversation.conversations import ConversationService
from domain.common.runstream import RunEvent
from domain.conversation.errors import InvalidChatRequest, InvalidMessage
from domain.conversation.values import MAX_MESSAGE_CHARS

Chats = NamedDependency[ChatService]
Conversations = NamedDependency[ConversationService]
SPA_CONTENT_TYPES = {"text": "text", "object_string": "object_string", "mix": "object_string"}
SPA_CONTENT_TYPE = {"oneOf": [{"type": "string", "enum": list(SPA_CONTENT_TYPES)}, {"type": "null"}]}
_STATUS_EVENTS = (CHAT_COMPLETED, CHAT_FAILED, CHAT_CANCELED, CHAT_REQUIRES_ACTION)


class AgentRunRequest(msgspec.Struct, forbid_unknown_fields=True):
    bot_id: WireId
    conversation_id: IdField = None
    query: Annotated[str, msgspec.Meta(max_length=MAX_MESSAGE_CHARS)] = ""
    content_type: Annotated[str | None, KwargDefinition(schema_extra=SPA_CONTENT_TYPE)] = None  # else 4005
    extra: dict[str, str] | None = None
    custom_variables: dict[str, Any] | None = None
    draft_mode: bool | None = None  # the playground always runs the draft
    regen_message_id: IdField = None
    edit_message_id: IdField = None  # cozeplus: resend an edited question as a new branch
    local_message_id: str | None = None
    # Sent by Coze Studio's front end; not used here.
    scene: int | None = None
    stream: bool | None = None
    user: str | None = None
    bot_version: str | None = None
    preset_bot: str | None = None
    chat_history: list[Any] | None = None
    insert_history_message_list: list[Any] | None = None
    device_id: str | None = None
    space_id: IdField = None
    mention_list: list[Any] | None = None
    toolList: list[Any] | None = None  # Coze Studio's spelling
    commit_version: str | None = None
    sub_scene: str | None = None
    diff_mode_identifier: dict[str, Any] | None = None
    shortcut_cmd_id: IdField = None


SEQ = r"^[0-9]{1,18}$"


class ResumeRequest(msgspec.Struct, forbid_unknown_fields=True):
    conversation_id: WireId
    message_id: IdField = None
    chat_id: IdField = None
    seq_id: Annotated[
        Annotated[int, msgspec.Meta(ge=0, le=INT64_MAX)] | Annotated[str, msgspec.Meta(pattern=SEQ)],
        KwargDefinition(
            schema_extra={
                "oneOf": [
                    {"type": "integer", "minimum": 0, "maximum": INT64_MAX},
                    {"type": "string", "pattern": SEQ},
                ]
            }
        ),
    ] = 0  # the last event seen; 0 for the whole chat


class BreakMessageRequest(msgspec.Struct, forbid_unknown_fields=True):
    conversation_id: WireId
    query_message_id: IdField = None
    answer_message_id: IdField = None
    broken_pos: int | None = None
    scene: int | None = None


class SpaEncoder:
    """Run events -> Coze Studio's SSE events for one chat."""

    def __init__(self, handle: ChatHandle, local_message_id: str = "") -> None:
        self.handle = handle
        self.local_message_id = local_message_id
        self.status = ""
        self.usage: dict[str, int] = {}
        self.error: dict[str, Any] | None = None
        self.consents: list[dict[str, Any]] = []  # plugins to authorize when the chat asks for it
        self.index = 0

    def _message(self, seq: int, message: dict[str, Any], is_finish: bool) -> bytes:
        payload = {
            "message": message,
            "is_finish": is_finish,
            "index": self.index,
            "conversation_id": str(self.handle.conversation_id),
            "seq_id": seq,
        }
        return event("message", json_line(payload))

    def _chat_message(self, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "message_id": data["id"],
            "role": data["role"],
            "type": data["type"],
            "content": data["content"],
            "content_type": data["content_type"],
            "reply_id": str(self.handle.question_id or ""),
            "section_id": data["section_id"],
            "status": "",
            "content_time": int(data.get("created_at") or time.time()) * 1000,
            "reasoning_content": data.get("reasoning_content", ""),
            "extra_info": {"local_message_id": self.local_message_id},
        }

    def __call__(self, item: RunEvent) -> bytes | None:
        data = item.data
        if item.kind == CHAT_CREATED:
            ack = {
                "message_id": str(self.handle.question_id or ""),
                "role": "assistant",
                "type": "ack",
                "content": "",
                "content_type": "text",
                "reply_id": str(self.handle.question_id or ""),
                "section_id": str(self.handle.section_id),
                "status": "",
                "content_time": int(data.get("created_at") or 0) * 1000,
                "reasoning_content": "",
                "extra_info": {"local_message_id": self.local_message_id, "chat_id": data["id"]},
            }
            return self._message(item.offset, ack, True)
        if item.kind == MESSAGE_DELTA:
            return self._message(item.offset, self._chat_message(dict(data)), False)
        if item.kind == MESSAGE_COMPLETED:
            chunk = self._message(item.offset, self._chat_message(dict(data)), True)
            self.index += 1
            return chunk
        if item.kind in _STATUS_EVENTS:
            self.status, self.usage = data["status"], dict(data.get("usage") or {})
            asked = (data.get("required_action") or {}).get(AUTHORIZE_PLUGIN) or {}
            self.consents = list(asked.get("plugins") or [])
            if item.kind == CHAT_FAILED:
                error = data.get("last_error") or {}
                return event(
                    "error", json_line({"code": error.get("code", 5000), "msg": error.get("msg", "")})
                )
        return None

    def failed(self, code: int, text: str) -> bytes:
        """The stream broke (the reader could not end it from the database either)."""
        self.status = "failed"
        return event("error", json_line({"code": code, "msg": text}))

    def done(self) -> bytes:
        return event(
            "done",
            json_line(
                {
                    "conversation_id": str(self.handle.conversation_id),
                    "chat_id": str(self.handle.chat_id),
                    "status": self.status,
                    "usage": self.usage,
                    **({"authorize_plugins": self.consents} if self.consents else {}),
                }
            ),
        )


def _stream(chats: ChatService, handle: ChatHandle, local_message_id: str = "") -> Response[Any]:
    encoder = SpaEncoder(handle, local_message_id)

    async def body() -> Any:
        async for chunk in relay(chats.events(handle), encoder, b"", encoder.failed):
            if chunk:
                yield chunk
        yield encoder.done()

    return sse_response(body())


@post("/api/conversation/chat", status_code=200)
async def agent_run(
    actor: CurrentActor, chats: Chats, conversations: Conversations, data: JSONBody[AgentRunRequest]
) -> Response[Any]:
    agent_id = parse_id(data.bot_id)
    conversation_id = optional_id(data.conversation_id)
    if conversation_id is None:
        conversation_id = (await conversations.playground(actor, agent_id)).id
    regenerate = optional_id(data.regen_message_id)
    content_type = SPA_CONTENT_TYPES.get(data.content_type or "text")
    if content_type is None:
        raise InvalidMessage(reason="content_type must be text or object_string")
    messages = [] if regenerate is not None else [NewMessage("user", data.query, content_type)]
    request = StartChat(
        agent_id=agent_id,
        end_user=str(actor.user_id),
        messages=messages,
        conversation_id=conversation_id,
        custom_variables=data.custom_variables,
        meta_data=data.extra,
        draft=True,
        regenerate_id=regenerate,
        edit_id=optional_id(data.edit_message_id),
    )
    handle = await chats.start(actor, request)
    return _stream(chats, handle, data.local_message_id or "")


def _seq(value: int | str) -> int:
    text = str(value).strip()
    if not text.isdigit() or len(text) > 19:
        raise InvalidChatRequest(reason="seq_id must be a non-negative number")
    return int(text)


@post("/api/conversation/chat/resume", status_code=200)
async def resume_chat(actor: CurrentActor, chats: Chats, data: JSONBody[ResumeRequest]) -> Response[Any]:
    """Re-attach to a chat by its id or one of its messages: its events after `seq_id`."""
    chat_id, message_id = optional_id(data.chat_id), optional_id(data.message_id)
    if chat_id is None and message_id is None:
        raise InvalidMessage(reason="give chat_id or message_id")
    handle = await chats.reattach(
        actor,
        conversation_id_of(data.conversation_id),
        chat_id=chat_id,
        message_id=message_id,
        after=_seq(data.seq_id),
    )
    return _stream(chats, handle)


@post("/api/conversation/break_message", status_code=200)
async def break_message(actor: CurrentActor, chats: Chats, data: JSONBody[BreakMessageRequest]) -> Envelope:
    query_id, answer_id = optional_id(data.query_message_id), optional_id(data.answer_message_id)
    if query_id is None and answer_id is None:
        raise InvalidMessage(reason="query_message_id is required")
    await chats.break_message(actor, conversation_id_of(data.conversation_id), query_id, answer_id)
    return Envelope()


ROUTES = [agent_run, resume_chat, break_message]
