"""Security properties checked over the app's whole route table, so new routes are covered too.

- Every route that takes a resource id refuses another space's (or user's) resource with 404;
  admin routes refuse non-admins with 403. A route whose id fields this test cannot fill fails
  the test until a filler is added below: new routes cannot slip through unchecked.
- Auth cannot be bypassed with path variants; routes are deny-by-default and the public ones are
  a snapshot.
- No error response carries a stack trace, SQL or a file path.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, get_args

import msgspec
import pytest
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.testing import AsyncTestClient

from bootstrap.settings import Settings
from tests.support.apps import client_with_routes
from tests.support.identity import ORIGIN, create_user, sign_in

SNAPSHOT = Path(__file__).with_name("public_routes.txt")
ID_NAME = re.compile(r"(^id$|_id$)")
# Lists of ids probed with one foreign id (the knowledge routes take ids in lists).
ID_LIST = re.compile(r"^(dataset|document|slice|review|api|plugin)_ids$")
LEAKS = (
    "Traceback",
    'File "',
    "/work/",
    "site-packages",
    "SELECT ",
    "INSERT ",
    "sqlalchemy",
    ".py",
    "Error(",
)
# Values for the non-id fields routes require; a new required field needs an entry here.
FILLERS: dict[str, Any] = {
    "name": "probe",
    "role": "member",
    "duration_day": "1",
    "password": "probe pass 123",
    "status": "active",
    "value": 1,
    "key": "site.title",
    "email": "probe@example.com",
    "old_password": "probe pass 1",
    "new_password": "probe pass 2",
    "department_ids": [],
    "departments": [{"department_id": "1"}],
    # permission console (roles and grants): a role id list and the account-status flag
    "role_ids": ["1"],
    "role_code": "probe_role",
    "role_name": "probe",
    "is_disabled": 1,
    # agents: the SPA's publish names its connectors as keys
    "connectors": {"1024": {}},
    # a workspace's members (token API): who to add or remove
    "users": [{"user_id": "1"}],
    "user_ids": ["1"],
    # knowledge: a document to add, a slice's text, a query, a caption, a chunking strategy
    "document_bases": [{"name": "probe.txt", "source_info": {"custom_content": "probe"}}],
    "document_base": {"name": "probe.txt", "source_info": {"custom_content": "probe"}},
    "raw_text": "probe",
    "query": "probe",
    "caption": "probe",
    "chunk_strategy": {"chunk_type": 0},
    # plugins: a manifest and an OpenAPI document (the foreign space or plugin is refused first)
    "ai_plugin": "{}",
    "openapi": "openapi: 3.0.1",
    "data": "curl https://api.example.com/probe",  # convert_to_openapi's input
    "api_name": "probe",  # a tool of the (foreign) plugin, by name
}
# Other values for a filler whose first value does not fit a field's type (the same name, another shape).
ALTERNATIVES: dict[str, list[Any]] = {
    "department_ids": [[{"department_id": "1"}]]
}  # an employee's placements
# Routes for super admins outside /api/admin: a non-admin is refused (403) before any lookup. The
# organisation tree is global (no space owns it), so managing it is for super admins (docs/adr/0015);
# so is the permission console.
ADMIN_ONLY = ("/api/admin/", "/api/v1/corporation/", "/api/permission_api/role/", "/api/permission_api/user/")


def handlers(app: Litestar) -> list[tuple[str, str, HTTPRouteHandler]]:
    found = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if (isinstance(handler, HTTPRouteHandler) and handler.include_in_schema is not False) or (
                isinstance(handler, HTTPRouteHandler) and handler.opt.get("public")
            ):
                for method in sorted(handler.http_methods):
                    if method not in ("HEAD", "OPTIONS"):
                        found.append((method, route.path, handler))
    return sorted(found, key=lambda f: (f[1], f[0]))


def body_type(handler: HTTPRouteHandler) -> type[msgspec.Struct] | None:
    field = handler.parsed_fn_signature.parameters.get("data")
    if field is None:
        return None
    for candidate in (field.annotation, *get_args(field.annotation)):
        if isinstance(candidate, type) and issubclass(candidate, msgspec.Struct):
            return candidate
    return None


def id_fields(path: str, handler: HTTPRouteHandler) -> dict[str, str]:
    """Every id the route takes, by where it goes: path, query or body."""
    ids = {name: "path" for name in re.findall(r"{(\w+)(?::\w+)?}", path) if ID_NAME.search(name)}
    for name, field in handler.parsed_fn_signature.parameters.items():
        alias = getattr(field.kwarg_definition, "name", None) or name
        # Dependencies never carry id-like names, so an id-like parameter outside the path is a query one.
        if name != "data" and ID_NAME.search(alias) and alias not in ids and f"{{{name}" not in path:
            ids[alias] = "query"
    struct = body_type(handler)
    if struct is not None:
        ids.update({f: "body" for f in struct.__struct_fields__ if ID_NAME.search(f)})
        ids.update({f: "body" for f in struct.__struct_fields__ if ID_LIST.search(f)})
    return ids


class World:
    """Two users in separate spaces; `owner` holds the resources, `intruder` probes them."""

    owner_space: str
    owner_token_id: str
    owner_id: str
    owner_bot: str
    owner_file_id: str
    owner_conversation: str
    owner_message: str
    owner_invitation: str
    owner_dataset: str
    owner_document: str
    owner_slice: str
    owner_review: str
    owner_plugin: str
    owner_tool: str
    intruder: AsyncTestClient  # type: ignore[type-arg]
    intruder_token: str


@pytest.fixture
async def world(sqlite_settings: Settings) -> AsyncIterator[World]:
    owner = await create_user(sqlite_settings)
    intruder = await create_user(sqlite_settings)
    invitee = await create_user(sqlite_settings)
    async with client_with_routes(sqlite_settings, []) as c:
        w = World()
        w.owner_id = str(owner["id"])
        await sign_in(c, owner["email"])
        w.owner_space = (await c.post("/api/playground_api/space/save", json={"name": "Owned"})).json()[
            "data"
        ]["id"]
        made = await c.post(
            "/api/permission_api/pat/create_personal_access_token_and_permission",
            json={"name": "owned", "duration_day": "1"},
        )
        w.owner_token_id = made.json()["data"]["personal_access_token"]["id"]
        owner_bearer = {"authorization": f"Bearer {made.json()['data']['token']}"}
        made = await c.post("/api/draftbot/create", json={"space_id": w.owner_space, "name": "Owned"})
        w.owner_bot = made.json()["data"]["bot_id"]
        published = await c.post(
            "/api/draftbot/publish", json={"bot_id": w.owner_bot, "connectors": {"1024": {}}}
        )
        assert published.json()["code"] == 0, published.text
        uploaded = await c.post("/api/bot/upload_file", files={"file": ("owned.txt", b"owned notes")})
        w.owner_file_id = uploaded.json()["data"]["upload_uri"]
        conversation = await c.post(
            "/v1/conversation/create",
            headers=owner_bearer,
            json={"messages": [{"role": "user", "content": "mine", "content_type": "text"}]},
        )
        w.owner_conversation = conversation.json()["data"]["id"]
        listed = await c.post(
            "/v1/conversation/message/list",
            headers=owner_bearer,
            params={"conversation_id": w.owner_conversation},
            json={},
        )
        w.owner_message = listed.json()["data"][0]["id"]
        invited = await c.post(
            "/api/space/invitation/create", json={"space_id": w.owner_space, "email": invitee["email"]}
        )
        w.owner_invitation = invited.json()["data"]["invitation_id"]
        await _owned_knowledge(c, w)
        await _owned_plugin(c, w)
        await sign_in(c, intruder["email"])
        made = await c.post(
            "/api/permission_api/pat/create_personal_access_token_and_permission",
            json={"name": "intruder", "duration_day": "1"},
        )
        w.intruder_token = made.json()["data"]["token"]
        w.intruder = c
        yield w


async def _owned_knowledge(c: AsyncTestClient, w: World) -> None:  # type: ignore[type-arg]
    """A knowledge base with one indexed document (its slice exists once the job is done)."""
    made = await c.post("/api/knowledge/create", json={"space_id": w.owner_space, "name": "Owned"})
    w.owner_dataset = made.json()["data"]["dataset_id"]
    added = await c.post(
        "/api/knowledge/document/create",
        json={
            "dataset_id": w.owner_dataset,
            "document_bases": [{"name": "owned.txt", "source_info": {"custom_content": "owned text"}}],
        },
    )
    w.owner_document = added.json()["data"]["document_infos"][0]["document_id"]
    reviewed = await c.post(
        "/api/knowledge/review/create",
        json={
            "dataset_id": w.owner_dataset,
            "document_base": {"name": "draft.txt", "source_info": {"custom_content": "draft text"}},
        },
    )
    w.owner_review = reviewed.json()["data"]["reviews"][0]["review_id"]
    for _ in range(600):
        slices = (await c.post("/api/knowledge/slice/list", json={"document_id": w.owner_document})).json()
        if slices["data"]["slices"]:
            w.owner_slice = slices["data"]["slices"][0]["slice_id"]
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the owner's document was never indexed")


async def _owned_plugin(c: AsyncTestClient, w: World) -> None:  # type: ignore[type-arg]
    """A plugin with one tool, registered from a document."""
    document = (
        '{"openapi": "3.0.1", "info": {"title": "Owned", "version": "1"}, "servers": [{"url": '
        '"https://owned.example.com"}], "paths": {"/x": {"get": {"operationId": "owned", '
        '"responses": {"200": {"description": "ok"}}}}}}'
    )
    manifest = '{"name_for_human": "Owned", "description_for_human": "owned"}'
    made = await c.post(
        "/api/plugin_api/register",
        json={"space_id": w.owner_space, "ai_plugin": manifest, "openapi": document},
    )
    assert made.json()["code"] == 0, made.text
    w.owner_plugin = made.json()["data"]["plugin_id"]
    apis = await c.post("/api/plugin_api/get_plugin_apis", json={"plugin_id": w.owner_plugin})
    w.owner_tool = apis.json()["api_info"][0]["api_id"]


def foreign_id(w: World, path: str, name: str) -> Any:
    if ID_LIST.search(name):
        return [foreign_id(w, path, name[:-1])]
    if name == "dataset_id":
        return w.owner_dataset
    if name == "document_id":
        return w.owner_document
    if name == "slice_id":
        return w.owner_slice
    if name == "review_id":
        return w.owner_review
    if name == "plugin_id":
        return w.owner_plugin
    if name == "api_id":
        return w.owner_tool
    if name == "dev_id":
        return "1"  # Coze Studio's plugin routes send the caller's id; the session decides
    if name == "client_id":
        return "1"  # an OAuth client's id at the plugin's provider (ignored beside the manifest)
    if name == "channel_id":
        return 0  # Coze's store channel filter (ignored): the space beside it is the foreign one
    if name in ("plugin_referrer_id", "workflow_id"):
        return "1"  # Coze Studio's bot default params send them; the bot and plugin decide
    if name == "embedding_model_id":
        return "1"  # the foreign space or dataset beside it is refused before the model is looked at
    if name == "source_file_id":
        return w.owner_file_id
    if name == "space_id":
        return w.owner_space
    if name in ("id", "token_id") and "/pat/" in path:
        return w.owner_token_id
    if name == "user_id":
        return w.owner_id
    if name == "bot_id":
        return w.owner_bot
    if name == "workspace_id":
        return w.owner_space
    if name == "invitation_id":
        return w.owner_invitation  # the invitee's and the space admins' only
    if name == "connector_id":
        return "1024"  # a publish channel, not a resource: the bot it names is the foreign one
    if name == "cursor_id":
        return "0"  # a paging cursor (an offset), not a resource
    if name == "icon_file_id":
        return "1"  # the space (or bot) beside it is foreign, refused before the file is looked at
    if name == "file_id":
        return w.owner_file_id  # files belong to their uploader: another user's is 404
    if name == "conversation_id":
        return w.owner_conversation
    if name in ("message_id", "before_id", "after_id"):
        return w.owner_message
    if name in ("query_message_id", "answer_message_id", "regen_message_id", "edit_message_id"):
        return w.owner_message  # chat routes: the owner's conversation is refused before the message
    if name == "seq_id":
        return "0"  # an offset in a chat's event stream, not a resource
    if name in ("local_message_id", "device_id", "shortcut_cmd_id"):
        return "1"  # the SPA's own markers, echoed or ignored: not resources
    if name == "chat_id":
        return "1"  # a filter inside a conversation: the foreign conversation id is refused first
    if name in ("biz_id", "project_id"):
        return "1"  # Coze Studio's knowledge fields, accepted and ignored here
    if name == "organization_id":
        return "1"  # accepted from Coze front ends and ignored: tokens bind to spaces instead
    if path.startswith(ADMIN_ONLY):
        return "1"  # admin routes are refused before any lookup
    if path.startswith("/api/v1/organization/") and name == "corp_id":
        return "1"  # readable by everyone signed in; there is no foreign corporation, an unknown one is 404
    raise AssertionError(f"{path}: no foreign resource for id field {name!r}; add one to foreign_id()")


def _fits(struct: type[msgspec.Struct], body: dict[str, Any]) -> bool:
    try:
        msgspec.convert(body, struct)
    except msgspec.ValidationError:
        return False
    return True


def _fits_type(annotation: Any, value: Any) -> bool:
    try:
        msgspec.convert(value, annotation)
    except msgspec.ValidationError:
        return False
    return True


def fill_body(handler: HTTPRouteHandler, ids: dict[str, str]) -> dict[str, Any] | None:
    struct = body_type(handler)
    if struct is None:
        return None
    body: dict[str, Any] = {}
    required = struct.__struct_fields__[
        : len(struct.__struct_fields__) - len(struct.__struct_defaults__ or ())
    ]
    types = {f.name: f.type for f in msgspec.structs.fields(struct)}
    for name in struct.__struct_fields__:
        if name in ids:
            body[name] = ids[name]
        elif name in required and name in FILLERS:
            fitting = [v for v in [FILLERS[name], *ALTERNATIVES.get(name, [])] if _fits_type(types[name], v)]
            body[name] = (fitting or [FILLERS[name]])[0]
        elif name in FILLERS and _fits(struct, {**body, name: FILLERS[name]}):
            # An optional field gets its filler only when the type fits: the same name may have another
            # type elsewhere (e.g. the employee list's numeric `status`).
            body[name] = FILLERS[name]
        else:
            assert name not in required, f"{struct.__name__}.{name}: add a value to FILLERS"
    return body


async def test_foreign_resource_ids_are_not_found(world: World) -> None:
    app: Litestar = world.intruder.cozeplus_app.litestar  # type: ignore[attr-defined]
    probed = 0
    for method, path, handler in handlers(app):
        fields = id_fields(path, handler)
        if not fields or handler.opt.get("public"):
            continue
        values = {name: foreign_id(world, path, name) for name in fields}
        url = path
        for name, kind in fields.items():
            if kind == "path":
                url = re.sub(r"{%s(?::\w+)?}" % name, values[name], url)  # noqa: UP031
        url = re.sub(r"{(\w+)(?::\w+)?}", lambda m: str(FILLERS.get(m.group(1), "x")), url)
        query = {n: v for n, v in values.items() if fields[n] == "query"}
        body = fill_body(handler, {n: v for n, v in values.items() if fields[n] == "body"})
        headers = {"origin": ORIGIN}
        if path.startswith(("/v1/", "/v3/", "/open_api/")):
            headers["authorization"] = f"Bearer {world.intruder_token}"
        r = await world.intruder.request(method, url, params=query, json=body, headers=headers)
        expected = 403 if path.startswith(ADMIN_ONLY) else 404
        assert r.status_code == expected, (
            f"{method} {path} with a foreign id answered {r.status_code}: {r.text}"
        )
        probed += 1
    assert probed >= 8  # the probes really ran over the id-taking routes


def variants(path: str) -> list[str]:
    concrete = re.sub(r"{\w+:int}", "1", path)
    concrete = re.sub(r"{\w+(?::\w+)?}", "site.title", concrete)
    head, _, tail = concrete.rpartition("/")
    return [
        concrete,
        concrete.upper(),
        concrete + "/",
        "/" + concrete,
        concrete.replace("/", "//", 2),
        f"{head}/%2e/{tail}",
        f"{head}/./{tail}",
        concrete + ";x=1",
        concrete.replace("/", "%2F", 2),
        concrete.replace("/", "%2f", 2),
        f"{head}/{tail}%00",
    ]


async def test_no_path_variant_reaches_a_protected_route_without_credentials(
    sqlite_settings: Settings,
) -> None:
    async with client_with_routes(sqlite_settings, []) as c:
        app: Litestar = c.cozeplus_app.litestar  # type: ignore[attr-defined]
        # The studio app's page, which any client-side path answers (or 503 when it is not built).
        page = await c.get("/a/client/side/route")
        for method, path, handler in handlers(app):
            if handler.opt.get("public"):
                continue
            for variant in variants(path):
                r = await c.request(
                    method,
                    variant,
                    json={} if method in ("POST", "PUT", "PATCH") else None,
                    headers={"origin": ORIGIN},
                )
                if method == "GET" and variant.startswith("//") and r.content == page.content:
                    # The client reads `//api/x/y` as host `api`, path `/x/y`: the request asked for
                    # the page of a client-side route, and got that page, not the route's data.
                    assert r.headers["content-type"].startswith("text/html"), variant
                    continue
                assert r.status_code in (400, 401, 403, 404, 405, 415), (
                    f"{method} {variant} -> {r.status_code}"
                )
                assert r.status_code < 500
                assert not any(leak in r.text for leak in LEAKS), f"{method} {variant} leaked: {r.text[:300]}"


async def test_public_routes_are_exactly_the_snapshot(sqlite_settings: Settings) -> None:
    async with client_with_routes(sqlite_settings, []) as c:
        app: Litestar = c.cozeplus_app.litestar  # type: ignore[attr-defined]
        public = sorted(
            {
                f"{m} {p}"
                for route in app.routes
                for h in getattr(route, "route_handlers", [])
                if isinstance(h, HTTPRouteHandler) and h.opt.get("public")
                for m in h.http_methods
                if m not in ("HEAD", "OPTIONS")
                for p in [route.path]
            }
        )
    assert public == SNAPSHOT.read_text().split("\n")[:-1], (
        "the set of routes reachable without credentials changed: review it, then update "
        f"{SNAPSHOT.name}:\n" + "\n".join(public)
    )


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/passport/web/email/login/", b'{"email": 1}'),
        ("PUT", "/api/admin/settings/x", b"\xff"),
        ("GET", "/api/admin/settings/revisions/99999999999999999999", None),
        ("POST", "/v3/chat", b"{}"),
        # Encoded dots: an HTTP client folds a literal `/api/../..` into `/etc/passwd` before sending,
        # which is a client-side route of the studio app (its page), not a traversal.
        ("GET", "/api/%2e%2e/%2e%2e/etc/passwd", None),
        ("POST", "/api/passport/web/email/register/v2/", b"[" * 5000),
    ],
)
async def test_errors_do_not_leak_internals(
    sqlite_settings: Settings, method: str, path: str, body: bytes | None
) -> None:
    async with client_with_routes(sqlite_settings, []) as c:
        r = await c.request(
            method, path, content=body, headers={"content-type": "application/json", "origin": ORIGIN}
        )
    assert 400 <= r.status_code < 500
    assert not any(leak in r.text for leak in LEAKS), r.text
