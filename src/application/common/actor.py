"""Who is calling: built by the HTTP layer from the authenticated session or token."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.common.access import Scope, ScopeNotGranted


@dataclass(frozen=True, slots=True)
class TokenGrant:
    """What the bearer token used for this call allows (None on session calls)."""

    token_id: int
    scopes: frozenset[Scope] = field(default_factory=frozenset)
    space_id: int | None = None


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: int
    is_superuser: bool = False
    token: TokenGrant | None = None
    ip: str = ""
    user_agent: str = ""
    session_id: int | None = None

    @property
    def bound_space_id(self) -> int | None:
        """The space the call's token is bound to; None for sessions and unbound tokens."""
        return self.token.space_id if self.token is not None else None

    def reaches_space(self, space_id: int | None) -> bool:
        """False when the call's token is bound to another space: that space's resources answer as
        not found, whatever the user may do there with a session (docs/adr/0005, token binding).
        The one place the token-space rule is written; callers ask this or `bound_space_id`."""
        bound = self.bound_space_id
        return bound is None or bound == space_id


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an anonymous call (login, register) came from, for throttling and the audit log."""

    ip: str = ""
    user_agent: str = ""


def require_scope(actor: Actor, scope: Scope) -> None:
    """Token calls need the scope when the token names scopes at all; session calls always pass."""
    if actor.token is not None and actor.token.scopes and scope not in actor.token.scopes:
        raise ScopeNotGranted(scope=scope.value)
