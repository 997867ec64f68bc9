"""How a plugin's calls are authorized (Coze's AuthorizationType and its sub-types). Secrets are kept
sealed (domain.common.secrets) from the moment they arrive; only the tool runtime opens them, for
the one request that needs them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum


class AuthKind(IntEnum):
    NONE = 0
    SERVICE = 1  # a service token or API key the plugin's owner supplies
    OAUTH = 3


class TokenLocation(IntEnum):
    HEADER = 1
    QUERY = 2


class OAuthFlow(StrEnum):
    CLIENT_CREDENTIALS = "client_credentials"  # one token for the plugin
    AUTHORIZATION_CODE = "authorization_code"  # each end user consents and gets a token of their own


@dataclass(frozen=True, slots=True)
class ServiceToken:
    location: TokenLocation
    name: str  # the header or query parameter, e.g. "Authorization" or "api_key"
    sealed_token: str  # sent as is: include a scheme ("Bearer ...") when the API wants one


@dataclass(frozen=True, slots=True)
class OAuthClient:
    flow: OAuthFlow
    client_id: str
    sealed_client_secret: str
    token_url: str
    authorization_url: str = ""  # authorization code only: where the user is sent to consent
    scope: str = ""


@dataclass(frozen=True, slots=True)
class PluginAuth:
    kind: AuthKind = AuthKind.NONE
    service: ServiceToken | None = None
    oauth: OAuthClient | None = None

    @property
    def per_user(self) -> bool:
        """Each end user must authorize before the plugin's tools can be called for them."""
        return self.oauth is not None and self.oauth.flow is OAuthFlow.AUTHORIZATION_CODE
