"""The API reference page (/schema) served whole from this server, so it works offline (docs/adr/0039).

Swagger UI's dist files come from the `swagger-ui-py` wheel; only its static folder is used (the
package's own framework adapters are never imported). Assets are public: they are the same bytes
for everyone, and a browser fetches them without the session the page itself needs.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path

from litestar import Response, get
from litestar.exceptions import NotFoundException
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.params import FromPath

PACKAGE = "swagger_ui"
DISTRIBUTION = "swagger-ui-py"
PREFIX = "/schema/assets"
# The only files served, by name; a request names one of these or gets a 404 (no path is ever built
# from what the client sent).
FILES = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-standalone-preset.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon-32x32.png": "image/png",
}
# The release is part of the URL, so a new wheel is a new URL and browsers may keep a file for good.
CACHE_FOREVER = {"cache-control": "public, max-age=31536000, immutable", "x-content-type-options": "nosniff"}


@dataclass(frozen=True, slots=True)
class Asset:
    content: bytes
    media_type: str


@cache
def release() -> str:
    return version(DISTRIBUTION)


@cache
def assets() -> dict[str, Asset]:
    """The files, read once; a missing or incomplete package fails the app's start, not the page."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the {DISTRIBUTION} package is not installed")
    static = Path(next(iter(spec.submodule_search_locations))) / "static"
    return {name: Asset((static / name).read_bytes(), media) for name, media in FILES.items()}


def url(name: str) -> str:
    return f"{PREFIX}/{release()}/{name}"


def render_plugin() -> SwaggerRenderPlugin:
    """Swagger UI pointed at the files above; nothing in the page comes from another origin."""
    assets()
    return SwaggerRenderPlugin(
        js_url=url("swagger-ui-bundle.js"),
        css_url=url("swagger-ui.css"),
        standalone_preset_js_url=url("swagger-ui-standalone-preset.js"),
        favicon=f"<link rel='icon' type='image/png' href='{url('favicon-32x32.png')}'>",
    )


@get(
    f"{PREFIX}/{{release_tag:str}}/{{name:str}}",
    opt={"public": True},
    include_in_schema=False,
    sync_to_thread=False,
)
def schema_asset(release_tag: FromPath[str], name: FromPath[str]) -> Response[bytes]:
    asset = assets().get(name)
    if asset is None or release_tag != release():  # another release's URL must not be cached as this one
        raise NotFoundException()
    return Response(asset.content, media_type=asset.media_type, headers=CACHE_FOREVER)


ROUTES = [schema_asset]
