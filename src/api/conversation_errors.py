"""API codes of the conversation and chat contexts: Coze's own codes (coze-openapi-wire.md section 2,
docs/adr/0023), and their messages."""

from __future__ import annotations

from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_404_NOT_FOUND,
    HTTP_409_CONFLICT,
    HTTP_503_SERVICE_UNAVAILABLE,
)

from api.errors import ErrorSpec
from domain.common.errors import DomainError
from domain.conversation.errors import (
    AgentNotAvailable,
    AgentNotPublished,
    ChatAlreadyRunning,
    ChatNotAwaitingTools,
    ChatNotCancellable,
    ChatNotFound,
    ChatStreamInterrupted,
    ConversationNotFound,
    InvalidChat,
    InvalidChatRequest,
    InvalidConversation,
    InvalidMessage,
    MessageNotFound,
    MetaDataTooLarge,
    NonStreamNeedsHistory,
    TooManyAdditionalMessages,
)

ERRORS: dict[type[DomainError], ErrorSpec] = {
    ConversationNotFound: ErrorSpec(HTTP_404_NOT_FOUND, 4200),
    MessageNotFound: ErrorSpec(HTTP_404_NOT_FOUND, 4200),
    ChatNotFound: ErrorSpec(HTTP_404_NOT_FOUND, 4200),
    InvalidChat: ErrorSpec(HTTP_400_BAD_REQUEST, 4001),
    InvalidConversation: ErrorSpec(HTTP_400_BAD_REQUEST, 4002),
    MetaDataTooLarge: ErrorSpec(HTTP_400_BAD_REQUEST, 4003),
    TooManyAdditionalMessages: ErrorSpec(HTTP_400_BAD_REQUEST, 4004),
    InvalidMessage: ErrorSpec(HTTP_400_BAD_REQUEST, 4005),
    # Unknown, deleted and out-of-reach agents answer alike, and like any other foreign id: 404.
    AgentNotAvailable: ErrorSpec(HTTP_404_NOT_FOUND, 4006),
    NonStreamNeedsHistory: ErrorSpec(HTTP_400_BAD_REQUEST, 4007),
    AgentNotPublished: ErrorSpec(HTTP_400_BAD_REQUEST, 4015),
    ChatAlreadyRunning: ErrorSpec(HTTP_409_CONFLICT, 4016),
    ChatNotCancellable: ErrorSpec(HTTP_409_CONFLICT, 4104),
    # Coze has no code of its own for tool outputs sent to a chat that is not waiting for them.
    ChatNotAwaitingTools: ErrorSpec(HTTP_409_CONFLICT, 4001),
    # A chat whose event stream broke off (its store unreachable); in `last_error`, not answered.
    ChatStreamInterrupted: ErrorSpec(HTTP_503_SERVICE_UNAVAILABLE, 5038),
    InvalidChatRequest: ErrorSpec(HTTP_400_BAD_REQUEST, 4000),
}

MESSAGES: dict[str, dict[str, str]] = {
    "conversation.not_found": {"en-US": "conversation not found", "zh-CN": "会话不存在"},
    "conversation.message_not_found": {"en-US": "message not found", "zh-CN": "消息不存在"},
    "conversation.chat_not_found": {"en-US": "chat not found", "zh-CN": "对话不存在"},
    "conversation.chat_stream_interrupted": {
        "en-US": "the chat's event stream was interrupted ({service} unreachable)",
        "zh-CN": "对话的事件流中断（{service} 无法访问）",
    },
    "conversation.invalid": {"en-US": "invalid conversation: {reason}", "zh-CN": "会话无效：{reason}"},
    "conversation.invalid_message": {"en-US": "invalid message: {reason}", "zh-CN": "消息无效：{reason}"},
    "conversation.invalid_chat": {"en-US": "invalid chat: {reason}", "zh-CN": "对话请求无效：{reason}"},
    "conversation.meta_data_too_large": {
        "en-US": "invalid meta_data: {reason}",
        "zh-CN": "meta_data 无效：{reason}",
    },
    "conversation.too_many_messages": {
        "en-US": "too many messages: at most {limit}",
        "zh-CN": "消息过多：最多 {limit} 条",
    },
    "conversation.non_stream_needs_history": {
        "en-US": "stream=false requires auto_save_history=true",
        "zh-CN": "非流式对话（stream=false）须设置 auto_save_history=true",
    },
    "conversation.invalid_agent": {
        "en-US": "the bot does not exist or is not available to you",
        "zh-CN": "智能体不存在或无权访问",
    },
    "conversation.agent_not_published": {
        "en-US": "the bot is not published to this channel",
        "zh-CN": "智能体未发布到该渠道",
    },
    "conversation.chat_running": {
        "en-US": "the conversation already has a chat in progress",
        "zh-CN": "该会话中已有正在进行的对话",
    },
    "conversation.chat_not_cancellable": {
        "en-US": "the chat can no longer be cancelled (status {status})",
        "zh-CN": "对话已无法取消（状态 {status}）",
    },
    "conversation.invalid_chat_request": {
        "en-US": "invalid parameters: {reason}",
        "zh-CN": "参数无效：{reason}",
    },
    "conversation.chat_not_awaiting_tools": {
        "en-US": "the chat is not waiting for these tool outputs: {reason}",
        "zh-CN": "对话并未等待这些工具输出：{reason}",
    },
}
