"""Errors of the conversation context; the API registry maps each to one Coze code."""

from __future__ import annotations

from domain.common.errors import Conflict, InvalidInput, NotFound, Unavailable


class ConversationNotFound(NotFound):
    message_key = "conversation.not_found"


class MessageNotFound(NotFound):
    message_key = "conversation.message_not_found"


class ChatNotFound(NotFound):
    message_key = "conversation.chat_not_found"


class InvalidConversation(InvalidInput):
    """Coze 4002: the conversation id does not fit the call (wrong agent, malformed)."""

    message_key = "conversation.invalid"


class InvalidMessage(InvalidInput):
    """Coze 4005: a message is malformed (empty query, bad object_string, wrong role)."""

    message_key = "conversation.invalid_message"


class InvalidChat(InvalidInput):
    """Coze 4001: the chat request cannot run as given."""

    message_key = "conversation.invalid_chat"


class MetaDataTooLarge(InvalidInput):
    """Coze 4003."""

    message_key = "conversation.meta_data_too_large"


class TooManyAdditionalMessages(InvalidInput):
    """Coze 4004."""

    message_key = "conversation.too_many_messages"


class NonStreamNeedsHistory(InvalidInput):
    """Coze 4007: stream=false requires auto_save_history=true (the answer is read back later)."""

    message_key = "conversation.non_stream_needs_history"


class AgentNotAvailable(InvalidInput):
    """Coze 4006: the bot id is unknown, deleted, or not in the caller's reach."""

    message_key = "conversation.invalid_agent"


class AgentNotPublished(InvalidInput):
    """Coze 4015: the agent exists but has no version published to this connector."""

    message_key = "conversation.agent_not_published"


class ChatAlreadyRunning(Conflict):
    """Coze 4016: one running chat per conversation."""

    message_key = "conversation.chat_running"


class ChatNotCancellable(Conflict):
    """Coze 4104: the chat already completed, failed, was canceled, or waits for tool outputs."""

    message_key = "conversation.chat_not_cancellable"


class ChatNotAwaitingTools(Conflict):
    """submit_tool_outputs on a chat that is not in requires_action, or outputs that do not match."""

    message_key = "conversation.chat_not_awaiting_tools"


class ChatStreamInterrupted(Unavailable):
    """A chat's run stream could not be written or read any more (its store is unreachable), so
    the chat was failed: `service` names the store (NATS)."""

    message_key = "conversation.chat_stream_interrupted"


class InvalidChatRequest(InvalidInput):
    """Coze 4000: a chat request field is malformed (user_id, custom_variables, tool_outputs, ...)."""

    message_key = "conversation.invalid_chat_request"
