"""Raw request targets against `cozeplus serve` (uvicorn): the bytes an attacker would send, not the
tidied URL an HTTP library makes of them. The route-table test (tests/api/test_path_variants.py)
covers every route; this one checks that a real server hands the app what that test assumes."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import pytest

from tests.support.served import Account, Served

TARGETS = [
    "//api/admin/audit/list",
    "/api//admin/settings",
    "//api//admin//events//dead_letters",
    "/api/./admin/settings",
    "/api/x/../admin/settings",
    "/api/%61dmin/settings",
    "/api%2Fadmin/settings",
    "/api/admin/settings;x=1",
    "/API/admin/settings",
    "//v1/users/me",
]


def raw_get(served: Served, target: str, cookie: str) -> tuple[int, bytes]:
    parts = urlsplit(served.base_url)
    request = (
        f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nOrigin: {served.base_url}\r\n"
        f"Cookie: session_key={cookie}\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    status = int(answer.split(b" ", 2)[1])
    return status, answer.partition(b"\r\n\r\n")[2]


@pytest.mark.parametrize("target", TARGETS)
def test_non_canonical_targets_are_refused_by_the_real_server(
    served: Served, stranger: Account, target: str
) -> None:
    cookie = stranger.web.cookies["session_key"]
    status, body = raw_get(served, target, cookie)
    assert status == 400, (target, status, body[:300])
    assert b'"code":4000' in body
    # The same user, the canonical spelling: the admin route refuses, the token route wants a token.
    if "users/me" in target:
        assert raw_get(served, "/v1/users/me", cookie)[0] == 401
    else:
        assert raw_get(served, "/api/admin/settings", cookie)[0] == 403
