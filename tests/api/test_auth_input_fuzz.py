"""Every header the server reads before a handler runs is untrusted bytes: session cookie, bearer
token, Origin/Referer and Accept-Language with arbitrary bytes and lengths, sent as raw ASGI scopes
(httpx would normalise or refuse them), never answer a 5xx, and always answer a well-formed envelope.

Routes: a cookie route, a token route and an admin route, each with GET and POST."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import AsyncTestClient

from api.app import CozeplusASGI
from bootstrap.settings import Settings
from tests.support.asgi import raw_request
from tests.support.identity import ORIGIN, create_user, sign_in

ROUTES = [
    ("POST", "/api/playground_api/space/list", b"{}"),  # session cookie
    ("GET", "/api/passport/web/logout/", b""),
    ("GET", "/v1/conversation/retrieve?conversation_id=1", b""),  # bearer token
    ("POST", "/v3/chat", b'{"bot_id": "1", "user_id": "u"}'),
    ("GET", "/api/admin/settings", b""),  # admin console
    ("PUT", "/api/admin/settings/site.title", b'{"value": 1}'),
    ("POST", "/api/admin/events/dead_letters/1/replay", b"{}"),
]
EXAMPLES = 300  # per test; the whole module takes seconds, far under a minute


@dataclass
class Target:
    app: CozeplusASGI
    cookie: bytes  # a valid session cookie value of a super admin
    token: bytes  # a valid personal access token


@pytest.fixture(scope="module")
def fuzz_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    from tests.support.databases import migrated_database

    root = tmp_path_factory.mktemp("fuzz")
    with migrated_database("sqlite", root) as url:
        return Settings(_env_file=None, data_dir=root / "data", database_url=url, access_log=False)  # type: ignore[call-arg]


@pytest.fixture(scope="module")
async def target(fuzz_settings: Settings) -> AsyncIterator[Target]:
    from bootstrap.container import build_container
    from bootstrap.http import build_asgi
    from tests.support.conversation_fakes import fill_missing_contracts

    container = build_container(fuzz_settings)
    fill_missing_contracts(container)
    app = build_asgi(fuzz_settings, container)
    admin = await create_user(fuzz_settings, superuser=True)
    async with AsyncTestClient(app=app) as client:  # type: ignore[arg-type]
        await sign_in(client, admin["email"])
        cookie = client.cookies["session_key"].encode()
        made = await client.post(
            "/api/permission_api/pat/create_personal_access_token_and_permission",
            json={"name": "fuzz", "duration_day": "1"},
        )
        token = made.json()["data"]["token"].encode()
        yield Target(app, cookie, token)


async def call(
    app: CozeplusASGI, method: str, target: str, headers: list[tuple[bytes, bytes]], body: bytes
) -> tuple[int, dict[bytes, bytes], bytes]:
    path, _, query = target.partition("?")
    answer = await raw_request(app, method, path.encode(), headers, body, query.encode())
    return answer.status, answer.headers, answer.body


def assert_well_formed(status: int, headers: dict[bytes, bytes], body: bytes) -> None:
    assert 200 <= status < 500, (status, body[:300])
    assert headers.get(b"x-log-id")
    if headers.get(b"content-type", b"").startswith(b"text/event-stream"):
        return
    envelope = json.loads(body)
    assert isinstance(envelope["code"], int) and isinstance(envelope["msg"], str)
    if status >= 400:
        assert envelope["code"] > 0 and envelope["data"] is None
        assert envelope["detail"]["logid"] == headers[b"x-log-id"].decode()


junk = st.binary(max_size=300)
long_junk = st.builds(
    lambda piece, n: (piece * n)[:100_000], st.binary(min_size=1, max_size=16), st.integers(1, 20_000)
)
header_bytes = st.one_of(
    junk, long_junk, st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass"))
)
routes = st.sampled_from(ROUTES)
fuzz = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples every run: a failure here is reproducible
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@fuzz
@given(route=routes, value=header_bytes, mode=st.sampled_from(["whole", "signature", "secret", "prefix"]))
async def test_session_cookie(target: Target, route: tuple[str, str, bytes], value: bytes, mode: str) -> None:
    secret, _, signature = target.cookie.partition(b".")
    cookie = {
        "whole": value,
        "signature": secret + b"." + value,  # the case: abc.\xe9
        "secret": value + b"." + signature,
        "prefix": target.cookie + value,
    }[mode]
    method, path, body = route
    headers = [(b"cookie", b"session_key=" + cookie), (b"origin", ORIGIN.encode())]
    assert_well_formed(*await call(target.app, method, path, headers, body))


@fuzz
@given(route=routes, value=header_bytes, scheme=st.sampled_from([b"Bearer ", b"bearer  ", b"", b"Basic "]))
async def test_bearer_token(
    target: Target, route: tuple[str, str, bytes], value: bytes, scheme: bytes
) -> None:
    method, path, body = route
    for token in (value, target.token + value, target.token[: len(value) % 40] + value):
        headers = [(b"authorization", scheme + token)]
        assert_well_formed(*await call(target.app, method, path, headers, body))


@fuzz
@given(route=routes, value=header_bytes, header=st.sampled_from([b"origin", b"referer"]))
async def test_origin_and_referer(
    target: Target, route: tuple[str, str, bytes], value: bytes, header: bytes
) -> None:
    method, path, body = route
    headers = [(b"cookie", b"session_key=" + target.cookie), (header, value)]
    assert_well_formed(*await call(target.app, method, path, headers, body))


@fuzz
@given(route=routes, value=header_bytes)
async def test_accept_language(target: Target, route: tuple[str, str, bytes], value: bytes) -> None:
    method, path, body = route
    for auth in ((b"cookie", b"session_key=" + target.cookie), (b"authorization", b"Bearer " + target.token)):
        headers = [auth, (b"origin", ORIGIN.encode()), (b"accept-language", value)]
        assert_well_formed(*await call(target.app, method, path, headers, body))


@pytest.mark.parametrize(
    "cookie",
    [b"abc.\xe9", b"abc.\xc3\xa9", b"\xe9.\xe9", b"abc." + b"\xff" * 40, b"x" * 10_000 + b".\xe9"],
)
async def test_non_ascii_signatures(target: Target, cookie: bytes) -> None:
    """The issue's reproduction, on every kind of route: a refusal (4100), not a 500."""
    for method, path, body in ROUTES:
        headers = [(b"cookie", b"session_key=" + cookie), (b"origin", ORIGIN.encode())]
        status, response_headers, raw = await call(target.app, method, path, headers, body)
        assert_well_formed(status, response_headers, raw)
        if not path.startswith(("/v1", "/v3")):
            assert status == 401 and json.loads(raw)["code"] == 4100


@pytest.mark.parametrize("origin", [b"http://[", b"http://[::1", b"//]x", b"https://a]b"])
async def test_origin_with_unbalanced_ipv6_brackets(target: Target, origin: bytes) -> None:
    """urlsplit raises on these; the CSRF check refuses them (403) instead of failing (500)."""
    headers = [(b"cookie", b"session_key=" + target.cookie), (b"origin", origin)]
    status, response_headers, raw = await call(
        target.app, "POST", "/api/playground_api/space/list", headers, b"{}"
    )
    assert_well_formed(status, response_headers, raw)
    assert status == 403
