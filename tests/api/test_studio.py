"""The studio web app's files: long-cached hashed assets, a no-cache index.html, the fallback for
client-side routes, the back end's own prefixes left to the API, and 503 when nothing is built."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from bootstrap.settings import Settings
from tests.support.conversation_fakes import fill_missing_contracts
from tests.support.databases import migrated_database

INDEX = b'<!doctype html><html><head><script type="module" src="/assets/index-AbC123.js"></script></head>'
SCRIPT = b"console.log('cozeplus');\n" * 200  # above the gzip threshold


def _dist(root: Path) -> Path:
    dist = root / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_bytes(INDEX)
    (dist / "assets" / "index-AbC123.js").write_bytes(SCRIPT)
    (dist / "assets" / "index-AbC123.css").write_bytes(b"body{margin:0}")
    (root / "secret.txt").write_text("not for the web")
    return dist


async def _client(settings: Settings) -> AsyncTestClient:  # type: ignore[type-arg]
    from bootstrap.container import build_container
    from bootstrap.http import build_asgi

    container = build_container(settings)
    fill_missing_contracts(container)
    return AsyncTestClient(app=build_asgi(settings, container))  # type: ignore[arg-type]


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    with migrated_database("sqlite", tmp_path) as url:
        return url


def _settings(tmp_path: Path, url: str, dist: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=tmp_path / "data", database_url=url, access_log=False, web_dist_dir=dist
    )


@pytest.fixture
async def client(tmp_path: Path, database_url: str) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    async with await _client(_settings(tmp_path, database_url, _dist(tmp_path))) as c:
        yield c


async def test_index_is_served_without_caching(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    response = await client.get("/")
    assert response.status_code == 200
    assert response.content == INDEX
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_hashed_assets_are_cached_for_a_year(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    response = await client.get("/assets/index-AbC123.js", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response.content == SCRIPT  # the client decodes the gzip stream
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    css = await client.get("/assets/index-AbC123.css")
    assert css.headers["content-type"].startswith("text/css")
    assert css.headers["cache-control"] == "public, max-age=31536000, immutable"


async def test_a_missing_asset_is_a_404_not_the_page(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    response = await client.get("/assets/index-Gone99.js")
    assert response.status_code == 404
    assert response.json()["code"] == 4200
    assert "immutable" not in response.headers.get("cache-control", "")


@pytest.mark.parametrize(
    "path", ["/agents/123", "/admin/users", "/admin", "/sign-in", "/space/7/agents/9/chat", "/etc/passwd"]
)
async def test_client_side_routes_load_the_app(client: AsyncTestClient, path: str) -> None:  # type: ignore[type-arg]
    response = await client.get(path)
    assert response.status_code == 200, response.text
    assert response.content == INDEX
    assert response.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize(
    "path",
    ["/api/no/such/route", "/api/admin/no-such", "/v1/nothing", "/v3/nothing", "/open_api/x", "/API/x"],
)
@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
async def test_unknown_backend_paths_stay_json_404(
    client: AsyncTestClient,  # type: ignore[type-arg]
    path: str,
    method: str,
) -> None:
    response = await client.request(method, path, json={} if method == "POST" else None)
    # /API/x is a case variant of a prefix: refused before routing (400), as before the studio existed.
    assert response.status_code == (400 if path == "/API/x" else 404), response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["code"] in (4000, 4200)


async def test_backend_routes_win_over_the_fallback(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    assert (await client.get("/healthz")).json()["status"] == "ok"
    account = await client.post("/api/passport/account/info/v2/", json={})
    assert account.status_code == 401
    assert account.json()["code"] == 4100
    # Under a prefix the back end owns the fallback never answers, for any path below it.
    for path in ("/schema/no-such-page", "/healthz/extra", "/objects/nothing", "/metrics/x"):
        response = await client.get(path)
        assert response.status_code in (401, 403, 404), path
        assert response.headers["content-type"].startswith("application/json"), path


async def test_writes_to_page_paths_do_nothing(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    response = await client.post("/agents/123", json={})
    assert response.status_code == 404
    assert response.json()["code"] == 4200


async def test_missing_files_are_404_not_the_page(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    for path in ("/favicon.ico", "/robots.txt", "/agents/app.js"):
        assert (await client.get(path)).status_code == 404, path


@pytest.mark.parametrize(
    "path",
    [
        "/assets/../../pyproject.toml",
        "/assets/..%2F..%2Fsecret.txt",
        "/assets/%2e%2e/secret.txt",
        "/assets/.hidden",
        "/assets/../index.html",
    ],
)
async def test_path_traversal_is_refused(client: AsyncTestClient, path: str) -> None:  # type: ignore[type-arg]
    response = await client.get(path)
    assert response.status_code in (400, 404), (path, response.status_code)
    assert b"not for the web" not in response.content
    assert b"[project]" not in response.content
    assert response.headers["content-type"].startswith("application/json")


async def test_a_symlink_out_of_dist_is_not_served(tmp_path: Path, database_url: str) -> None:
    dist = _dist(tmp_path / "site")
    (dist / "assets" / "leak-1.txt").symlink_to(tmp_path / "site" / "secret.txt")
    async with await _client(_settings(tmp_path, database_url, dist)) as c:
        response = await c.get("/assets/leak-1.txt")
    assert response.status_code == 404
    assert b"not for the web" not in response.content


async def test_missing_dist_answers_503_with_the_way_out(tmp_path: Path, database_url: str) -> None:
    async with await _client(_settings(tmp_path, database_url, tmp_path / "nothing-built")) as c:
        root = await c.get("/")
        page = await c.get("/agents/1")
        api = await c.post("/api/passport/account/info/v2/", json={})
    assert root.status_code == 503
    assert "make web" in root.text
    assert root.headers["content-type"].startswith("text/html")
    assert page.status_code == 503
    assert api.status_code == 401  # the API is unaffected


async def test_a_rebuild_is_picked_up_without_a_restart(tmp_path: Path, database_url: str) -> None:
    dist = _dist(tmp_path)
    async with await _client(_settings(tmp_path, database_url, dist)) as c:
        assert (await c.get("/")).content == INDEX
        (dist / "index.html").write_bytes(b"<!doctype html><p>new build</p>")
        assert (await c.get("/")).content == b"<!doctype html><p>new build</p>"


def test_the_default_dist_is_the_checkouts_web_dist() -> None:
    from bootstrap.containers.studio import _dist

    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert _dist(settings) == Path(__file__).resolve().parents[2] / "web" / "dist"
