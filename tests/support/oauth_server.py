"""A real OAuth 2 authorization server on loopback for the plugin tests: authlib's, in Flask, with
the authorization code grant (PKCE required), refresh tokens that rotate, client credentials, and a
protected API that says whose token it got. Users "sign in" at the consent page with `?login=`.

Tokens live `lifetime_s` seconds (tests shorten it to make the platform renew them)."""

from __future__ import annotations

import hmac
import logging
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from flask import Flask, jsonify, request
from werkzeug.serving import make_server

CLIENT_ID, CLIENT_SECRET = "cozeplus-tests", "s3cret-of-the-client"


@dataclass
class Client:
    client_id: str
    secret: str
    redirect_uris: list[str]

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in (scope or "").split() if s in {"read", "write"})

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return hmac.compare_digest(client_secret, self.secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == "client_secret_basic" if endpoint == "token" else True

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in {"authorization_code", "refresh_token", "client_credentials"}


@dataclass
class Code:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    login: str
    code_challenge: str | None
    code_challenge_method: str | None

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope


@dataclass
class Token:
    client_id: str
    login: str
    access_token: str
    refresh_token: str | None
    scope: str
    issued_at: float
    expires_in: int
    revoked: bool = False

    def check_client(self, client: Client) -> bool:
        return self.client_id == client.client_id

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return self.expires_in

    def is_expired(self) -> bool:
        return time.time() >= self.issued_at + self.expires_in

    def is_revoked(self) -> bool:
        return self.revoked

    def get_user(self) -> str:
        return self.login


@dataclass
class OAuthProvider:
    """The server's state, read by tests: who was issued what, and how often."""

    client: Client
    lifetime_s: int = 3600
    codes: dict[str, Code] = field(default_factory=dict)
    tokens: list[Token] = field(default_factory=list)
    grants_seen: list[str] = field(default_factory=list)  # grant_type of every token request
    api_calls: list[str] = field(default_factory=list)  # the login behind every API call
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def token(self, access_token: str) -> Token | None:
        return next((t for t in self.tokens if t.access_token == access_token), None)


def _app(provider: OAuthProvider) -> Flask:
    app = Flask("oauth-provider")

    class CodeGrant(grants.AuthorizationCodeGrant):  # type: ignore[misc]
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic"]

        def save_authorization_code(self, code: str, req: Any) -> None:
            data = req.payload.data
            provider.codes[code] = Code(
                code,
                req.client.client_id,
                req.payload.redirect_uri,
                req.scope or "",
                req.user,
                data.get("code_challenge"),
                data.get("code_challenge_method"),
            )

        def query_authorization_code(self, code: str, client: Client) -> Code | None:
            found = provider.codes.get(code)
            return found if found is not None and found.client_id == client.client_id else None

        def delete_authorization_code(self, authorization_code: Code) -> None:
            provider.codes.pop(authorization_code.code, None)

        def authenticate_user(self, authorization_code: Code) -> str:
            return authorization_code.login

    class RefreshGrant(grants.RefreshTokenGrant):  # type: ignore[misc]
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic"]
        INCLUDE_NEW_REFRESH_TOKEN = True  # rotation: the old refresh token stops working

        def authenticate_refresh_token(self, refresh_token: str) -> Token | None:
            found = next((t for t in provider.tokens if t.refresh_token == refresh_token), None)
            return found if found is not None and not found.revoked else None

        def authenticate_user(self, credential: Token) -> str:
            return credential.login

        def revoke_old_credential(self, credential: Token) -> None:
            credential.revoked = True

    class MachineGrant(grants.ClientCredentialsGrant):  # type: ignore[misc]
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic"]

    def save_token(token: dict[str, Any], req: Any) -> None:
        provider.tokens.append(
            Token(
                req.client.client_id,
                req.user or "",
                token["access_token"],
                token.get("refresh_token"),
                token.get("scope", ""),
                time.time(),
                int(token["expires_in"]),
            )
        )

    server = AuthorizationServer(
        app, query_client=lambda cid: provider.client if cid == CLIENT_ID else None, save_token=save_token
    )
    server.register_token_generator(
        "default",
        BearerTokenGenerator(
            lambda **_: secrets.token_urlsafe(24),
            lambda **_: secrets.token_urlsafe(24),
            lambda client, grant_type: provider.lifetime_s,
        ),
    )
    server.register_grant(CodeGrant, [CodeChallenge(required=True)])
    server.register_grant(RefreshGrant)
    server.register_grant(MachineGrant)

    @app.get("/authorize")
    def authorize() -> Any:
        login = request.args.get("login", "")
        if login == "refuse":
            return server.create_authorization_response(grant_user=None)  # the user declines
        return server.create_authorization_response(grant_user=login or "someone")

    @app.post("/token")
    def issue() -> Any:
        provider.grants_seen.append(request.form.get("grant_type", ""))
        return server.create_token_response()

    @app.get("/api/me")
    def me() -> Any:
        header = request.headers.get("authorization", "")
        token = (
            provider.token(header.removeprefix("Bearer ").strip()) if header.startswith("Bearer ") else None
        )
        if token is None or token.is_expired() or token.is_revoked():
            return jsonify({"error": "invalid_token"}), 401
        provider.api_calls.append(token.login)
        return jsonify({"login": token.login, "scope": token.scope})

    return app


@contextmanager
def oauth_provider(redirect_uri: str) -> Iterator[OAuthProvider]:
    """The server on a free loopback port, its client allowed to send users back to `redirect_uri`."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request otherwise
    provider = OAuthProvider(Client(CLIENT_ID, CLIENT_SECRET, [redirect_uri]))
    http = make_server("127.0.0.1", 0, _app(provider), threaded=True)
    provider.url = f"http://127.0.0.1:{http.server_port}"
    thread = threading.Thread(target=http.serve_forever, name="oauth-provider", daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        http.shutdown()
        thread.join(5)
