"""Provider SDK exceptions -> the runtime port's ModelErrors, with secrets scrubbed from any text.

The SDKs (openai, anthropic, ollama, httpx) share a vocabulary: a `status_code` on HTTP errors and
class names with "Timeout" or "Connect" for transport failures. Classifying by those keeps this
module free of imports of every SDK, and new SDKs land in the right bucket too.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterable
from typing import Any

from domain.common.llm import (
    ModelAuthFailed,
    ModelBadResponse,
    ModelError,
    ModelProviderError,
    ModelRateLimited,
    ModelTimeout,
    ModelUnavailable,
)

_TOKENISH = re.compile(
    r"(sk-[A-Za-z0-9_*\-]{4,}|Bearer\s+\S+|x-api-key\S*|api[_-]?key[=:]\s*\S+)", re.IGNORECASE
)
MAX_DETAIL = 200


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` without the given secrets or anything shaped like an API key, cut to a readable length."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    text = _TOKENISH.sub("***", text)
    text = " ".join(text.split())
    return text if len(text) <= MAX_DETAIL else text[: MAX_DETAIL - 3] + "..."


def _names(exc: BaseException) -> str:
    return " ".join(cls.__name__ for cls in type(exc).__mro__)


def _status(exc: BaseException) -> int | None:
    for candidate in (exc, getattr(exc, "response", None)):
        status = getattr(candidate, "status_code", None)
        if isinstance(status, int) and status >= 100:
            return status
    return None


def _retry_after(exc: BaseException) -> float | None:
    headers = getattr(getattr(exc, "response", None), "headers", None)
    value = headers.get("retry-after") if headers is not None else None
    try:
        return max(float(value), 0.0) if value is not None else None
    except ValueError:
        return None


def _detail(exc: BaseException, secrets: Iterable[str]) -> str:
    """The provider's own words: `message` of SDK errors, else the text of the exception."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        error = body.get("error", body)
        text = error.get("message") if isinstance(error, dict) else error
        if isinstance(text, str) and text:
            return redact(text, secrets)
    text = getattr(exc, "message", None) or getattr(exc, "error", None) or str(exc)
    return redact(str(text), secrets) or type(exc).__name__


def classify(
    exc: BaseException, *, endpoint: str, timeout_s: float, secrets: Iterable[str] = ()
) -> ModelError:
    """The ModelError for a failure of a call to the provider at `endpoint`."""
    if isinstance(exc, ModelError):
        return exc
    secrets = tuple(secrets)
    status = _status(exc)
    if status is not None:
        return _from_status(exc, status, endpoint, timeout_s, secrets)
    return _from_transport(exc, endpoint, timeout_s) or ModelProviderError(
        status=0, detail=_detail(exc, secrets)
    )


def _from_transport(exc: BaseException, endpoint: str, timeout_s: float) -> ModelError | None:
    names = _names(exc)
    if isinstance(exc, TimeoutError | asyncio.TimeoutError) or "Timeout" in names:
        return ModelTimeout(endpoint=endpoint, timeout=timeout_s)
    if "Connect" in names or isinstance(exc, ConnectionError | OSError):
        return ModelUnavailable(endpoint=endpoint, reason="cannot connect")
    if isinstance(exc, json.JSONDecodeError | UnicodeDecodeError) or "Decode" in names:
        return ModelBadResponse(reason=f"malformed data from the provider ({type(exc).__name__})")
    if isinstance(exc, KeyError | TypeError | ValueError | AttributeError):
        # An SDK choking on a well-formed but unexpected payload lands here.
        return ModelBadResponse(reason=f"unexpected data from the provider ({type(exc).__name__})")
    return None


def _from_status(
    exc: BaseException, status: int, endpoint: str, timeout_s: float, secrets: tuple[str, ...]
) -> ModelError:
    if status in (401, 403):
        # Providers like to quote the key they refused; we say nothing of theirs here.
        return ModelAuthFailed(status=status, endpoint=endpoint)
    if status == 429:
        return ModelRateLimited(retry_after=_retry_after(exc), status=status, endpoint=endpoint)
    if status == 408:
        return ModelTimeout(endpoint=endpoint, timeout=timeout_s)
    if status >= 500:
        return ModelUnavailable(endpoint=endpoint, reason=f"HTTP {status}: {_detail(exc, secrets)}")
    return ModelProviderError(status=status, detail=_detail(exc, secrets))


def error_summary(error: ModelError) -> dict[str, Any]:
    """What a log line may carry about a model failure (its params never hold secrets)."""
    return {"error": type(error).__name__, **{k: str(v)[:200] for k, v in error.params.items()}}
