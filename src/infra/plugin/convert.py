"""Other API descriptions into an OpenAPI 3 document (Coze's convert_to_openapi): a curl command, a
Postman collection (v2.0/v2.1) or a Swagger 2.0 document. The result is read back by the OpenAPI
reader, so a conversion that yields something unusable says what, with its JSON pointer.

Swagger 2.0 is validated with openapi-spec-validator before it is converted; curl is split with
shlex and read with argparse (the options a copied browser or Postman command uses)."""

from __future__ import annotations

import argparse
import json
import re
import shlex
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import yaml
from openapi_spec_validator import OpenAPIV2SpecValidator

from domain.plugin.conversion import Conversion, SourceFormat
from domain.plugin.tools import InvalidPluginDocument
from infra.plugin.openapi import MAX_DOCUMENT_CHARS, OpenApiReader, pointer

_NOT_NAME = re.compile(r"[^A-Za-z0-9_-]+")
_METHODS = ("get", "post", "put", "delete", "patch")


class ApiConverter:
    """domain.plugin.conversion.DocumentConverter."""

    def convert(self, text: str, title: str = "", server_url: str = "") -> Conversion:
        return convert(text, title, server_url)


def convert(text: str, title: str = "", server_url: str = "") -> Conversion:
    if len(text) > MAX_DOCUMENT_CHARS:
        raise InvalidPluginDocument("", f"the input is longer than {MAX_DOCUMENT_CHARS:,} characters")
    stripped = text.strip()
    if stripped.startswith("curl ") or stripped.startswith("curl\t"):
        kind, document = SourceFormat.CURL, _from_curl(stripped, title)
    else:
        data = _data(stripped)
        if isinstance(data, dict) and "swagger" in data:
            kind, document = SourceFormat.SWAGGER, _from_swagger(data)
        elif isinstance(data, dict) and isinstance(data.get("info"), dict) and "item" in data:
            kind, document = SourceFormat.POSTMAN, _from_postman(data)
        elif isinstance(data, dict) and "openapi" in data:
            kind, document = SourceFormat.OPENAPI, data
        else:
            raise InvalidPluginDocument(
                "", "not a curl command, Postman collection, Swagger or OpenAPI document"
            )
    if title:
        document.setdefault("info", {})["title"] = title
    if server_url:
        document["servers"] = [{"url": server_url}]
    rendered = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    return Conversion(kind, rendered, OpenApiReader().read(rendered))


def _data(text: str) -> Any:
    if not text:
        raise InvalidPluginDocument("", "the input is empty")
    try:
        return json.loads(text) if text.startswith("{") else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError):
        raise InvalidPluginDocument("", "the input is neither JSON, YAML nor a curl command") from None


def _name(*parts: str) -> str:
    joined = "_".join(p for p in (_NOT_NAME.sub("_", part).strip("_") for part in parts) if p)
    return (joined or "operation")[:64]


def _example_schema(value: Any) -> dict[str, Any]:
    """A JSON Schema for an example value (curl and Postman bodies carry examples, not schemas)."""
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, list):
        return {"type": "array", "items": _example_schema(value[0]) if value else {}}
    if isinstance(value, dict):
        return {"type": "object", "properties": {k: _example_schema(v) for k, v in value.items()}}
    return {"type": "string"}


def _operation(
    name: str,
    description: str,
    query: list[tuple[str, str]],
    headers: Mapping[str, str],
    body: Any,
    form: bool = False,
) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {"name": k, "in": "query", "schema": {"type": "string", "default": v}} for k, v in dict(query).items()
    ]
    skipped = {"content-type", "content-length", "accept", "host", "user-agent", "cookie"}
    parameters += [
        {"name": k, "in": "header", "schema": {"type": "string", "default": v}}
        for k, v in headers.items()
        if k.lower() not in skipped
    ]
    operation: dict[str, Any] = {"operationId": name, "summary": description or name}
    if parameters:
        operation["parameters"] = parameters
    if body is not None:
        schema = _example_schema(body) if isinstance(body, dict) else {"type": "object", "properties": {}}
        kind = "application/x-www-form-urlencoded" if form else "application/json"
        operation["requestBody"] = {"content": {kind: {"schema": schema}}}
    operation["responses"] = {"200": {"description": "the API's answer"}}
    return operation


def _document(title: str, server: str, paths: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.0.1",
        "info": {"title": title or "Converted API", "version": "v1"},
        "servers": [{"url": server}],
        "paths": paths,
    }


class _CurlArguments(argparse.ArgumentParser):
    def error(self, message: str) -> Any:
        raise InvalidPluginDocument("", f"the curl command cannot be read: {message}")


def _from_curl(command: str, title: str) -> dict[str, Any]:
    try:
        words = shlex.split(command.replace("\\\n", " "))
    except ValueError as exc:
        raise InvalidPluginDocument("", f"the curl command cannot be split: {exc}") from None
    parser = _CurlArguments(add_help=False, exit_on_error=False)
    parser.add_argument("url", nargs="?")
    parser.add_argument("--url", dest="url_option")
    parser.add_argument("-X", "--request", dest="method")
    parser.add_argument("-H", "--header", action="append", default=[])
    for flag in ("-d", "--data", "--data-raw", "--data-binary", "--data-ascii", "--json"):
        parser.add_argument(flag, dest="data", action="append")
    parser.add_argument("--data-urlencode", "-F", "--form", dest="form", action="append")
    for flag in (
        "--compressed",
        "-s",
        "--silent",
        "-L",
        "--location",
        "-k",
        "--insecure",
        "-i",
        "-v",
        "-G",
        "--get",
    ):
        parser.add_argument(flag, action="store_true")
    parsed, _unknown = parser.parse_known_args(words[1:])
    url = parsed.url_option or parsed.url
    if not url:
        raise InvalidPluginDocument("", "the curl command names no URL")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidPluginDocument("", "the curl command's URL must be http(s)")
    headers = dict(h.split(":", 1) for h in parsed.header if ":" in h)
    headers = {k.strip(): v.strip() for k, v in headers.items()}
    body: Any = None
    form = False
    if parsed.data:
        raw = "&".join(parsed.data)
        try:
            body = json.loads(raw)
        except ValueError:
            body, form = dict(parse_qsl(raw)), True
    elif parsed.form:
        body, form = dict(f.split("=", 1) for f in parsed.form if "=" in f), True
    method = (parsed.method or ("POST" if body is not None else "GET")).lower()
    if method not in _METHODS:
        raise InvalidPluginDocument("", f"the method {method.upper()} is not supported")
    path = parts.path or "/"
    name = _name(method, path)
    operation = _operation(name, f"{method.upper()} {path}", parse_qsl(parts.query), headers, body, form)
    server = f"{parts.scheme}://{parts.netloc}"
    return _document(title or parts.hostname, server, {path: {method: operation}})


def _postman_items(items: Any, at: tuple[object, ...]) -> Iterator[tuple[dict[str, Any], tuple[object, ...]]]:
    for i, item in enumerate(items if isinstance(items, list) else []):
        if isinstance(item, dict) and isinstance(item.get("item"), list):  # a folder
            yield from _postman_items(item["item"], (*at, i, "item"))
        elif isinstance(item, dict) and isinstance(item.get("request"), dict | str):
            yield item, (*at, i)


def _postman_url(url: Any) -> str:
    if isinstance(url, str):
        return url
    if isinstance(url, dict):
        return str(url.get("raw") or "")
    return ""


def _from_postman(collection: dict[str, Any]) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    server = ""
    for item, at in _postman_items(collection.get("item"), ("item",)):
        request = item["request"]
        if isinstance(request, str):
            request = {"url": request, "method": "GET"}
        url = _postman_url(request.get("url"))
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidPluginDocument(pointer(*at, "request", "url"), "each request needs an http(s) URL")
        here = f"{parts.scheme}://{parts.netloc}"
        if server and here != server:
            raise InvalidPluginDocument(pointer(*at, "request", "url"), f"all requests must go to {server}")
        server = here
        method = str(request.get("method") or "GET").lower()
        if method not in _METHODS:
            raise InvalidPluginDocument(
                pointer(*at, "request", "method"), f"{method.upper()} is not supported"
            )
        headers = {
            str(h.get("key")): str(h.get("value", ""))
            for h in request.get("header") or []
            if isinstance(h, dict) and h.get("key") and not h.get("disabled")
        }
        body: Any = None
        form = False
        given = request.get("body") or {}
        if given.get("mode") == "raw" and given.get("raw"):
            try:
                body = json.loads(given["raw"])
            except ValueError:
                raise InvalidPluginDocument(
                    pointer(*at, "request", "body", "raw"), "the raw body is not JSON"
                ) from None
        elif given.get("mode") in ("urlencoded", "formdata"):
            body = {
                str(f.get("key")): f.get("value", "") for f in given.get(given["mode"]) or [] if f.get("key")
            }
            form = True
        path = parts.path or "/"
        name = _name(str(item.get("name") or ""), method) if item.get("name") else _name(method, path)
        if method in paths.setdefault(path, {}):
            raise InvalidPluginDocument(
                pointer(*at), f"{method.upper()} {path} appears twice in the collection"
            )
        description = str(request.get("description") or item.get("name") or "")
        paths[path][method] = _operation(name, description, parse_qsl(parts.query), headers, body, form)
    if not paths:
        raise InvalidPluginDocument("/item", "the collection has no requests")
    info = collection.get("info") or {}
    return _document(str(info.get("name") or ""), server, paths)


def _from_swagger(swagger: dict[str, Any]) -> dict[str, Any]:
    if swagger.get("swagger") != "2.0":
        raise InvalidPluginDocument("/swagger", "only Swagger 2.0 is converted")
    problem = next(iter(OpenAPIV2SpecValidator(swagger).iter_errors()), None)
    if problem is not None:
        raise InvalidPluginDocument(pointer(*problem.path), problem.message.splitlines()[0][:500])
    text = json.dumps(swagger).replace('"#/definitions/', '"#/components/schemas/')
    text = text.replace('"#/parameters/', '"#/components/parameters/')
    text = text.replace('"#/responses/', '"#/components/responses/')
    source: dict[str, Any] = json.loads(text)
    scheme = (source.get("schemes") or ["https"])[0]
    if not source.get("host"):
        raise InvalidPluginDocument("/host", "the document names no host")
    server = f"{scheme}://{source['host']}{source.get('basePath', '')}".rstrip("/")
    paths: dict[str, Any] = {}
    for path, item in (source.get("paths") or {}).items():
        converted: dict[str, Any] = {}
        shared = [
            _parameter(p) for p in item.get("parameters") or [] if p.get("in") not in ("body", "formData")
        ]
        if shared:
            converted["parameters"] = shared
        for method in _METHODS:
            operation = item.get(method)
            if operation is not None:
                converted[method] = _swagger_operation(operation, item.get("parameters") or [])
        paths[path] = converted
    document = _document(str((source.get("info") or {}).get("title") or ""), server, paths)
    document["info"] = {**document["info"], **(source.get("info") or {})}
    components: dict[str, Any] = {}
    if source.get("definitions"):
        components["schemas"] = source["definitions"]
    if source.get("parameters"):
        components["parameters"] = {
            k: _parameter(v)
            for k, v in source["parameters"].items()
            if v.get("in") not in ("body", "formData")
        }
    if components:
        document["components"] = components
    return document


def _parameter(parameter: Mapping[str, Any]) -> dict[str, Any]:
    if "$ref" in parameter:
        return dict(parameter)
    schema = {
        k: parameter[k]
        for k in ("type", "format", "enum", "items", "default", "minimum", "maximum")
        if k in parameter
    }
    converted = {k: parameter[k] for k in ("name", "in", "description", "required") if k in parameter}
    converted["schema"] = schema or {"type": "string"}
    return converted


def _swagger_operation(operation: Mapping[str, Any], shared: list[Any]) -> dict[str, Any]:
    converted = {k: v for k, v in operation.items() if k in ("operationId", "summary", "description", "tags")}
    parameters = [*shared, *(operation.get("parameters") or [])]
    plain = [
        _parameter(p) for p in operation.get("parameters") or [] if p.get("in") not in ("body", "formData")
    ]
    if plain:
        converted["parameters"] = plain
    body = next((p for p in parameters if p.get("in") == "body"), None)
    form = [p for p in parameters if p.get("in") == "formData"]
    if body is not None:
        converted["requestBody"] = {"content": {"application/json": {"schema": body.get("schema") or {}}}}
    elif form:
        properties = {p["name"]: _parameter(p)["schema"] for p in form}
        required = [p["name"] for p in form if p.get("required")]
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        # Sent as a urlencoded form: file parts (multipart) are not something a model can pass.
        converted["requestBody"] = {"content": {"application/x-www-form-urlencoded": {"schema": schema}}}
    responses: dict[str, Any] = {}
    for code, response in (operation.get("responses") or {"200": {"description": "ok"}}).items():
        out = {"description": response.get("description", "")} if "$ref" not in response else dict(response)
        if response.get("schema"):
            out["content"] = {"application/json": {"schema": response["schema"]}}
        responses[str(code)] = out
    converted["responses"] = responses
    return converted
