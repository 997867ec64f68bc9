"""Token API: chats (cozepy 0.20.0 `coze.chat`): create (streamed or not), retrieve, cancel, the
messages a chat wrote, and tool outputs. Streams relay the chat's run stream, so the generation
goes on when a client drops the connection, and any API process can serve any chat."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import msgspec
from litestar import Response, post, route
from litestar.di import NamedDependency
from litestar.params import JSONBody, KwargDefinition

from api.conversation_fields import IdField, conversation_id_of, optional_id
from api.envelope import Envelope
from api.openapi.conversation_views import META_DATA, MessageBody
from api.schemas import WIRE_ID_SCHEMA, OptionalQueryId, QueryId, WireId, parse_id
from api.security.identity import CurrentActor
from api.sse import event, json_line, relay, sse_response
from application.conversation.chat.commands import NewMessage, StartChat, ToolOutput
from application.conversation.chat.service import ChatService
from application.conversation.chat.starting import ChatHandle
from application.conversation.chat.views import CHAT_FAILED, chat_payload, message_payload
from domain.common.errors import InvalidInput, NotFound
from domain.common.jsonvalue import check_json_value
from domain.common.runstream import RunEvent
from domain.conversation.errors import AgentNotAvailable, ChatNotFound, InvalidChatRequest
from domain.conversation.values import ChatError

Chats = NamedDependency[ChatService]
IGNORED_OBJECTS = ("parameters", "extra_params", "custom_config", "shortcut_command")
DONE = b'event:done\ndata:"[DONE]"\n\n'


# The end user a chat is for: any non-empty text (or a number) the caller uses to tell users apart.
USER_ID = {"oneOf": [{"type": "string", "minLength": 1}, {"type": "integer"}], "description": "end user"}


class ChatRequest(msgspec.Struct, forbid_unknown_fields=True):
    bot_id: Annotated[Any, KwargDefinition(schema_extra=WIRE_ID_SCHEMA)]  # malformed: 4006, as Coze
    user_id: Annotated[Any, KwargDefinition(schema_extra=USER_ID)]
    additional_messages: Annotated[
        list[MessageBody] | None, KwargDefinition(schema_extra={"maxItems": 100})
    ] = None
    stream: bool = False
    custom_variables: dict[Annotated[str, msgspec.Meta(min_length=1, max_length=64)], str] | None = None
    auto_save_history: bool = True
    meta_data: Annotated[Any, KwargDefinition(schema_extra=META_DATA)] = None
    # Accepted as Coze's API documents them; a single agent has no use for them (yet).
    parameters: dict[str, Any] | None = None
    enable_card: bool | None = None
    extra_params: dict[str, Any] | None = None
    custom_config: dict[str, Any] | None = None
    shortcut_command: dict[str, Any] | None = None
    connector_id: IdField = None


class CancelRequest(msgspec.Struct, forbid_unknown_fields=True):
    conversation_id: WireId
    chat_id: WireId


class ToolOutputBody(msgspec.Struct):
    tool_call_id: Any = None
    output: Any = None


class SubmitToolOutputsRequest(msgspec.Struct, forbid_unknown_fields=True):
    tool_outputs: list[ToolOutputBody] | None = None
    stream: bool = False


class ChatResponse(Envelope, kw_only=True):
    data: dict[str, Any]


class ChatMessagesResponse(Envelope, kw_only=True):
    data: list[dict[str, Any]]


def _encode(item: RunEvent) -> bytes:
    return event(item.kind, json_line(item.data))


def _answer(chats: ChatService, handle: ChatHandle, stream: bool) -> Response[Any]:
    if stream:
        return sse_response(relay(chats.events(handle), _encode, DONE, _failed(handle)))
    return Response(ChatResponse(data=chat_payload(handle.chat)))


def _failed(handle: ChatHandle) -> Callable[[int, str], bytes]:
    """cozepy raises on `event: error`: a stream that breaks ends as a failed chat, then `done`."""

    def failed(code: int, text: str) -> bytes:
        chat = chat_payload(handle.chat.failed(ChatError(code, text)))
        return event(CHAT_FAILED, json_line(chat))

    return failed


@post("/v3/chat", status_code=200)
async def create_chat(
    actor: CurrentActor, chats: Chats, data: JSONBody[ChatRequest], conversation_id: OptionalQueryId = None
) -> Response[Any]:
    """Streamed: Coze's chat events, then `done`. Not streamed: the Chat, still in progress."""
    if not isinstance(data.user_id, str | int) or isinstance(data.user_id, bool) or data.user_id == "":
        raise InvalidChatRequest(reason="user_id is required")
    for name in IGNORED_OBJECTS:  # accepted but unused: still within the JSON limits
        check_json_value(getattr(data, name), field=name)
    request = StartChat(
        agent_id=_bot_id(data.bot_id),
        end_user=str(data.user_id),
        messages=[_new_message(m) for m in data.additional_messages or ()],
        conversation_id=optional_id(conversation_id),
        custom_variables=data.custom_variables,
        meta_data=data.meta_data,
        stream=data.stream,
        auto_save_history=data.auto_save_history,
    )
    return _answer(chats, await chats.start(actor, request), data.stream)


def _chat_id(value: str | None) -> int:
    found = optional_id(value)
    if found is None:
        raise ChatNotFound()
    return found


def _bot_id(value: Any) -> int:
    """Coze answers a bot id that names no bot it can run, malformed ones included, with 4006."""
    try:
        found = optional_id(value) if isinstance(value, str | int) and not isinstance(value, bool) else None
    except (InvalidInput, NotFound):
        found = None
    if found is None:
        raise AgentNotAvailable()
    return found


def _new_message(body: MessageBody) -> NewMessage:
    given = body.as_input()
    return NewMessage(given.role, given.content, given.content_type, given.type, given.meta_data)


@route("/v3/chat/retrieve", http_method=["GET", "POST"], status_code=200)
async def retrieve_chat(
    actor: CurrentActor, chats: Chats, conversation_id: QueryId = None, chat_id: QueryId = None
) -> ChatResponse:
    chat = await chats.retrieve(actor, conversation_id_of(conversation_id), _chat_id(chat_id))
    return ChatResponse(data=chat_payload(chat))


@post("/v3/chat/cancel", status_code=200)
async def cancel_chat(actor: CurrentActor, chats: Chats, data: JSONBody[CancelRequest]) -> ChatResponse:
    chat = await chats.cancel(actor, parse_id(data.conversation_id), parse_id(data.chat_id))
    return ChatResponse(data=chat_payload(chat))


@route("/v3/chat/message/list", http_method=["GET", "POST"], status_code=200)
async def list_chat_messages(
    actor: CurrentActor, chats: Chats, conversation_id: QueryId = None, chat_id: QueryId = None
) -> ChatMessagesResponse:
    listed = await chats.messages(actor, conversation_id_of(conversation_id), _chat_id(chat_id))
    return ChatMessagesResponse(data=[message_payload(m) for m in listed])


@post("/v3/chat/submit_tool_outputs", status_code=200)
async def submit_tool_outputs(
    actor: CurrentActor,
    chats: Chats,
    data: JSONBody[SubmitToolOutputsRequest],
    conversation_id: QueryId = None,
    chat_id: QueryId = None,
) -> Response[Any]:
    """Resume a chat waiting in requires_action; streamed, its events continue from there."""
    outputs = [ToolOutput(o.tool_call_id, o.output) for o in data.tool_outputs or ()]
    handle = await chats.submit_tool_outputs(
        actor, conversation_id_of(conversation_id), _chat_id(chat_id), outputs
    )
    return _answer(chats, handle, data.stream)


ROUTES = [create_chat, retrieve_chat, cancel_chat, list_chat_messages, submit_tool_outputs]
