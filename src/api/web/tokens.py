"""Personal access tokens for the SPA, on Coze Studio's permission_api/pat paths and shapes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import msgspec
from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter

from api.envelope import Envelope
from api.schemas import ID_PATTERN, Int64Str, OptionalId, id_str, parse_id
from api.security.identity import CurrentActor
from application.openauth.tokens import TokenDTO, TokenService
from domain.openauth.errors import InvalidTokenRequest

Tokens = NamedDependency[TokenService]
PAT = "/api/permission_api/pat"


class PersonalAccessToken(msgspec.Struct):
    id: str
    name: str
    created_at: int
    updated_at: int
    last_used_at: int  # -1: never used
    expire_at: int
    scopes: list[str]
    space_id: str

    @classmethod
    def of(cls, t: TokenDTO) -> PersonalAccessToken:
        return cls(
            id_str(t.id),
            t.name,
            int(t.created_at.timestamp()),
            int(t.updated_at.timestamp()),
            int(t.last_used_at.timestamp()) if t.last_used_at else -1,
            int(t.expires_at.timestamp()),
            t.scopes,
            id_str(t.space_id) if t.space_id else "",
        )


class CreateTokenRequest(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(max_length=100, pattern=r"\S")]
    expire_at: int | None = None  # unix seconds
    duration_day: str | None = None  # "1", "30", "60", "90", "180", "365" ("permanent" is refused)
    scopes: list[str] | None = None
    space_id: OptionalId = None
    organization_id: str | None = None  # sent by Coze front ends; cozeplus binds tokens to spaces instead


class CreatedToken(msgspec.Struct):
    personal_access_token: PersonalAccessToken
    token: str


class CreateTokenResponse(Envelope, kw_only=True):
    data: CreatedToken


class TokenList(msgspec.Struct):
    personal_access_tokens: list[PersonalAccessToken]
    has_more: bool


class TokenListResponse(Envelope, kw_only=True):
    data: TokenList


class TokenData(msgspec.Struct):
    personal_access_token: PersonalAccessToken


class TokenResponse(Envelope, kw_only=True):
    data: TokenData


class UpdateTokenRequest(msgspec.Struct, forbid_unknown_fields=True):
    id: Int64Str
    name: Annotated[str, msgspec.Meta(max_length=100, pattern=r"\S")]


class TokenRef(msgspec.Struct, forbid_unknown_fields=True):
    id: Int64Str


def _days(duration: str | None) -> int | None:
    if duration in (None, ""):
        return None
    if not duration.isdigit():
        raise InvalidTokenRequest(reason="duration_day must be a number of days; tokens always expire")
    return int(duration)


@post(f"{PAT}/create_personal_access_token_and_permission", status_code=200)
async def create_token(
    actor: CurrentActor, tokens: Tokens, data: JSONBody[CreateTokenRequest]
) -> CreateTokenResponse:
    expire_at = None
    if data.expire_at:
        if not 0 < data.expire_at < 2**37:
            raise InvalidTokenRequest(reason="expire_at is a unix time in seconds")
        expire_at = datetime.fromtimestamp(data.expire_at, UTC)
    issued = await tokens.issue(
        actor,
        data.name,
        days=_days(data.duration_day),
        expire_at=expire_at,
        scopes=data.scopes,
        space_id=parse_id(data.space_id) if data.space_id else None,
    )
    return CreateTokenResponse(data=CreatedToken(PersonalAccessToken.of(issued.token), issued.plaintext))


@get(f"{PAT}/list_personal_access_tokens")
async def list_tokens(
    actor: CurrentActor,
    tokens: Tokens,
    page: Annotated[int, QueryParameter(ge=0, le=10_000, schema_extra={"minimum": 0})] = 0,  # from 0
    size: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
) -> TokenListResponse:
    items, more = await tokens.list(actor, page, size)
    return TokenListResponse(data=TokenList([PersonalAccessToken.of(t) for t in items], more))


@get(f"{PAT}/get_personal_access_token_and_permission")
async def get_token(
    actor: CurrentActor,
    tokens: Tokens,
    token_id: Annotated[str, QueryParameter(name="id", pattern=ID_PATTERN)],
) -> TokenResponse:
    return TokenResponse(data=TokenData(PersonalAccessToken.of(await tokens.get(actor, parse_id(token_id)))))


@post(f"{PAT}/update_personal_access_token_and_permission", status_code=200)
async def update_token(actor: CurrentActor, tokens: Tokens, data: JSONBody[UpdateTokenRequest]) -> Envelope:
    await tokens.rename(actor, parse_id(data.id), data.name)
    return Envelope()


@post(f"{PAT}/delete_personal_access_token_and_permission", status_code=200)
async def delete_token(actor: CurrentActor, tokens: Tokens, data: JSONBody[TokenRef]) -> Envelope:
    await tokens.revoke(actor, parse_id(data.id))
    return Envelope()


ROUTES = [create_token, list_tokens, get_token, update_token, delete_token]
