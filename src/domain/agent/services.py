"""Rules about agents that need more than one entity or a port."""

from __future__ import annotations

from collections.abc import Iterable

from crossdomain.agent import PUBLISHABLE_CONNECTORS, PersonaRenderer
from domain.agent.errors import InvalidConnector, InvalidPersona


def check_persona(renderer: PersonaRenderer, template: str) -> None:
    """The sandbox must accept the template now, so a chat never fails on a saved persona."""
    try:
        renderer.check(template)
    except ValueError as exc:
        raise InvalidPersona(reason=str(exc)[:300]) from None


def checked_connectors(connector_ids: Iterable[int]) -> tuple[int, ...]:
    """Distinct publishable connectors, in the order given; at least one."""
    chosen = tuple(dict.fromkeys(connector_ids))
    if not chosen:
        raise InvalidConnector(connector="(none)", allowed=_allowed())
    for connector in chosen:
        if connector not in PUBLISHABLE_CONNECTORS:
            raise InvalidConnector(connector=str(connector), allowed=_allowed())
    return chosen


def _allowed() -> str:
    return ", ".join(str(c) for c in sorted(PUBLISHABLE_CONNECTORS))
