"""The studio web app (web/, docs/adr/0050): its built files and the fallback for client-side routes.

`/assets/<name>` are Vite's content-hashed files: a new build is a new name, so browsers keep them
for a year. `index.html` is asked again every time (no-cache), so a new build is picked up on the next
load. Any other GET the back end does not own (`/agents/7`, `/admin/users`) answers index.html and
the client-side router draws the page; a path under a prefix the back end owns (`/api`, `/v1`, ...)
keeps the JSON 404 envelope whatever the method. Nothing is served when the app is not built: `/`
answers 503 and says how to build it.
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from threading import Lock
from typing import Any

from litestar import HttpMethod, Litestar, Request, Response, get, route
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.routes import HTTPRoute

ASSET_PREFIX = "assets"
# Vite writes flat names such as `index-CTtY6tDI.js`; nothing else is ever looked up (no directory,
# no dot file, so no path is built from what the client sent beyond one checked name).
_ASSET_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,199}$")
# Prefixes that belong to the back end even where it has no route of that name yet.
RESERVED = frozenset({"api", "v1", "v3", "open_api", ASSET_PREFIX})
# The console's pages live under /admin in the same app; the admin API is /api/admin.
SPA_PREFIXES = frozenset({"admin"})

CACHE_FOREVER = "public, max-age=31536000, immutable"
_MEDIA = {".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".map": "application/json"}
# The app loads code and styles from this origin only and talks to this origin only. Inline styles:
# the component library sets CSS variables in style attributes. Images may come from storage links.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob: https: http:; media-src 'self' blob: https: http:; font-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
PAGE_HEADERS = {
    "cache-control": "no-cache",
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}
NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cozeplus: web app not built</title></head>
<body><h1>The studio web app is not built</h1>
<p>This server serves the web app from <code>{dist}</code>, which has no <code>index.html</code>.
Build it with <code>make web</code> (Node.js 20.19 or newer and npm), or point
<code>COZEPLUS_WEB_DIST_DIR</code> at a built copy, then reload this page.</p>
<p>The API answers as usual: <a href="/schema">/schema</a>.</p></body></html>
"""


@dataclass(frozen=True, slots=True)
class _Cached:
    mtime_ns: int
    size: int
    content: bytes


class StudioFiles:
    """The built app in `dist`, read when first asked and again when a rebuild changed a file."""

    def __init__(self, dist: Path) -> None:
        self.dist = dist.resolve()
        self._assets = self.dist / ASSET_PREFIX
        self._cache: dict[Path, _Cached] = {}
        self._lock = Lock()

    def _read(self, path: Path) -> bytes | None:
        try:
            stat = path.stat()
        except OSError:
            return None
        cached = self._cache.get(path)
        if cached is not None and (cached.mtime_ns, cached.size) == (stat.st_mtime_ns, stat.st_size):
            return cached.content
        try:
            content = path.read_bytes()
        except OSError:
            return None
        with self._lock:
            self._cache[path] = _Cached(stat.st_mtime_ns, stat.st_size, content)
        return content

    def index(self) -> bytes | None:
        return self._read(self.dist / "index.html")

    def asset(self, name: str) -> tuple[bytes, str] | None:
        if not _ASSET_NAME.match(name):
            return None
        path = self._assets / name
        if path.parent != self._assets or not path.is_file():  # a symlink out of dist is refused too
            return None
        if not path.resolve().is_relative_to(self.dist):
            return None
        content = self._read(path)
        if content is None:
            return None
        suffix = path.suffix.lower()
        media = _MEDIA.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
        return content, media


Studio = NamedDependency[StudioFiles]


def _page(files: StudioFiles) -> Response[bytes]:
    index = files.index()
    if index is None:
        body = NOT_BUILT.format(dist=files.dist.name if files.dist.name else files.dist).encode()
        return Response(
            body,
            status_code=503,
            media_type="text/html; charset=utf-8",
            headers={"cache-control": "no-store", "retry-after": "30", "x-content-type-options": "nosniff"},
        )
    return Response(index, media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)


@get("/", opt={"public": True}, include_in_schema=False, sync_to_thread=False)
def studio_index(studio: Studio) -> Response[bytes]:
    return _page(studio)


@get(f"/{ASSET_PREFIX}/{{name:str}}", opt={"public": True}, include_in_schema=False, sync_to_thread=False)
def studio_asset(name: FromPath[str], studio: Studio) -> Response[bytes]:
    found = studio.asset(name)
    if found is None:
        raise NotFoundException()
    content, media = found
    return Response(
        content,
        media_type=media,
        headers={"cache-control": CACHE_FOREVER, "x-content-type-options": "nosniff"},
    )


_OWNED_KEY = "studio_owned_prefixes"


def owned_prefixes(app: Litestar) -> frozenset[str]:
    """The first path segments the back end's routes use, besides this module's own."""
    owned = app.state.get(_OWNED_KEY)
    if owned is None:
        segments = {
            r.path_format.split("/")[1]
            for r in app.routes
            if isinstance(r, HTTPRoute) and not r.path_format.startswith("/{")
        }
        owned = frozenset((segments - {""} - SPA_PREFIXES) | RESERVED)
        app.state[_OWNED_KEY] = owned
    return owned


def is_client_route(app: Litestar, path: str) -> bool:
    """Whether `path` is a page of the app: not under a back-end prefix, and not a file name."""
    segments = path.split("/")
    first = segments[1] if len(segments) > 1 else ""
    if first.lower() in owned_prefixes(app):
        return False
    return "." not in segments[-1]  # /favicon.ico, /robots.txt: a missing file is a 404


# Every method, so that an unknown path answers 404 (not 405 because this route exists) whatever the
# method; only a GET of a client-side route gets the page. Writes here never act, hence no CSRF check.
@route(
    "/{path:path}",
    http_method=[HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE],
    opt={"public": True, "csrf": False},
    status_code=200,
    include_in_schema=False,
    sync_to_thread=False,
)
def studio_page(request: Request[Any, Any, Any], path: FromPath[str], studio: Studio) -> Response[bytes]:
    if request.method != HttpMethod.GET or not is_client_route(request.app, path):
        raise NotFoundException()
    return _page(studio)


ROUTES = [studio_index, studio_asset, studio_page]
