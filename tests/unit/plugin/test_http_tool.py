"""The HTTP tool runtime against a loopback API this test starts (allowed by the operator's
allow-list, as an intranet API would be): arguments in their places, authorization, answers trimmed
to the declared schema, and every failure a clear error. Other addresses are judged by the guard
alone and never connected to."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

import pytest

from domain.plugin.auth import AuthKind, OAuthClient, OAuthFlow, PluginAuth, ServiceToken, TokenLocation
from domain.plugin.invocation import (
    MASK,
    ToolArgumentsInvalid,
    ToolCallFailed,
    ToolNeedsAuthorization,
    ToolTarget,
)
from domain.plugin.tools import PluginDocument
from infra.outbound.client import GuardedHttpClient
from infra.outbound.policy import AddressPolicy
from infra.plugin.http_tool import HttpToolRunner
from infra.plugin.openapi import OpenApiReader
from infra.security.cipher import AesGcmCipher
from tests.support.fake_llm import serving
from tests.support.oauth_server import CLIENT_ID as OAUTH_CLIENT_ID
from tests.support.oauth_server import CLIENT_SECRET as OAUTH_CLIENT_SECRET
from tests.support.oauth_server import oauth_provider
from tests.support.plugin_upstream import API_KEY, PluginUpstream

ME_DOCUMENT = """
openapi: 3.0.1
info: {title: Me, version: '1'}
servers: [{url: "URL/api"}]
paths:
  /me: {get: {operationId: who_am_i, responses: {'200': {description: ok}}}}
"""
DOCUMENT = """
openapi: 3.0.1
info: {title: Upstream, version: '1'}
servers: [{url: "URL/v1"}]
paths:
  /forecast/{city}:
    get:
      operationId: forecast
      parameters:
        - {name: city, in: path, required: true, schema: {type: string}}
        - {name: days, in: query, schema: {type: integer, maximum: 7}}
        - {name: tags, in: query, schema: {type: array, items: {type: string}}}
        - {name: X-Unit, in: header, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {city: {type: string}, query: {type: array}, unit: {}}}
  /alerts:
    post:
      operationId: alert
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [city]
              properties: {city: {type: string}, level: {type: integer}}
      responses: {'201': {description: made}}
  /form:
    post:
      operationId: form
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema: {type: object, properties: {name: {type: string}, on: {type: boolean}}}
      responses: {'200': {description: ok}}
  /secure: {get: {operationId: secure, responses: {'200': {description: ok}}}}
  /oauth-data: {get: {operationId: oauth_data, responses: {'200': {description: ok}}}}
  /broken: {get: {operationId: broken, responses: {'200': {description: ok}}}}
  /notjson: {get: {operationId: notjson, responses: {'200': {description: ok}}}}
  /huge: {get: {operationId: huge, responses: {'200': {description: ok}}}}
  /slow: {get: {operationId: slow, responses: {'200': {description: ok}}}}
"""
cipher = AesGcmCipher(b"k" * 32)


@pytest.fixture(scope="module")
def upstream() -> Iterator[PluginUpstream]:
    with serving(PluginUpstream()) as server:  # type: ignore[arg-type]
        yield server  # type: ignore[misc]


@pytest.fixture(scope="module")
def plugin(upstream: PluginUpstream) -> PluginDocument:
    return OpenApiReader().read(DOCUMENT.replace("URL", upstream.url))


@pytest.fixture
async def runner(upstream: PluginUpstream) -> AsyncIterator[HttpToolRunner]:
    port = int(upstream.url.rsplit(":", 1)[1])
    client = GuardedHttpClient(AddressPolicy.from_settings(["127.0.0.1/32"], [80, 443, port]))
    yield HttpToolRunner(client, cipher, timeout_s=1.0, max_bytes=1024 * 1024)
    await client.aclose()


def tool(plugin: PluginDocument, name: str, auth: PluginAuth | None = None, url: str = "") -> ToolTarget:
    operation = next(o for o in plugin.operations if o.name == name)
    return ToolTarget(7, 70, operation, url or plugin.server_url, auth or PluginAuth())


async def test_arguments_go_where_the_operation_says_and_the_answer_is_trimmed(
    runner: HttpToolRunner, plugin: PluginDocument, upstream: PluginUpstream
) -> None:
    arguments = {"city": "São Paulo/../admin?x=1", "days": 3, "tags": ["a", "b"], "X-Unit": "c"}
    answer = await runner.call(tool(plugin, "forecast"), arguments)
    assert answer.status == 200
    seen = upstream.seen[-1]
    assert seen.path == "/v1/forecast/São Paulo/../admin?x=1"  # one segment: quoted, decoded by the server
    assert seen.query == [("days", "3"), ("tags", "a"), ("tags", "b")]
    assert seen.headers["x-unit"] == "c"
    assert "internal" not in answer.body  # not in the declared response schema
    assert answer.body["city"] == "São Paulo/../admin?x=1"
    assert answer.text.startswith("{") and answer.request["method"] == "GET"

    made = await runner.call(tool(plugin, "alert"), {"city": "Lyon", "level": 2})
    assert (made.status, made.body) == (201, {"received": {"city": "Lyon", "level": 2}})
    assert upstream.seen[-1].headers["content-type"] == "application/json"
    form = await runner.call(tool(plugin, "form"), {"name": "a b", "on": True})
    assert form.body == {"form": [["name", "a b"], ["on", "true"]]}


@pytest.mark.parametrize(
    ("name", "arguments", "says"),
    [
        ("forecast", {"days": 3}, "'city' is a required property"),
        ("forecast", {"city": "x", "days": "three"}, "days: 'three' is not of type 'integer'"),
        ("forecast", {"city": "x", "days": 30}, "days: 30 is greater than the maximum of 7"),
        ("forecast", {"city": "x", "surprise": 1}, "unknown arguments ['surprise']"),
        ("forecast", {"city": "x", "X-Unit": "c\r\nX-Admin: 1"}, "line breaks"),
        ("alert", ["not", "an", "object"], "JSON object"),
    ],
)
async def test_arguments_that_do_not_fit_are_refused_before_any_request(
    runner: HttpToolRunner,
    plugin: PluginDocument,
    upstream: PluginUpstream,
    name: str,
    arguments: object,
    says: str,
) -> None:
    before = len(upstream.seen)
    with pytest.raises(ToolArgumentsInvalid) as refused:
        await runner.call(tool(plugin, name), arguments)
    assert says in str(refused.value.params["detail"])
    assert len(upstream.seen) == before


async def test_a_service_token_in_a_header_or_the_query_is_sent_and_masked_everywhere(
    runner: HttpToolRunner, plugin: PluginDocument, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sealed = cipher.seal(API_KEY)
    header = PluginAuth(AuthKind.SERVICE, ServiceToken(TokenLocation.HEADER, "X-Api-Key", sealed))
    query = PluginAuth(AuthKind.SERVICE, ServiceToken(TokenLocation.QUERY, "api_key", sealed))
    for auth in (header, query):
        answer = await runner.call(tool(plugin, "secure", auth), {})
        assert (answer.status, answer.body) == (200, {"ok": True})
        assert API_KEY not in str(answer.request) and MASK in str(answer.request)
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("cozeplus"))
    assert API_KEY not in ours and "plugin_tool_call plugin=7 tool=secure status=200" in ours
    wrong = PluginAuth(AuthKind.SERVICE, ServiceToken(TokenLocation.HEADER, "X-Api-Key", cipher.seal("nope")))
    failed = await runner.call(tool(plugin, "secure", wrong), {})
    assert failed.status == 401 and "HTTP 401" in failed.text  # an error result for the model


async def test_client_credentials_fetch_one_token_from_a_real_server_and_reuse_it() -> None:
    with oauth_provider("https://studio.test/cb") as provider:
        port = int(provider.url.rsplit(":", 1)[1])
        client = GuardedHttpClient(AddressPolicy.from_settings(["127.0.0.1/32"], [port]))
        runner = HttpToolRunner(client, cipher, timeout_s=5.0)
        me = OpenApiReader().read(ME_DOCUMENT.replace("URL", provider.url))
        machine = OAuthClient(
            OAuthFlow.CLIENT_CREDENTIALS,
            OAUTH_CLIENT_ID,
            cipher.seal(OAUTH_CLIENT_SECRET),
            f"{provider.url}/token",
            scope="read",
        )
        who_am_i = tool(me, "who_am_i", PluginAuth(AuthKind.OAUTH, oauth=machine))
        for _ in range(2):
            answer = await runner.call(who_am_i, {})
            assert (answer.status, answer.body["scope"]) == (200, "read"), answer
        assert provider.grants_seen == ["client_credentials"]  # one token, reused
        assert answer.request["headers"]["authorization"] == MASK

        wrong = OAuthClient(
            OAuthFlow.CLIENT_CREDENTIALS, OAUTH_CLIENT_ID, cipher.seal("wrong"), machine.token_url
        )
        other = ToolTarget(8, 80, who_am_i.operation, me.server_url, PluginAuth(AuthKind.OAUTH, oauth=wrong))
        with pytest.raises(ToolCallFailed) as refused:
            await runner.call(other, {})
        assert refused.value.params["detail"] == "the token endpoint refused (HTTP 401: invalid_client)"
        await client.aclose()


async def test_a_per_user_plugin_without_the_users_consent_asks_for_it(
    runner: HttpToolRunner, plugin: PluginDocument, upstream: PluginUpstream
) -> None:
    client = OAuthClient(
        OAuthFlow.AUTHORIZATION_CODE, OAUTH_CLIENT_ID, cipher.seal(OAUTH_CLIENT_SECRET), f"{upstream.url}/t"
    )
    before = len(upstream.seen)
    with pytest.raises(ToolNeedsAuthorization):
        await runner.call(tool(plugin, "oauth_data", PluginAuth(AuthKind.OAUTH, oauth=client)), {}, user_id=5)
    assert len(upstream.seen) == before


async def test_misbehaving_apis_become_clear_results_or_errors(
    runner: HttpToolRunner, plugin: PluginDocument
) -> None:
    broken = await runner.call(tool(plugin, "broken"), {})
    assert broken.status == 500 and "upstream exploded" in broken.text and "HTTP 500" in broken.text
    odd = await runner.call(tool(plugin, "notjson"), {})
    assert odd.body == "{not json"  # said JSON, was not: the text
    with pytest.raises(ToolCallFailed) as huge:
        await runner.call(tool(plugin, "huge"), {})
    assert "could not be reached" in str(huge.value.params["detail"])
    with pytest.raises(ToolCallFailed):
        await runner.call(tool(plugin, "slow"), {})


@pytest.mark.parametrize(
    "server",
    [
        "http://169.254.169.254/latest",
        "http://10.0.0.8/v1",
        "http://[::ffff:127.0.0.2]/v1",
        "http://0xa.0.0.1/v1",
    ],
)
async def test_a_server_url_to_a_denied_address_is_refused_by_the_guard(
    runner: HttpToolRunner, plugin: PluginDocument, server: str
) -> None:
    with pytest.raises(ToolCallFailed) as refused:
        await runner.call(tool(plugin, "secure", url=server), {})
    assert "not allowed" in str(refused.value.params["detail"])
