"""OpenAPI documents the plugin tests register."""

from __future__ import annotations

import json

WEATHER_YAML = """
openapi: 3.0.1
info:
  title: Weather
  version: v1
servers:
  - url: https://weather.example.com/api
paths:
  /forecast/{city}:
    get:
      operationId: get_forecast
      summary: The forecast of a city
      parameters:
        - name: city
          in: path
          required: true
          schema: {type: string}
        - name: days
          in: query
          schema: {type: integer, default: 3}
      responses:
        "200":
          description: the forecast
          content:
            application/json:
              schema:
                type: object
                properties:
                  temperature: {type: number}
                  summary: {type: string}
  /alerts:
    post:
      operationId: subscribe_alerts
      summary: Subscribe to weather alerts
      requestBody:
        content:
          application/json:
            schema:
              $ref: "#/components/schemas/Subscription"
      responses:
        "200":
          description: ok
components:
  schemas:
    Subscription:
      type: object
      required: [email]
      properties:
        email: {type: string}
        regions:
          type: array
          items: {type: string}
"""

CLOCK_JSON = json.dumps(
    {
        "openapi": "3.1.0",
        "info": {"title": "Clock", "version": "1"},
        "servers": [{"url": "https://clock.example.com"}],
        "paths": {
            "/now": {
                "get": {
                    "operationId": "now",
                    "description": "The current time",
                    "parameters": [{"name": "tz", "in": "query", "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }
)

DUPLICATE_IDS = """
openapi: 3.0.1
info: {title: Twice, version: v1}
servers: [{url: "https://twice.example.com"}]
paths:
  /a:
    get:
      operationId: same
      responses: {"200": {description: ok}}
  /b:
    get:
      operationId: same
      responses: {"200": {description: ok}}
"""

MORE_TOOLS = """
openapi: 3.0.1
info: {title: More, version: v1}
servers: [{url: "https://more.example.com"}]
paths:
  /alerts:
    post:
      operationId: subscribe_alerts_v2
      summary: Subscribe (replaced)
      responses: {"200": {description: ok}}
  /history/{city}:
    get:
      operationId: get_history
      parameters:
        - {name: city, in: path, required: true, schema: {type: string}}
      responses: {"200": {description: ok}}
"""
