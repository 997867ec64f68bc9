"""Request fields the token API and the SPA share for conversations and chats: ids a body or query
may leave out (null, "" or absent), and the conversation id a route cannot do without."""

from __future__ import annotations

from api.schemas import OptionalWireId, parse_id
from domain.conversation.errors import InvalidConversation

# A JSON id may come as a string (cozepy) or a number; null and "" mean absent.
IdField = OptionalWireId


def optional_id(value: str | int | None) -> int | None:
    """An id from a query or body field: None for absent, null or "" (cozepy sends None as "")."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_id(value)


def conversation_id_of(value: str | int | None) -> int:
    found = optional_id(value)
    if found is None:
        raise InvalidConversation(reason="conversation_id is required")
    return found
