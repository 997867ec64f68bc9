"""How a failed chat describes its failure in `last_error`: the same code and words the API would
answer with, so a model error mid-stream reads like the error a call would have raised."""

from __future__ import annotations

from api.errors import spec_for_domain
from api.i18n import message
from domain.common.errors import DomainError
from domain.conversation.values import ChatError

INTERNAL = 5000


def chat_error(exc: BaseException) -> ChatError:
    if isinstance(exc, DomainError):
        return ChatError(spec_for_domain(exc).code, message(exc.message_key, "en-US", exc.params))
    return ChatError(INTERNAL, message("error.internal", "en-US"))
