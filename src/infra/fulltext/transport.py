"""HTTP node for servers that speak the Elasticsearch API but only accept plain JSON media types.

The official client sends `application/vnd.elasticsearch+json; compatible-with=N` (and the
`+x-ndjson` variant for bulk) in Content-Type and Accept. Real Elasticsearch needs that for REST
compatibility; some API-compatible servers answer 406 to it. This node rewrites only those two
headers to the plain types, leaving body, URL and every other header untouched, so the requests
stay exactly what Elasticsearch itself accepts.
"""

from __future__ import annotations

import re
from enum import StrEnum

from elastic_transport import AiohttpHttpNode, HttpHeaders
from elastic_transport._node import NodeApiResponse
from elastic_transport.client_utils import DEFAULT, DefaultType

_VENDOR_MIME = re.compile(
    r"application/vnd\.elasticsearch\+([a-z0-9.-]+)\s*(?:;\s*compatible-with\s*=\s*\d+)?"
)


class ContentTypeMode(StrEnum):
    VENDOR = "vendor"  # the official client's behaviour, for real Elasticsearch
    PLAIN_JSON = "plain-json"  # application/json and application/x-ndjson, for API-compatible servers


def plain_mime(value: str) -> str:
    """`application/vnd.elasticsearch+json; compatible-with=9` -> `application/json`."""
    return _VENDOR_MIME.sub(r"application/\1", value)


class PlainJsonAiohttpNode(AiohttpHttpNode):
    # Same (async) override the aiohttp node itself makes of the sync base signature.
    async def perform_request(  # type: ignore[override]
        self,
        method: str,
        target: str,
        body: bytes | None = None,
        headers: HttpHeaders | None = None,
        request_timeout: DefaultType | float | None = DEFAULT,
    ) -> NodeApiResponse:
        if headers:
            headers = HttpHeaders(headers)
            for name in ("content-type", "accept"):
                if name in headers:
                    headers[name] = plain_mime(headers[name])
        return await super().perform_request(
            method, target, body=body, headers=headers, request_timeout=request_timeout
        )
