"""Schemathesis over the committed idl/ documents against a served app: the contract and the server agree.

Every check runs (server errors, response schemas and headers, negative data refused, positive data
accepted, unsupported methods, `Allow` headers, auth ...) over the coverage, fuzzing and stateful phases,
authenticated the way each surface is used: a bearer token for the token API, a session cookie with a
same-origin header for the SPA and admin APIs. The app is `cozeplus serve` on SQLite on loopback, with
a super admin of its own. The number of examples per operation is bounded (COZEPLUS_TEST_FUZZ_EXAMPLES,
default 25; COZEPLUS_TEST_FUZZ_SEED fixes the data) so the whole run stays within a few minutes.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from schemathesis.engine import events

from bootstrap.settings import Settings
from tests.support.identity import PASSWORD, create_user
from tests.support.served import Served, served_app

IDL = Path(__file__).resolve().parents[2] / "idl"
EXAMPLES = int(os.environ.get("COZEPLUS_TEST_FUZZ_EXAMPLES", "25"))
SEED = int(os.environ.get("COZEPLUS_TEST_FUZZ_SEED", "20261206"))


def _positive_off(path_regex: str, why: str, method: str | None = None) -> dict[str, Any]:
    """Valid-looking data may still break a rule the document cannot state (`why`): the server
    answers 4xx with the domain's own code. Every other check still runs on these operations."""
    assert why
    entry: dict[str, Any] = {"include-path-regex": path_regex}
    if method:
        entry["include-method"] = method
    return {**entry, "checks": {"positive_data_acceptance": {"enabled": False}}}


# Operations a check does not apply to, each with the reason. Nothing else is switched off.
PASSWORDS = "the password policy wants four different characters, not only digits or letters"
SAME_ID = "an id repeated in the body must be the one in the path"

UPLOADS = "the file must be non-empty and of a type the platform takes, sniffed from its bytes"
MESSAGES = (
    "a message's type must suit its role (a user message is never an answer) and object_string "
    "content is JSON naming the caller's own uploads: rules across fields and data"
)
SOURCES = (
    "each document names one source (the caller's upload, base64 bytes, pasted text or a web page) "
    "of a type its knowledge base takes"
)
CHUNKING = "a chunking strategy's overlap stays under half its size; a custom one needs a separator"
EXCLUSIONS: dict[str, list[dict[str, Any]]] = {
    "token-api": [
        _positive_off(r"^/open_api/knowledge/document/create$", SOURCES),
        _positive_off(r"^/v1/files/upload$", UPLOADS),
        _positive_off(r"^/v1/conversation/(create|message/create|message/modify)$", MESSAGES),
        _positive_off(r"^/v3/chat$", MESSAGES),
        _positive_off(r"^/v1/bots/\{bot_id\}/unpublish$", SAME_ID),
        _positive_off(
            r"^/v1/workspaces/\{workspace_id\}/members$",
            "a personal space takes no members but its owner: adding needs a team space",
            method="POST",
        ),
        _positive_off(
            r"^/v1/bot/(create|update)$",
            "agent settings are checked together by the agent domain (model ids that exist, "
            "persona templates that parse, variable names unique, options cozeplus does not run ...)",
        ),
    ],
    "web-api": [
        _positive_off(r"^/api/bot/upload_file$", UPLOADS),
        _positive_off(r"^/api/knowledge/(document/create|review/create|table_schema/validate)$", SOURCES),
        _positive_off(
            r"^/api/knowledge/review/save$",
            "one of doc_tree_json (a JSON doc tree of non-blank slices) or slices must be sent",
        ),
        _positive_off(r"^/api/knowledge/(create|update|document/resegment)$", CHUNKING),
        _positive_off(
            r"^/api/plugin_api/(register_plugin_meta|update_plugin_meta)$",
            "a plugin's auth fields go together (a service token needs its key and a token unless one is "
            "stored; OAuth needs oauth_info with the client and its URLs), and URLs are http(s)",
        ),
        _positive_off(
            r"^/api/plugin_api/(create_api|update_api)$",
            "a tool's parameter names are unique at each level and its path placeholders are path "
            "parameters: the draft must stay a valid OpenAPI document",
        ),
        _positive_off(
            r"^/api/conversation/(get_message_list|break_message|chat/resume)$",
            "one of two ids must be given (bot_id or conversation_id; query or answer message id)",
        ),
        _positive_off(r"^/api/conversation/chat$", "the query must not be blank unless regenerating"),
        _positive_off(
            r"^/api/playground_api/draftbot/update_draft_bot_info$",
            "agent settings are checked together by the agent domain",
        ),
        _positive_off(
            r"^/api/passport/(web/email/register/v2/?|password/change)$|^/api/permission_api/user/reset_password$",
            PASSWORDS,
        ),
        _positive_off(
            r"^/api/permission_api/pat/create_personal_access_token_and_permission$",
            "the expiry is duration_day or expire_at, in the future and within the admin's longest lifetime",
        ),
        _positive_off(
            r"^/api/v1/corporation/employee/create$",
            "a department may be listed once among an employee's placements",
        ),
        _positive_off(r"^/api/v1/corporation/(\{corp_id\}|department/\{department_id\})$", SAME_ID, "PUT"),
        _positive_off(
            r"^/api/permission_api/user/assign_roles$",
            "which roles may be granted depends on the role (the built-in super_admin follows the flag)",
        ),
        _positive_off(
            r"^/api/permission_api/role/(create|update)$",
            "the resources a permission may name depend on the role's domain (global or space)",
        ),
    ],
    "admin-api": [
        _positive_off(r"^/api/admin/users(/\{user_id\}/reset_password)?$", PASSWORDS, "POST"),
        _positive_off(
            r"^/api/admin/config/model/(create|update|test)$",
            "model settings are checked together by the model domain (provider, connection, parameter "
            "definitions); a test needs a saved model or settings to try",
        ),
    ],
}


@dataclass
class Credentials:
    bearer: str
    cookie: str
    origin: str
    spare_cookie: str  # a second session, for the operations that end the session they are sent with


@dataclass
class Outcome:
    failures: Counter[str] = field(default_factory=Counter)  # check name -> failing cases
    examples: dict[str, str] = field(default_factory=dict)  # "check operation" -> one failure message
    errors: list[str] = field(default_factory=list)
    cases: int = 0


def _session(base_url: str, email: str) -> str:
    with httpx.Client(base_url=base_url, headers={"Origin": base_url}, timeout=30) as web:
        signed = web.post("/api/passport/web/email/login/", json={"email": email, "password": PASSWORD})
        assert signed.status_code == 200, signed.text
        return "; ".join(f"{k}={v}" for k, v in web.cookies.items())


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with served_app("embedded", tmp_path_factory.mktemp("fuzz")) as app:
        yield app


@pytest.fixture(scope="module")
def credentials(served: Served) -> Credentials:
    settings = Settings(_env_file=None, data_dir=Path(served.env["COZEPLUS_DATA_DIR"]))  # type: ignore[call-arg]
    admin = asyncio.run(create_user(settings, superuser=True))
    cookie = _session(served.base_url, admin["email"])
    # The token belongs to another user: the SPA run's stateful phase lists the admin's own tokens
    # and may delete them, which would end the token run's credential.
    holder = asyncio.run(create_user(settings))
    holder_cookie = _session(served.base_url, holder["email"])
    with httpx.Client(
        base_url=served.base_url, headers={"Origin": served.base_url, "Cookie": holder_cookie}, timeout=30
    ) as web:
        made = web.post(
            "/api/permission_api/pat/create_personal_access_token_and_permission",
            json={"name": "fuzz", "duration_day": "30"},
        )
        assert made.json()["code"] == 0, made.text
    spare = _session(served.base_url, admin["email"])
    return Credentials(made.json()["data"]["token"], cookie, served.base_url, spare)


def _config(name: str, served: Served, creds: Credentials) -> schemathesis.Config:
    if name == "token-api":
        headers = {"Authorization": f"Bearer {creds.bearer}"}
    else:
        headers = {"Cookie": creds.cookie, "Origin": creds.origin}
    operations = [dict(o) for o in EXCLUSIONS[name]]
    if name == "web-api":
        # Signing out and changing the password end the session they are sent with: they get their own,
        # so every other operation keeps running signed in.
        operations.append(
            {
                "include-path-regex": r"^/api/passport/(web/logout/?|password/change)$",
                "headers": {"Cookie": creds.spare_cookie, "Origin": creds.origin},
            }
        )
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "base-url": served.base_url,
            "headers": headers,
            "workers": 1,
            "continue-on-failure": True,
            "request-timeout": 30,
            # No example database: a run depends on the seed alone, and leaves nothing behind.
            "generation": {"max-examples": EXAMPLES, "database": "none"},
            "checks": {"enabled": True},
            "operations": operations,
        }
    )


def _describe(recorder: Any, case_id: str, message: str) -> str:
    """The failure, the request that caused it and the answer, on one line."""
    node = recorder.cases.get(case_id)
    response = recorder.find_response(case_id=case_id)
    sent = ""
    if node is not None:
        case = node.value
        sent = f"path={case.path_parameters} query={case.query} body={case.body!r}"[:300]
    answer = "" if response is None else f"-> {response.status_code} {response.text[:200]}"
    first = (message.splitlines() or [""])[0][:160]
    return f"{first} | {sent} {answer}"


def _still_signed_in(served: Served, creds: Credentials) -> None:
    with httpx.Client(base_url=served.base_url, timeout=30) as http:
        me = http.get("/v1/users/me", headers={"Authorization": f"Bearer {creds.bearer}"})
        assert me.json()["code"] == 0, f"the bearer token stopped working during the run: {me.text}"
        info = http.post(
            "/api/passport/account/info/v2/",
            headers={"Cookie": creds.cookie, "Origin": creds.origin},
            json={},
        )
        assert info.json()["code"] == 0, f"the session ended during the run: {info.text}"


def _run(name: str, served: Served, creds: Credentials) -> Outcome:
    doc = json.loads((IDL / f"{name}.json").read_text(encoding="utf-8"))
    schema = schemathesis.openapi.from_dict(doc, config=_config(name, served, creds))
    outcome = Outcome()
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            outcome.cases += len(event.recorder.cases)
            for case_id, nodes in event.recorder.checks.items():
                for node in nodes:
                    if node.failure_info is None:
                        continue
                    outcome.failures[node.name] += 1
                    failure = node.failure_info.failure
                    key = f"{node.name} {failure.operation or event.label}"
                    outcome.examples.setdefault(
                        key, _describe(event.recorder, case_id, failure.title + ": " + failure.message)
                    )
        elif isinstance(event, events.NonFatalError | events.FatalError):
            outcome.errors.append(str(getattr(event, "info", event))[:500])
    return outcome


# The run's length grows with the routes (a few seconds each at 25 examples): past the suite's 120 s.
@pytest.mark.timeout(900)
@pytest.mark.parametrize("name", ["token-api", "web-api", "admin-api"])
def test_documents_and_server_agree(name: str, served: Served, credentials: Credentials) -> None:
    outcome = _run(name, served, credentials)
    unique = Counter(key.split(" ", 1)[0] for key in outcome.examples)
    print(f"\n{name}: {outcome.cases} cases; failing operations by check: {dict(unique) or 'none'}")
    for key, title in sorted(outcome.examples.items()):
        print(f"  {key}: {title}")
    assert outcome.cases > 0
    assert not outcome.errors, outcome.errors
    _still_signed_in(served, credentials)  # else the run may have passed on 401s alone
    assert not outcome.failures, f"{name}: {dict(outcome.failures)}; see the printed operations"
