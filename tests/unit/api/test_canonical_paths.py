"""The canonical-target rule on its own: what is refused, and what ordinary paths keep working."""

from __future__ import annotations

import pytest

from api.middleware.canonical import non_canonical

PREFIXES = frozenset({"api", "v1", "v3", "objects"})


@pytest.mark.parametrize(
    "target",
    [
        b"/v3/chat",
        b"/api/passport/web/email/login/",  # one trailing slash: Coze Studio's own spelling
        b"/api/admin/settings/site.title",
        b"/api/x/.hidden",  # a dot inside a segment is not a dot segment
        b"/objects/uploads/1/a%20b",  # an escaped space is the canonical way to send one
        b"/objects/%E4%B8%AD",  # so is UTF-8
        b"/",
        b"/static/App.js",  # not a route prefix: case is the router's business
    ],
)
def test_canonical_targets_pass(target: bytes) -> None:
    assert non_canonical(target, PREFIXES) is None


@pytest.mark.parametrize(
    "target",
    [
        b"api/x",
        b"//api/x",
        b"/api//x",
        b"/api/x//",
        b"/api/./x",
        b"/api/x/..",
        b"/api/%2e%2e/x",
        b"/api%2Fadmin",
        b"/api/%61dmin",
        b"/api/%7e",
        b"/api/%25",
        b"/api/%3b",
        b"/api/%5C",
        b"/api/%00",
        b"/api/%zz",
        b"/api/x%",
        b"/api/x;a=1",
        b"/api\\admin",
        b"/api/x\x00",
        b"/API/x",
        b"/Api/x",
        b"/V3/chat",
    ],
)
def test_non_canonical_targets_are_named(target: bytes) -> None:
    assert non_canonical(target, PREFIXES) is not None
