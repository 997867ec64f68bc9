"""One error registry: exceptions -> (HTTP status, API code, message key), rendered as envelopes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import structlog
from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotFoundException,
    ValidationException,
)
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_401_UNAUTHORIZED,
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_405_METHOD_NOT_ALLOWED,
    HTTP_409_CONFLICT,
    HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    HTTP_415_UNSUPPORTED_MEDIA_TYPE,
    HTTP_429_TOO_MANY_REQUESTS,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_502_BAD_GATEWAY,
    HTTP_503_SERVICE_UNAVAILABLE,
    HTTP_504_GATEWAY_TIMEOUT,
)

from api.context import current_log_id, new_log_id, request_context
from api.i18n import message, negotiate
from domain.common.errors import (
    Conflict,
    DatabaseUnavailable,
    DomainError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RateLimited,
    Unauthenticated,
    Unavailable,
)
from domain.common.eventbus import EventBusUnavailable
from domain.common.fulltext import FullTextUnavailable
from domain.common.kv import KeyValueUnavailable
from domain.common.outbound import OutboundFailed, OutboundTimeout, OutboundTooLarge
from domain.common.runstream import RunStreamUnavailable
from domain.common.storage import StorageUnavailable
from domain.common.vectors import VectorFeatureUnsupported, VectorStoreUnavailable

log = structlog.get_logger("cozeplus.api")


@dataclass(frozen=True, slots=True)
class ErrorSpec:
    status: int
    code: int
    key: str | None = None  # None: use the exception's own message_key


# Codes follow the Coze OpenAPI where one exists (4000, 4100, 4101, 4200, 5000); the others are
# cozeplus's own, documented in docs/adr/0003-error-codes.md.
INVALID_PARAMS = ErrorSpec(HTTP_400_BAD_REQUEST, 4000, "error.invalid_params")
MALFORMED_BODY = ErrorSpec(HTTP_400_BAD_REQUEST, 4000, "error.malformed_body")
UNAUTHENTICATED = ErrorSpec(HTTP_401_UNAUTHORIZED, 4100, "error.unauthenticated")
FORBIDDEN = ErrorSpec(HTTP_403_FORBIDDEN, 4101, "error.permission_denied")
NOT_FOUND = ErrorSpec(HTTP_404_NOT_FOUND, 4200, "error.not_found")
ROUTE_NOT_FOUND = ErrorSpec(HTTP_404_NOT_FOUND, 4200, "error.route_not_found")
METHOD_NOT_ALLOWED = ErrorSpec(HTTP_405_METHOD_NOT_ALLOWED, 4050, "error.method_not_allowed")
CONFLICT = ErrorSpec(HTTP_409_CONFLICT, 4090, "error.conflict")
BODY_TOO_LARGE = ErrorSpec(HTTP_413_REQUEST_ENTITY_TOO_LARGE, 4130, "error.body_too_large")
UNSUPPORTED_MEDIA = ErrorSpec(HTTP_415_UNSUPPORTED_MEDIA_TYPE, 4150, "error.unsupported_media_type")
RATE_LIMITED = ErrorSpec(HTTP_429_TOO_MANY_REQUESTS, 4008, "error.rate_limited")
INTERNAL = ErrorSpec(HTTP_500_INTERNAL_SERVER_ERROR, 5000, "error.internal")
UNAVAILABLE = ErrorSpec(HTTP_503_SERVICE_UNAVAILABLE, 5030, "error.unavailable")

# Domain errors of the shared kernel (domain.common); each context module adds its own with `install`.
_DOMAIN: dict[type[DomainError], ErrorSpec] = {
    InvalidInput: ErrorSpec(HTTP_400_BAD_REQUEST, 4000),
    Unauthenticated: ErrorSpec(HTTP_401_UNAUTHORIZED, 4100),
    PermissionDenied: ErrorSpec(HTTP_403_FORBIDDEN, 4101),
    NotFound: ErrorSpec(HTTP_404_NOT_FOUND, 4200),
    Conflict: ErrorSpec(HTTP_409_CONFLICT, 4090),
    RateLimited: ErrorSpec(HTTP_429_TOO_MANY_REQUESTS, 4008),
    Unavailable: ErrorSpec(HTTP_503_SERVICE_UNAVAILABLE, 5030),
    # One code per backing server, so a client (and an operator reading logs) knows which is down.
    DatabaseUnavailable: ErrorSpec(HTTP_503_SERVICE_UNAVAILABLE, 5031),
    RunStreamUnavailable: ErrorSpec(HTTP_503_SERVICE_UNAVAILABLE, 5032),
    KeyValueUnavailable: ErrorSpec(HTTP_503_SERVICE_UNAVAILABLE, 5033),
    EventBusUnavailable: ErrorSpec(HTTP_503_SERVICE_UNAVAILABLE, 5034),
    StorageUnavailable: ErrorSpec(HTTP_503_SERVICE_UNAVAILABLE, 5035),
    VectorStoreUnavailable: ErrorSpec(HTTP_503_SERVICE_UNAVAILABLE, 5036),
    FullTextUnavailable: ErrorSpec(HTTP_503_SERVICE_UNAVAILABLE, 5037),
    # Outbound HTTP to a user-supplied URL (ADR 0042): refused by the guard is the caller's input
    # (OutboundRefused is InvalidInput, 4000); the remote side failing is a bad gateway.
    OutboundFailed: ErrorSpec(HTTP_502_BAD_GATEWAY, 5040),
    OutboundTimeout: ErrorSpec(HTTP_504_GATEWAY_TIMEOUT, 5041),
    OutboundTooLarge: ErrorSpec(HTTP_502_BAD_GATEWAY, 5042),
    # A vector store that cannot run a query asked of it (the same 4000 as any unmapped error).
    VectorFeatureUnsupported: ErrorSpec(HTTP_400_BAD_REQUEST, 4000),
}

_HTTP: dict[int, ErrorSpec] = {
    400: INVALID_PARAMS,
    401: UNAUTHENTICATED,
    403: FORBIDDEN,
    404: NOT_FOUND,
    405: METHOD_NOT_ALLOWED,
    409: CONFLICT,
    413: BODY_TOO_LARGE,
    415: UNSUPPORTED_MEDIA,
    429: RATE_LIMITED,
    503: UNAVAILABLE,
}


_OWNERS: dict[type[DomainError], str] = dict.fromkeys(_DOMAIN, "kernel")


def install(owner: str, specs: Mapping[type[DomainError], ErrorSpec]) -> None:
    """Adds a context's error specs (bootstrap.modules does it for every module); an error class
    is claimed by one owner only, and installing the same owner again is a no-op."""
    for error, spec in specs.items():
        claimed = _OWNERS.get(error)
        if claimed is not None and claimed != owner:
            raise ValueError(f"{error.__name__} already has an error spec from {claimed}")
        _OWNERS[error] = owner
        _DOMAIN[error] = spec


def owner_of(error: type[DomainError]) -> str | None:
    """Which module gave this exact class its spec (None: it answers with a base class's)."""
    return _OWNERS.get(error)


def spec_for_domain(exc: DomainError) -> ErrorSpec:
    for cls in type(exc).__mro__:
        spec = _DOMAIN.get(cls)
        if spec is not None:
            return spec
    return ErrorSpec(HTTP_400_BAD_REQUEST, 4000)


def _locale(request: Request[Any, Any, Any]) -> str:
    ctx = request_context(request.scope)
    if ctx is not None and ctx.locale:
        return ctx.locale
    default = getattr(request.app.state, "default_locale", "en-US")
    return negotiate(request.headers.get("accept-language"), default)


def envelope_response(
    request: Request[Any, Any, Any],
    spec: ErrorSpec,
    key: str | None = None,
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    log_id = current_log_id.get() or new_log_id()
    text = message(key or spec.key or "error.domain", _locale(request), params)
    body = {"code": spec.code, "msg": text, "data": None, "detail": {"logid": log_id}}
    return Response(content=body, status_code=spec.status, headers=headers, media_type="application/json")


def handle_domain_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    # Unavailable: the breaker logged why once, when it opened; the access log has each 503.
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited | Unavailable) else None
    return envelope_response(request, spec_for_domain(exc), exc.message_key, exc.params, headers)


def handle_validation_error(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    return envelope_response(request, INVALID_PARAMS, params={"detail": _validation_detail(exc)})


def handle_http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    if isinstance(exc, NotFoundException) and "route_handler" not in request.scope:
        spec = ROUTE_NOT_FOUND
    elif isinstance(exc, MethodNotAllowedException):
        spec = METHOD_NOT_ALLOWED
    elif status == 400 and _is_decode_error(exc):
        spec = MALFORMED_BODY
    elif status >= 500:
        spec = INTERNAL if status == 500 else UNAVAILABLE
    else:
        spec = _HTTP.get(status, ErrorSpec(status, 4000 if status < 500 else 5000, "error.invalid_input"))
    headers = {k: v for k, v in (exc.headers or {}).items() if k.lower() in ("allow", "retry-after")}
    return envelope_response(request, spec, headers=headers or None)


def handle_bad_encoding(request: Request[Any, Any, Any], exc: UnicodeDecodeError) -> Response[Any]:
    # Raised while decoding a body that is not UTF-8: the client's fault, not ours.
    return envelope_response(request, MALFORMED_BODY, "error.bad_encoding")


def handle_recursion(request: Request[Any, Any, Any], exc: RecursionError) -> Response[Any]:
    # msgspec gives up on absurdly nested JSON with a RecursionError: the body's fault, not ours.
    if "deserializ" in str(exc):
        return envelope_response(request, MALFORMED_BODY)
    return handle_unexpected(request, exc)


def handle_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    # The client gets the log id only; the trace stays in the server log under that id.
    log.error("unhandled_exception", exc_info=exc, path=request.url.path)
    return envelope_response(request, INTERNAL)


def _is_decode_error(exc: HTTPException) -> bool:
    detail = (exc.detail or "").lower()
    return "decode" in detail or "json" in detail or "malformed" in detail


def _validation_detail(exc: ValidationException) -> str:
    extra = exc.extra if isinstance(exc.extra, list) else []
    parts: list[str] = []
    for item in extra[:5]:
        if isinstance(item, dict):
            key = str(item.get("key") or item.get("source") or "body")
            parts.append(f"{key[:64]}: {str(item.get('message', 'invalid'))[:120]}")
    if not parts:
        detail = exc.detail or "invalid"
        parts.append(detail[:200])
    return "; ".join(parts)


EXCEPTION_HANDLERS: dict[Any, Any] = {
    DomainError: handle_domain_error,
    ValidationException: handle_validation_error,
    HTTPException: handle_http_error,
    UnicodeDecodeError: handle_bad_encoding,
    RecursionError: handle_recursion,
    Exception: handle_unexpected,
}
