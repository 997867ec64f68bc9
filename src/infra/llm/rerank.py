"""Rerank models over the `/rerank` API that Jina, Cohere-compatible servers, vLLM and Xinference share.

POST {base_url}/rerank {"model", "query", "documents", "top_n"} -> {"results": [{"index",
"relevance_score"}]}. langchain-core has no rerank abstraction, so this is a small httpx client.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from domain.common.llm import ModelBadResponse, RerankResult
from domain.modelmgr.entities import ModelInstance
from infra.llm.errors import classify


class HttpReranker:
    def __init__(self, instance: ModelInstance) -> None:
        c = instance.connection
        self._url = f"{c.base_url}/rerank"
        self._model = c.model
        self._endpoint, self._timeout_s = c.endpoint, c.timeout_s
        self._secrets = (c.api_key,) if c.api_key else ()
        self._headers = {"Authorization": f"Bearer {c.api_key}"} if c.api_key else {}

    async def rerank(
        self, query: str, documents: Sequence[str], top_n: int | None = None
    ) -> list[RerankResult]:
        if not documents:
            return []
        body: dict[str, Any] = {"model": self._model, "query": query, "documents": list(documents)}
        if top_n is not None:
            body["top_n"] = top_n
        try:
            async with httpx.AsyncClient(timeout=self._timeout_s) as client:
                response = await client.post(self._url, json=body, headers=self._headers)
                response.raise_for_status()
                payload = response.json()
        except Exception as exc:
            raise classify(
                exc, endpoint=self._endpoint, timeout_s=self._timeout_s, secrets=self._secrets
            ) from None
        try:
            results = [
                RerankResult(index=int(r["index"]), score=float(r.get("relevance_score", r.get("score"))))
                for r in payload["results"]
            ]
        except (KeyError, TypeError, ValueError):
            raise ModelBadResponse(reason="rerank answer without results[].index/relevance_score") from None
        if any(not 0 <= r.index < len(documents) for r in results):
            raise ModelBadResponse(reason="rerank answer names a document index out of range")
        return sorted(results, key=lambda r: r.score, reverse=True)
