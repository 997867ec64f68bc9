"""The API reference page works offline: every script, style and icon it loads is served here."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from litestar.testing import AsyncTestClient

from api import schema_assets
from bootstrap.settings import Settings
from tests.support.apps import client_with_routes
from tests.support.identity import create_user, sign_in

LOADS = re.compile(r"""<(?:script|link)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


@pytest.fixture
async def client(sqlite_settings: Settings) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    async with client_with_routes(sqlite_settings, []) as c:
        yield c


async def test_the_page_loads_nothing_from_another_origin(
    client: AsyncTestClient,  # type: ignore[type-arg]
    sqlite_settings: Settings,
) -> None:
    user = await create_user(sqlite_settings)
    await sign_in(client, user["email"])
    page = await client.get("/schema/swagger")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    loaded = LOADS.findall(page.text)
    assert len(loaded) == 4, loaded  # stylesheet, bundle, preset, icon
    assert "://" not in page.text.split("<body>")[0]  # no absolute URL at all in the head
    for src in loaded:
        assert src.startswith(f"{schema_assets.PREFIX}/"), src  # same origin, our own route
        asset = await client.get(src)
        assert asset.status_code == 200, src
        assert len(asset.content) > 1000, src


@pytest.mark.parametrize(
    ("name", "content_type", "marker"),
    [
        ("swagger-ui-bundle.js", "text/javascript; charset=utf-8", b"SwaggerUIBundle"),
        ("swagger-ui-standalone-preset.js", "text/javascript; charset=utf-8", b"SwaggerUIStandalonePreset"),
        ("swagger-ui.css", "text/css; charset=utf-8", b".swagger-ui"),
        ("favicon-32x32.png", "image/png", b"\x89PNG"),
    ],
)
async def test_assets_are_public_typed_and_cacheable(
    client: AsyncTestClient,  # type: ignore[type-arg]
    name: str,
    content_type: str,
    marker: bytes,
) -> None:
    r = await client.get(schema_assets.url(name))  # no session: a public route
    assert r.status_code == 200
    assert r.headers["content-type"] == content_type
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert marker in r.content
    if name.endswith((".js", ".css")):  # 150 kB to 1.5 MB: they go out compressed
        zipped = await client.get(schema_assets.url(name), headers={"accept-encoding": "gzip"})
        assert zipped.headers["content-encoding"] == "gzip"
        assert zipped.content == r.content


@pytest.mark.parametrize(
    "path",
    [
        f"{schema_assets.PREFIX}/{{release}}/index.html",  # a file of the package, not of the list
        f"{schema_assets.PREFIX}/{{release}}/swagger-editor-bundle.js",
        f"{schema_assets.PREFIX}/{{release}}/LICENSE",
        f"{schema_assets.PREFIX}/0.0.1/swagger-ui.css",  # another release's URL
        f"{schema_assets.PREFIX}/{{release}}/..%2F__init__.py",
        f"{schema_assets.PREFIX}/{{release}}/../core.py",
        f"{schema_assets.PREFIX}/{{release}}/%2e%2e/core.py",
        f"{schema_assets.PREFIX}/swagger-ui.css",
    ],
)
async def test_only_the_listed_files_are_served(client: AsyncTestClient, path: str) -> None:  # type: ignore[type-arg]
    r = await client.get(path.replace("{release}", schema_assets.release()))
    assert r.status_code in (400, 404), r.status_code
    assert r.json()["code"] in (4000, 4200)
    assert b"import" not in r.content


async def test_the_page_itself_still_needs_a_session(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    assert (await client.get("/schema/swagger")).status_code == 401
    assert (await client.get("/schema/openapi.json")).status_code == 401
