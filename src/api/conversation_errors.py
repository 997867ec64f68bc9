"""API codes of the conversation and chat contexts: Coze's own codes (coze-openapi-wire.md section 2,
docs/adr/0023); their messages are in api/i18n.py."""

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
