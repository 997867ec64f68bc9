"""A token bound to one space reaches that space only; unbound tokens and sessions reach any."""

from __future__ import annotations

from application.common.actor import Actor, TokenGrant


def test_space_binding() -> None:
    session = Actor(user_id=1)
    unbound = Actor(user_id=1, token=TokenGrant(token_id=9))
    bound = Actor(user_id=1, token=TokenGrant(token_id=9, space_id=7))
    assert session.reaches_space(7) and session.reaches_space(8)
    assert unbound.reaches_space(7) and unbound.reaches_space(8)
    assert bound.reaches_space(7)
    assert not bound.reaches_space(8)
    assert not bound.reaches_space(None)  # a resource in no space is outside every binding
