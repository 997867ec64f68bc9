"""Full-text index on Elasticsearch 8/9 (or an API-compatible server) through the async client."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any

import elasticsearch as es_errors
from elasticsearch import AsyncElasticsearch

from domain.common.errors import DomainError, InvalidInput
from domain.common.fulltext import (
    Document,
    FieldType,
    Filter,
    FullTextIndexExists,
    FullTextIndexNotFound,
    FullTextUnavailable,
    Hit,
    IndexSpec,
    SearchRequest,
    SearchResult,
    Value,
    check_document,
    check_filter,
    encode_cursor,
    from_epoch_ms,
    validate_doc_id,
    validate_index_name,
)
from infra.common.breaker import Breaker
from infra.fulltext import analysis, es_query
from infra.fulltext.transport import ContentTypeMode, PlainJsonAiohttpNode

BULK_CHUNK = 500


class ElasticsearchFullTextIndex:
    name = "fulltext"
    adapter = "elasticsearch"

    def __init__(
        self,
        url: str,
        *,
        content_type: ContentTypeMode | str = ContentTypeMode.VENDOR,
        api_key: str | None = None,
        request_timeout: float = 10.0,
    ) -> None:
        self.url = url
        self._api_key = api_key
        self.content_type = ContentTypeMode(content_type)
        self._timeout = request_timeout
        self._client: AsyncElasticsearch | None = None
        self._specs: dict[str, IndexSpec] = {}
        # Calls are bounded by the client's request_timeout; the breaker makes them fail fast after.
        self.breaker = Breaker("elasticsearch")

    async def start(self) -> None:
        # No network here: a server that is down at start-up shows in /readyz, it does not stop the app.
        if self._client is None:
            extra: dict[str, Any] = {}
            if self.content_type is ContentTypeMode.PLAIN_JSON:
                extra["node_class"] = PlainJsonAiohttpNode
            if self._api_key:
                extra["api_key"] = self._api_key
            self._client = AsyncElasticsearch(self.url, request_timeout=self._timeout, max_retries=1, **extra)
        analysis.warm_up()

    async def stop(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    @property
    def client(self) -> AsyncElasticsearch:
        if self._client is None:
            raise RuntimeError("Elasticsearch full-text index not started")
        return self._client

    async def check(self) -> tuple[bool, str]:
        started = time.perf_counter()
        try:
            info = await self.client.info()
        except Exception as exc:  # readiness reports, never raises
            return False, f"{type(exc).__name__}: {_reason(exc)}"
        version = info.get("version", {}).get("number", "?")
        return True, f"{version}, {(time.perf_counter() - started) * 1000:.1f} ms, {self.content_type.value}"

    # ------------------------------------------------------------ indexes

    async def _spec(self, name: str) -> IndexSpec:
        validate_index_name(name)
        spec = self._specs.get(name)
        if spec is not None:
            return spec
        async with _errors(name, self.breaker):
            mapping = await self.client.indices.get_mapping(index=name)
        meta = mapping.get(name, {}).get("mappings", {}).get("_meta", {}).get(es_query.META_KEY)
        if not isinstance(meta, dict):
            raise InvalidInput(field="index", reason=f"index {name!r} was not created by cozeplus")
        spec = IndexSpec.from_dict(meta)
        self._specs[name] = spec
        return spec

    async def create_index(self, spec: IndexSpec, *, exist_ok: bool = False) -> None:
        try:
            async with _errors(spec.name, self.breaker):
                await self.client.indices.create(
                    index=spec.name,
                    settings={"analysis": es_query.ANALYSIS},
                    mappings=es_query.mappings(spec),
                )
        except FullTextIndexExists:
            self._specs.pop(spec.name, None)
            if not exist_ok or await self._spec(spec.name) != spec:
                raise
            return
        self._specs[spec.name] = spec

    async def drop_index(self, name: str) -> None:
        validate_index_name(name)
        self._specs.pop(name, None)
        try:
            async with _errors(name, self.breaker):
                await self.client.indices.delete(index=name)
        except FullTextIndexNotFound:
            return

    async def index_exists(self, name: str) -> bool:
        validate_index_name(name)
        async with _errors(name, self.breaker):
            return bool(await self.client.indices.exists(index=name))

    # ------------------------------------------------------------ writes

    async def upsert(self, index: str, docs: Sequence[Document]) -> int:
        spec = await self._spec(index)
        for doc in docs:
            check_document(spec, doc)
        written = 0
        for start in range(0, len(docs), BULK_CHUNK):
            ops: list[dict[str, Any]] = []
            for doc in docs[start : start + BULK_CHUNK]:
                ops.append({"index": {"_index": index, "_id": doc.id}})
                ops.append(es_query.source(spec, doc.id, dict(doc.fields)))
            written += await self._bulk(index, ops, ok={"created", "updated"})
        return written

    async def delete(self, index: str, ids: Sequence[str]) -> int:
        await self._spec(index)
        for doc_id in ids:
            validate_doc_id(doc_id)
        deleted = 0
        for start in range(0, len(ids), BULK_CHUNK):
            ops = [{"delete": {"_index": index, "_id": doc_id}} for doc_id in ids[start : start + BULK_CHUNK]]
            deleted += await self._bulk(index, ops, ok={"deleted"}, tolerate={"not_found"})
        return deleted

    async def _bulk(
        self,
        index: str,
        ops: list[dict[str, Any]],
        *,
        ok: set[str],
        tolerate: frozenset[str] | set[str] = frozenset(),
    ) -> int:
        if not ops:
            return 0
        async with _errors(index, self.breaker):
            response = await self.client.bulk(operations=ops, refresh="wait_for")
        count = 0
        for item in response["items"]:
            (result,) = item.values()
            if result.get("result") in ok:
                count += 1
            elif result.get("result") not in tolerate:
                error = result.get("error", {})
                raise FullTextUnavailable(index=index, reason=f"{error.get('type')}: {error.get('reason')}")
        return count

    async def delete_by_filter(self, index: str, flt: Filter) -> int:
        spec = await self._spec(index)
        check_filter(spec, flt)
        async with _errors(index, self.breaker):
            response = await self.client.delete_by_query(
                index=index,
                query={"bool": {"filter": [es_query.query_filter(flt)]}},
                refresh=True,
                conflicts="proceed",
            )
        return int(response.get("deleted", 0))

    # ------------------------------------------------------------ search

    async def search(self, index: str, request: SearchRequest) -> SearchResult:
        spec = await self._spec(index)
        request.check(spec)
        words = analysis.query_words(request.text)
        if request.text.strip() and not words:
            return SearchResult(total=0, hits=[], next_cursor=None)
        async with _errors(index, self.breaker):
            response = await self.client.search(index=index, **es_query.search_body(spec, request, words))
        hits = []
        for raw in response["hits"]["hits"]:
            doc = raw["_source"]
            hit = Hit(id=doc["id"], score=float(raw["_score"] or 0.0), fields=_fields(spec, doc))
            if request.highlight is not None:
                hl = request.highlight
                for name, fragments in (raw.get("highlight") or {}).items():
                    original = hit.fields.get(name)
                    if isinstance(original, str) and fragments:
                        text = analysis.highlight(
                            original, fragments[0], hl.pre_tag, hl.post_tag, escape=hl.escape_html
                        )
                        if text is not None:
                            hit.highlights[name] = text
            hits.append(hit)
        last = response["hits"]["hits"][-1]["sort"] if hits else None
        cursor = (
            encode_cursor([float(last[0] or 0.0), str(last[1])])
            if last and len(hits) == request.size
            else None
        )
        if not request.exact_total:
            return SearchResult(request.offset + len(hits), hits, cursor, total_exact=False)
        return SearchResult(total=int(response["hits"]["total"]["value"]), hits=hits, next_cursor=cursor)


def _fields(spec: IndexSpec, doc: dict[str, Any]) -> dict[str, Value | None]:
    originals = doc.get(es_query.ORIGINALS) or {}
    out: dict[str, Value | None] = {}
    for f in spec.fields:
        if f.type is FieldType.TEXT:
            out[f.name] = originals.get(f.name)
        elif f.type is FieldType.DATE and doc.get(f.name) is not None:
            out[f.name] = from_epoch_ms(int(doc[f.name]))
        elif f.type is FieldType.FLOAT and doc.get(f.name) is not None:
            out[f.name] = float(doc[f.name])
        else:
            out[f.name] = doc.get(f.name)
    return out


def _reason(exc: BaseException) -> str:
    if isinstance(exc, es_errors.ApiError):
        return f"{exc.status_code} {exc.error}"
    return str(exc)[:200] or type(exc).__name__


class _errors:
    """Maps client errors to the port's: missing index, existing index, engine unavailable; and
    keeps the breaker: while it is open, calls fail at once without a request (docs/adr/0034)."""

    def __init__(self, index: str, breaker: Breaker) -> None:
        self.index = index
        self.breaker = breaker

    async def __aenter__(self) -> None:
        if not self.breaker.allow():
            raise self.breaker.refuse(FullTextUnavailable)

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object
    ) -> None:
        # Never swallows: re-raises as the port's error, or returns None and lets `exc` propagate.
        if exc is None:
            self.breaker.close()
            return
        if isinstance(exc, asyncio.CancelledError):
            self.breaker.release()
            return
        try:
            self._translate(exc)
        except FullTextUnavailable as unavailable:
            self.breaker.trip(str(unavailable))
            raise
        except DomainError:
            self.breaker.close()  # the engine answered, with an error about the request
            raise
        if isinstance(exc, FullTextUnavailable):  # raised in the body (a bulk item refused)
            self.breaker.trip(str(exc))
        elif isinstance(exc, DomainError):
            self.breaker.close()
        else:
            self.breaker.release()  # not an answer either way: let the next call probe

    def _translate(self, exc: BaseException | None) -> None:
        if exc is None:
            return
        if isinstance(exc, es_errors.ApiError):
            kind = str(exc.error)
            if kind == "index_not_found_exception" or (exc.status_code == 404 and "index" in kind):
                raise FullTextIndexNotFound(index=self.index) from exc
            if kind == "resource_already_exists_exception":
                raise FullTextIndexExists(index=self.index) from exc
            if exc.status_code == 400:
                raise InvalidInput(field="request", reason=_reason(exc)) from exc
            raise FullTextUnavailable(index=self.index, reason=_reason(exc)) from exc
        if isinstance(exc, es_errors.TransportError):
            raise FullTextUnavailable(index=self.index, reason=_reason(exc)) from exc
