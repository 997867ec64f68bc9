"""The registry's pure parts: version names, Coze's manifest and its auth payloads, parameter trees
to OpenAPI and back, tools keeping their ids across edits."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from domain.plugin.auth import AuthKind, OAuthFlow, TokenLocation
from domain.plugin.drafts import derived_tools, skeleton, with_operation, without_operation
from domain.plugin.entities import DebugStatus, next_version, version_key
from domain.plugin.errors import DuplicateTool, InvalidManifest, InvalidPluginRequest, ToolNotFound
from domain.plugin.manifest import parse_manifest
from domain.plugin.parameters import Parameter, ParamType, operation_object, request_parameters
from domain.plugin.tools import Location, Method
from infra.plugin.openapi import OpenApiReader

NOW = datetime(2026, 12, 7, tzinfo=UTC)


def test_versions_are_named_like_v1_0_0_and_grow_by_their_patch() -> None:
    assert next_version("") == "v1.0.0"
    assert next_version("v1.2.9") == "v1.2.10"
    assert version_key("v1.10.0") > version_key("v1.9.9")
    for bad in ("1.0.0", "v1.0", "v01.0.0", "v1.0.0-beta", "v1.0.0 "):
        with pytest.raises(InvalidPluginRequest):
            version_key(bad)


def _manifest(**auth: object) -> str:
    return json.dumps({"name_for_human": "P", "description_for_human": "d", "auth": auth})


def test_manifest_auth_payloads_in_cozes_names() -> None:
    service = parse_manifest(
        _manifest(
            type="service_http", payload=json.dumps({"key": "k", "service_token": "t", "location": "Query"})
        )
    )
    assert (service.auth.kind, service.auth.location, service.auth.service_token) == (
        AuthKind.SERVICE,
        TokenLocation.QUERY,
        "t",
    )
    assert "payload" not in service.raw["auth"]  # the secret is not kept with the manifest
    code = parse_manifest(
        _manifest(
            type="oauth",
            sub_type="authorization_code",
            payload=json.dumps(
                {
                    "client_id": "c",
                    "client_secret": "s",
                    "client_url": "https://a/consent",
                    "authorization_url": "https://a/token",
                }
            ),
        )
    )
    assert code.auth.flow is OAuthFlow.AUTHORIZATION_CODE
    assert (code.auth.authorization_url, code.auth.token_url) == ("https://a/consent", "https://a/token")


@pytest.mark.parametrize(
    ("text", "pointer"),
    [
        ("[]", ""),
        (json.dumps({"description_for_human": "d"}), "/name_for_human"),
        (_manifest(type="basic"), "/auth/type"),
        (_manifest(type="service_http", payload="{not json"), "/auth/payload"),
        (_manifest(type="service_http", payload=json.dumps({"location": "Header"})), "/auth/payload/key"),
        (_manifest(type="oauth", sub_type="client_credentials", payload="{}"), "/auth/payload/client_id"),
        (_manifest(type="oauth", sub_type="implicit", payload="{}"), "/auth/sub_type"),
    ],
)
def test_a_bad_manifest_names_its_field(text: str, pointer: str) -> None:
    with pytest.raises(InvalidManifest) as refused:
        parse_manifest(text)
    assert refused.value.pointer == pointer


def test_parameter_trees_become_an_operation_the_reader_reads_back() -> None:
    request = [
        Parameter("id", ParamType.INTEGER, Location.PATH, True, "the id"),
        Parameter("X-Trace", location=Location.HEADER),
        Parameter(
            "filter",
            ParamType.OBJECT,
            Location.BODY,
            children=(
                Parameter("tags", ParamType.ARRAY, Location.BODY, children=(Parameter("[Array Item]"),)),
            ),
        ),
    ]
    operation = operation_object(
        "get_thing", "A thing", request, [Parameter("ok", ParamType.BOOL, Location.BODY)]
    )
    document = with_operation(
        skeleton("T", "", "https://t.example.com"), "/things/{id}", Method.POST, operation
    )
    (read,) = OpenApiReader().read(json.dumps(document)).operations
    assert [(a.name, a.location, a.required) for a in read.routing] == [
        ("id", Location.PATH, True),
        ("X-Trace", Location.HEADER, False),
        ("filter", Location.BODY, False),
    ]
    back = {p.name: p for p in request_parameters(read)}
    assert back["id"].type is ParamType.INTEGER and back["id"].description == "the id"
    assert back["filter"].children[0].children[0].type is ParamType.STRING
    with pytest.raises(DuplicateTool):
        with_operation(document, "/things/{id}", Method.POST, operation)
    with pytest.raises(ToolNotFound):
        without_operation(document, "/things/{id}", Method.GET)
    assert without_operation(document, "/things/{id}", Method.POST)["paths"] == {}


def test_tools_keep_ids_by_name_then_by_route_and_lose_debug_state_when_changed() -> None:
    doc = skeleton("T", "", "https://t.example.com")
    for name, path in (("a", "/a"), ("b", "/b")):
        doc = with_operation(doc, path, Method.GET, operation_object(name, name, [], []))
    ops = OpenApiReader().read(json.dumps(doc)).operations
    counter = iter(range(1, 100))
    first = derived_tools([], ops, plugin_id=9, space_id=8, new_id=lambda: next(counter), now=NOW)
    first = [replace(t, debug_status=DebugStatus.PASSED) if t.name == "a" else t for t in first]
    doc = without_operation(doc, "/b", Method.GET)
    doc = with_operation(doc, "/b", Method.GET, operation_object("b_renamed", "b", [], []))
    doc = with_operation(doc, "/c", Method.GET, operation_object("c", "c", [], []))
    ops = OpenApiReader().read(json.dumps(doc)).operations
    again = derived_tools(first, ops, plugin_id=9, space_id=8, new_id=lambda: next(counter), now=NOW)
    ids = {t.name: t.id for t in again}
    assert ids == {"a": 1, "b_renamed": 2, "c": 3}
    assert next(t for t in again if t.name == "a").debug_status is DebugStatus.PASSED  # unchanged
    assert next(t for t in again if t.name == "b_renamed").debug_status is DebugStatus.WAITING
