"""A plugin's OpenAPI document in, its tools out — or the JSON pointer of what is wrong."""

from __future__ import annotations

import json

import pytest

from domain.plugin.tools import Argument, InvalidPluginDocument, Location, Method
from infra.plugin.openapi import MAX_DOCUMENT_CHARS, OpenApiReader

WEATHER = """
openapi: 3.0.1
info: {title: Weather, version: v1, description: Forecasts}
servers: [{url: "https://api.example.test/v1/"}]
paths:
  /forecast/{city}:
    parameters:
      - {name: city, in: path, required: true, schema: {type: string}, description: City name}
    get:
      operationId: get_forecast
      summary: The forecast for a city
      parameters:
        - {name: days, in: query, schema: {type: integer, minimum: 1, maximum: 7}}
        - {name: X-Unit, in: header, schema: {$ref: '#/components/schemas/Unit'}}
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Forecast'}}}
  /alerts:
    post:
      operationId: add_alert
      description: Subscribe to alerts
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [city]
              properties:
                city: {type: string}
                level: {$ref: '#/components/schemas/Unit'}
      responses: {'201': {description: made}}
components:
  schemas:
    Unit: {type: string, enum: [c, f]}
    Forecast: {type: object, properties: {temps: {type: array, items: {type: number}}}}
"""
reader = OpenApiReader()


def problem(text: str) -> InvalidPluginDocument:
    with pytest.raises(InvalidPluginDocument) as refused:
        reader.read(text)
    return refused.value


def test_each_operation_becomes_a_tool_with_a_self_contained_argument_schema() -> None:
    plugin = reader.read(WEATHER)
    assert (plugin.title, plugin.description, plugin.server_url) == (
        "Weather",
        "Forecasts",
        "https://api.example.test/v1",
    )
    forecast, alert = plugin.operations
    assert (forecast.name, forecast.method, forecast.path) == ("get_forecast", Method.GET, "/forecast/{city}")
    assert forecast.description == "The forecast for a city"
    assert forecast.arguments == {
        "type": "object",
        "properties": {
            "city": {"type": "string", "description": "City name"},
            "days": {"type": "integer", "minimum": 1, "maximum": 7},
            "X-Unit": {"type": "string", "enum": ["c", "f"]},
        },
        "required": ["city"],
    }
    assert forecast.routing == (
        Argument("city", Location.PATH, True),
        Argument("days", Location.QUERY),
        Argument("X-Unit", Location.HEADER),
    )
    assert forecast.responses == {
        "type": "object",
        "properties": {"temps": {"type": "array", "items": {"type": "number"}}},
    }
    assert alert.description == "Subscribe to alerts"
    assert alert.routing == (Argument("city", Location.BODY, True), Argument("level", Location.BODY))
    assert alert.arguments["properties"]["level"] == {"type": "string", "enum": ["c", "f"]}


def test_json_reads_like_yaml() -> None:
    import yaml

    as_json = json.dumps(yaml.safe_load(WEATHER))
    assert reader.read(as_json).operations == reader.read(WEATHER).operations


@pytest.mark.parametrize(
    ("text", "where", "says"),
    [
        (
            WEATHER.replace("in: query", "in: querry"),
            "/paths/~1forecast~1{city}/get/parameters/0",
            "not valid",
        ),
        (
            WEATHER.replace("operationId: add_alert", "operationId: get_forecast"),
            "/paths/~1alerts/post/operationId",
            "also used by GET /forecast/{city}",
        ),
        (
            WEATHER.replace("/alerts:\n    post:", "/forecast/{town}:\n    get:"),
            "/paths/~1forecast~1{town}/get",
            "same path and method",
        ),
        (
            WEATHER.replace("operationId: add_alert", "operationId: 'add alert!'"),
            "/paths/~1alerts/post/operationId",
            "operationId",
        ),
        (
            WEATHER.replace("'#/components/schemas/Unit'}}", "'https://evil.test/x.json'}}", 1),
            "/paths/~1forecast~1{city}/get/parameters/1/schema/$ref",
            "inside the document",
        ),
        (
            WEATHER.replace(
                "Unit: {type: string, enum: [c, f]}", "Unit: {$ref: '#/components/schemas/Unit'}"
            ),
            "/paths/~1forecast~1{city}/get/parameters/1/schema/$ref",
            "loops",
        ),
        (
            WEATHER.replace("'#/components/schemas/Forecast'", "'#/components/schemas/Nothing'"),
            "/paths/~1forecast~1{city}/get/responses/200/content/application~1json/schema/$ref",
            "points at nothing",
        ),
        (WEATHER.replace('servers: [{url: "https://api.example.test/v1/"}]', ""), "/servers", "server URL"),
        (WEATHER.replace("https://api.example.test/v1/", "file:///etc/passwd"), "/servers/0/url", "http(s)"),
        (
            WEATHER.replace("in: query", "in: cookie"),
            "/paths/~1forecast~1{city}/get/parameters/0/in",
            "cookie",
        ),
        (
            WEATHER.replace(
                "application/json:\n            schema:\n              type: object",
                "application/json:\n            schema:\n              type: array",
            ),
            "/paths/~1alerts/post/requestBody/content/application~1json/schema",
            "object",
        ),
        (
            WEATHER.replace("application/json:\n            schema:", "text/plain:\n            schema:"),
            "/paths/~1alerts/post/requestBody/content",
            "JSON or a form",
        ),
        (
            WEATHER.replace("level: {$ref", "X-Unit: {type: string}\n                level: {$ref")
            .replace("/alerts:", "/alerts/{X-Unit}:")
            .replace(
                "operationId: add_alert",
                "operationId: add_alert\n      parameters:"
                " [{name: X-Unit, in: path, required: true, schema: {type: string}}]",
            ),
            "/paths/~1alerts~1{X-Unit}/post/requestBody/content/application~1json/schema/properties/X-Unit",
            "named twice",
        ),
        (WEATHER.replace("openapi: 3.0.1", "openapi: 2.0.0"), "/openapi", "3.0.x and 3.1.x"),
        ('{"swagger": "2.0", "info": {}}', "/swagger", "converted"),
        ("a: &x [1, 2]\nb: [*x, *x]\n", "", "aliases"),
        (WEATHER + "\ninfo: {title: again, version: '2'}\n", "", "appears twice"),
        ('{"openapi": "3.0.1", "openapi": "3.1.0"}', "", "appears twice"),
        ("openapi: [", "", "not valid YAML"),
        ("{ nope", "", "not valid JSON"),
        ("- a\n- b\n", "", "must be an object"),
        ("   ", "", "empty"),
        (
            "openapi: 3.0.1\ninfo: {title: t, version: '1'}\nservers: [{url: 'https://x.test'}]\npaths: {}\n",
            "/paths",
            "no operations",
        ),
    ],
)
def test_a_broken_document_is_refused_with_the_pointer_of_the_problem(
    text: str, where: str, says: str
) -> None:
    refused = problem(text)
    assert refused.pointer == where, refused
    assert says in refused.detail, refused


def test_an_oversized_document_is_refused_before_it_is_parsed() -> None:
    assert "longer than" in problem("#" * (MAX_DOCUMENT_CHARS + 1)).detail


def test_a_self_referring_schema_is_refused_rather_than_expanded_forever() -> None:
    tree = WEATHER.replace(
        "Forecast: {type: object, properties: {temps: {type: array, items: {type: number}}}}",
        "Forecast: {type: object, properties: {next: {$ref: '#/components/schemas/Forecast'}}}",
    )
    assert "refers to itself" in problem(tree).detail
