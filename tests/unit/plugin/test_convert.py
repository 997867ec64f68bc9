"""curl commands, Postman collections and Swagger 2.0 documents into OpenAPI 3 (convert_to_openapi),
each result read back by the OpenAPI reader; what cannot be converted says why and where."""

from __future__ import annotations

import json

import pytest
import yaml

from domain.plugin.conversion import SourceFormat
from domain.plugin.tools import InvalidPluginDocument, Location, Method
from infra.plugin.convert import convert


def test_a_copied_curl_command_becomes_one_operation() -> None:
    command = (
        "curl -X POST 'https://api.example.test/v1/orders?dry_run=true' \\\n"
        "  -H 'Content-Type: application/json' -H 'X-Team: blue' \\\n"
        '  --data-raw \'{"item": "tea", "count": 2, "gift": false}\' --compressed'
    )
    done = convert(command)
    assert done.format is SourceFormat.CURL
    (operation,) = done.plugin.operations
    assert (operation.method, operation.path, done.plugin.server_url) == (
        Method.POST,
        "/v1/orders",
        "https://api.example.test",
    )
    assert operation.arguments["properties"]["count"] == {"type": "integer"}
    assert {(a.name, a.location) for a in operation.routing} == {
        ("dry_run", Location.QUERY),
        ("X-Team", Location.HEADER),
        ("item", Location.BODY),
        ("count", Location.BODY),
        ("gift", Location.BODY),
    }
    assert yaml.safe_load(done.yaml)["openapi"] == "3.0.1"
    get = convert("curl https://api.example.test/status", title="Status", server_url="https://other.test/api")
    assert get.plugin.title == "Status" and get.plugin.server_url == "https://other.test/api"
    assert get.plugin.operations[0].method is Method.GET


def test_a_postman_collection_with_folders_becomes_operations() -> None:
    collection = {
        "info": {
            "name": "Shop",
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
        },
        "item": [
            {
                "name": "List items",
                "request": {"method": "GET", "url": {"raw": "https://shop.test/items?page=1"}},
            },
            {
                "name": "Orders",
                "item": [
                    {
                        "name": "Place order",
                        "request": {
                            "method": "POST",
                            "header": [
                                {"key": "X-Key", "value": "k"},
                                {"key": "Old", "value": "x", "disabled": True},
                            ],
                            "body": {"mode": "raw", "raw": '{"item": "tea"}'},
                            "url": "https://shop.test/orders",
                        },
                    }
                ],
            },
        ],
    }
    done = convert(json.dumps(collection))
    assert done.format is SourceFormat.POSTMAN and done.plugin.title == "Shop"
    names = {o.name: o for o in done.plugin.operations}
    assert set(names) == {"List_items_get", "Place_order_post"}
    assert {a.name for a in names["Place_order_post"].routing} == {"X-Key", "item"}


def test_a_swagger_document_is_validated_then_converted_with_its_references() -> None:
    swagger = {
        "swagger": "2.0",
        "info": {"title": "Pets", "version": "1"},
        "host": "pets.test",
        "basePath": "/v2",
        "schemes": ["https"],
        "paths": {
            "/pets/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": True, "type": "integer"}],
                "get": {
                    "operationId": "getPet",
                    "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Pet"}}},
                },
            },
            "/pets": {
                "post": {
                    "operationId": "addPet",
                    "parameters": [{"name": "body", "in": "body", "schema": {"$ref": "#/definitions/Pet"}}],
                    "responses": {"201": {"description": "made"}},
                }
            },
        },
        "definitions": {"Pet": {"type": "object", "properties": {"name": {"type": "string"}}}},
    }
    done = convert(json.dumps(swagger))
    assert done.format is SourceFormat.SWAGGER and done.plugin.server_url == "https://pets.test/v2"
    pets = {o.name: o for o in done.plugin.operations}
    assert pets["getPet"].routing[0].location is Location.PATH
    assert pets["getPet"].responses == {"type": "object", "properties": {"name": {"type": "string"}}}
    assert pets["addPet"].arguments["properties"] == {"name": {"type": "string"}}


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("curl", "not a curl command"),
        ("curl -X POST", "names no URL"),
        ("curl 'ftp://files.test/x'", "http(s)"),
        ("curl -X TRACE https://a.test/x", "TRACE is not supported"),
        ("curl 'https://a.test/x", "cannot be split"),
        ('{"swagger": "2.0", "info": {"title": "x"}}', "is a required property"),
        ('{"info": {"name": "c"}, "item": []}', "no requests"),
        (
            '{"info": {"name": "c"}, "item": [{"request": {"url": "https://a.test/x", "method": "GET"}}, '
            '{"request": {"url": "https://b.test/y", "method": "GET"}}]}',
            "all requests must go to",
        ),
        ("just some words", "not a curl command"),
    ],
)
def test_what_cannot_be_converted_says_why(text: str, says: str) -> None:
    with pytest.raises(InvalidPluginDocument) as refused:
        convert(text)
    assert says in refused.value.detail
