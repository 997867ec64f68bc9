"""VectorStore over pymilvus: milvus-lite embedded (a local `.db` directory) or a Milvus server over gRPC.

Every call goes through the synchronous `MilvusClient` on a small private thread pool. pymilvus'
async client cannot create indexes on milvus-lite (it needs an RPC lite lacks), and one client for
DDL and DML keeps the two modes identical; the pool keeps slow vector calls from starving the
default executor.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import re
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Literal, TypeVar

import structlog
from pymilvus import AnnSearchRequest, MilvusClient, MilvusException, RRFRanker, WeightedRanker

from domain.common.errors import Unavailable
from domain.common.vector_filters import Filter, In, Scalar
from domain.common.vectors import (
    DEFAULT_FUSION,
    ID_FIELD,
    TEXT_FIELD,
    CollectionSpec,
    Fusion,
    InvalidVectorRequest,
    Metric,
    Rrf,
    VectorCapabilities,
    VectorCollectionExists,
    VectorCollectionNotFound,
    VectorFeatureUnsupported,
    VectorHit,
    VectorRecord,
    VectorStoreUnavailable,
    check_collection_name,
    check_id,
    check_query_text,
    check_records,
    check_top_k,
    check_vector,
    hybrid_candidates,
    scope_filter,
)
from infra.common.breaker import Breaker, never
from infra.privatefs import PRIVATE_DIR, PRIVATE_FILE, narrow, private_dir, private_umask
from infra.vectorstore.milvus_filters import compile_filter
from infra.vectorstore.milvus_schema import (
    NUM_PARTITIONS,
    SPARSE_FIELD,
    VECTOR_FIELD,
    build_index,
    build_schema,
    search_params,
    spec_from_milvus,
)

log = structlog.get_logger("cozeplus.vectorstore")
T = TypeVar("T")

Consistency = Literal["Strong", "Bounded", "Session", "Eventually"]
REMOTE_SCHEMES = ("http://", "https://", "tcp://", "unix:")
UPSERT_CHUNK = 1000
CHECK_CONNECT_TIMEOUT_S = 1.5
_COLLECTION_MISSING = 100
_COLLECTION_NOT_LOADED = 101
_VERSION = re.compile(r"(\d+)\.(\d+)")


def is_embedded(uri: str) -> bool:
    return not uri.startswith(REMOTE_SCHEMES)


def hybrid_supported(server_version: str) -> bool:
    """BM25 functions, sparse vectors and hybrid search arrived in Milvus 2.5; milvus-lite 3 has them."""
    if server_version.startswith("milvus_lite"):
        return True
    match = _VERSION.search(server_version)
    return match is not None and (int(match[1]), int(match[2])) >= (2, 5)


class MilvusVectorStore:
    name = "vectorstore"

    def __init__(
        self,
        uri: str,
        *,
        token: str = "",
        db_name: str = "",
        timeout_s: float = 30.0,
        connect_timeout_s: float = 3.0,
        consistency: Consistency = "Strong",
        threads: int = 4,
    ) -> None:
        self.embedded = is_embedded(uri)
        if self.embedded and not uri.endswith(".db"):
            raise ValueError(f"an embedded milvus-lite location must be a path ending in .db, got {uri!r}")
        self.uri = str(Path(uri).expanduser().resolve()) if self.embedded else uri
        self._token, self._db_name = token, db_name
        self._timeout, self._connect_timeout = timeout_s, connect_timeout_s
        self._consistency = consistency
        self._threads = threads
        self._pool: ThreadPoolExecutor | None = None
        self._connect_lock = threading.Lock()
        self._client: MilvusClient | None = None
        self._version = ""
        self._last_error = "not started"
        self._specs: dict[str, CollectionSpec] = {}
        self._loaded: set[str] = set()
        self.breaker = Breaker("milvus")
        # pymilvus logs every failed RPC with a traceback; we translate and report failures ourselves.
        logging.getLogger("pymilvus").setLevel(logging.CRITICAL)

    @property
    def adapter(self) -> str:
        return "milvus-lite" if self.embedded else "milvus-grpc"

    # ------------------------------------------------------------ lifecycle and health

    async def start(self) -> None:
        try:
            await self._run(self._connected, self._connect_timeout)
        except Unavailable:
            # Degraded, not fatal: /readyz says why and the next call (or probe) tries again.
            log.warning("vectorstore_unavailable", adapter=self.adapter, reason=self._last_error)
            return
        log.info("vectorstore_connected", adapter=self.adapter, version=self._version)

    async def stop(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await self._run(client.close)
        if self.embedded:
            # The in-process lite server outlives its clients until exit; stop it to free the directory lock.
            from milvus_lite.server_manager import server_manager_instance

            await self._run(server_manager_instance.release_server, self.uri)
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False)
        self._specs.clear()
        self._loaded.clear()

    async def check(self) -> tuple[bool, str]:
        started = time.perf_counter()
        try:
            client = await self._run(self._connected, CHECK_CONNECT_TIMEOUT_S, False)
            version = await self._run(client.get_server_version, timeout=CHECK_CONNECT_TIMEOUT_S)
        except Unavailable:
            return False, self._last_error
        except Exception as exc:  # readiness reports, never raises
            return False, f"{type(exc).__name__}: {_reason(exc)}"
        return True, f"{version}, {(time.perf_counter() - started) * 1000:.1f} ms"

    async def capabilities(self) -> VectorCapabilities:
        await self._run(self._connected, self._connect_timeout)
        return VectorCapabilities(hybrid=hybrid_supported(self._version))

    # ------------------------------------------------------------ collections

    async def create_collection(self, spec: CollectionSpec) -> None:
        if spec.has_text and not (await self.capabilities()).hybrid:
            raise VectorFeatureUnsupported("a BM25 text field", f"{self.adapter} {self._version}")
        if await self.has_collection(spec.name):
            raise VectorCollectionExists(spec.name)
        extra: dict[str, Any] = {"num_partitions": NUM_PARTITIONS} if spec.partition_key else {}

        def create(c: MilvusClient) -> None:
            c.create_collection(
                spec.name,
                schema=build_schema(spec),
                consistency_level=self._consistency,
                timeout=self._timeout,
                **extra,
            )
            try:
                # sync=False: waiting for the (empty) index polls every 0.5 s through AllocTimestamp,
                # an RPC milvus-lite lacks; loading waits for the index anyway.
                c.create_index(spec.name, build_index(spec), timeout=self._timeout, sync=False)
                c.load_collection(spec.name, timeout=self._timeout)
            except Exception:
                c.drop_collection(spec.name, timeout=self._timeout)  # no half-made collections
                raise

        await self._call(spec.name, create)
        self._specs[spec.name] = spec
        self._loaded.add(spec.name)

    async def drop_collection(self, name: str) -> bool:
        check_collection_name(name)
        self._specs.pop(name, None)
        self._loaded.discard(name)
        if not await self.has_collection(name):
            return False
        await self._call(name, lambda c: c.drop_collection(name, timeout=self._timeout))
        return True

    async def has_collection(self, name: str) -> bool:
        check_collection_name(name)
        return bool(await self._call(name, lambda c: c.has_collection(name, timeout=self._timeout)))

    async def describe_collection(self, name: str) -> CollectionSpec:
        check_collection_name(name)
        cached = self._specs.get(name)
        if cached is not None:
            return cached

        def describe(c: MilvusClient) -> CollectionSpec:
            description = c.describe_collection(name, timeout=self._timeout)
            index = c.describe_index(name, VECTOR_FIELD, timeout=self._timeout)
            return spec_from_milvus(name, description, index or {})

        try:
            spec = await self._call(name, describe)
        except InvalidVectorRequest as exc:
            raise InvalidVectorRequest(f"collection {name} was not created by cozeplus: {exc}") from exc
        self._specs[name] = spec
        return spec

    async def flush(self, collection: str) -> None:
        await self.describe_collection(collection)
        await self._call(collection, lambda c: c.flush(collection, timeout=self._timeout))

    async def reload(self, collection: str, *, timeout_s: float = 3600.0) -> None:
        """Release and load `collection` again; returns once every segment's index is built or read back.

        Not part of the port: after `flush`, milvus-lite builds HNSW indexes in the background and
        searches brute-force until then. Benchmarks and maintenance use this to wait for the index;
        searches on the collection fail while it runs. Building HNSW for 100k vectors takes minutes,
        hence its own timeout.
        """
        await self.describe_collection(collection)
        await self._call(collection, lambda c: c.release_collection(collection, timeout=self._timeout))
        self._loaded.discard(collection)
        await self._call(collection, lambda c: c.load_collection(collection, timeout=timeout_s))
        self._loaded.add(collection)

    # ------------------------------------------------------------ writes

    async def upsert(self, collection: str, records: Sequence[VectorRecord]) -> int:
        spec = await self.describe_collection(collection)
        rows = check_records(spec, records)
        for start in range(0, len(rows), UPSERT_CHUNK):
            chunk = rows[start : start + UPSERT_CHUNK]
            await self._call(collection, functools.partial(self._upsert_chunk, collection, chunk))
        return len(rows)

    def _upsert_chunk(self, collection: str, rows: list[dict[str, object]], client: MilvusClient) -> None:
        client.upsert(collection, rows, timeout=self._timeout)

    async def delete(self, collection: str, where: Filter, *, partition: Scalar | None = None) -> None:
        spec = await self.describe_collection(collection)
        scoped = scope_filter(spec, where, partition, required=False)
        assert scoped is not None  # `where` is required, so the scope is never empty
        expr = compile_filter(scoped)
        await self._call(collection, lambda c: c.delete(collection, filter=expr, timeout=self._timeout))

    # ------------------------------------------------------------ reads

    async def count(
        self, collection: str, where: Filter | None = None, *, partition: Scalar | None = None
    ) -> int:
        spec = await self.describe_collection(collection)
        scoped = scope_filter(spec, where, partition, required=False)
        expr = compile_filter(scoped) if scoped is not None else ""
        rows = await self._read(
            collection,
            lambda c: c.query(
                collection,
                filter=expr,
                output_fields=["count(*)"],
                consistency_level=self._consistency,
                timeout=self._timeout,
            ),
        )
        return int(rows[0]["count(*)"]) if rows else 0

    async def get(self, collection: str, ids: Sequence[str]) -> list[VectorRecord]:
        spec = await self.describe_collection(collection)
        wanted = [check_id(i) for i in ids]
        if not wanted:
            return []
        expr = compile_filter(In(ID_FIELD, tuple(wanted)))
        output = [*_scalar_names(spec), VECTOR_FIELD]
        rows = await self._read(
            collection,
            lambda c: c.query(
                collection,
                filter=expr,
                output_fields=output,
                consistency_level=self._consistency,
                timeout=self._timeout,
            ),
        )
        return [
            VectorRecord(
                id=str(row[ID_FIELD]),
                vector=[float(x) for x in row[VECTOR_FIELD]],
                fields={f.name: row[f.name] for f in spec.fields},
                text=row.get(TEXT_FIELD) if spec.has_text else None,
            )
            for row in rows
        ]

    async def search(
        self,
        collection: str,
        vector: Sequence[float],
        *,
        top_k: int = 10,
        where: Filter | None = None,
        partition: Scalar | None = None,
    ) -> list[VectorHit]:
        spec = await self.describe_collection(collection)
        query = check_vector(spec, vector)
        limit = check_top_k(top_k)
        scoped = scope_filter(spec, where, partition, required=True)
        expr = compile_filter(scoped) if scoped is not None else ""
        results = await self._read(
            collection,
            lambda c: c.search(
                collection,
                data=[query],
                anns_field=VECTOR_FIELD,
                limit=limit,
                filter=expr,
                output_fields=_scalar_names(spec),
                search_params=search_params(spec, limit),
                consistency_level=self._consistency,
                timeout=self._timeout,
            ),
        )
        negate = spec.metric is Metric.L2
        return [_hit(spec, h, negate=negate) for h in results[0]]

    async def hybrid_search(
        self,
        collection: str,
        vector: Sequence[float],
        text: str,
        *,
        top_k: int = 10,
        where: Filter | None = None,
        partition: Scalar | None = None,
        fusion: Fusion = DEFAULT_FUSION,
    ) -> list[VectorHit]:
        if not (await self.capabilities()).hybrid:
            raise VectorFeatureUnsupported("hybrid search", f"{self.adapter} {self._version}")
        spec = await self.describe_collection(collection)
        check_query_text(spec, text)
        query = check_vector(spec, vector)
        limit = check_top_k(top_k)
        scoped = scope_filter(spec, where, partition, required=True)
        expr = compile_filter(scoped) if scoped is not None else ""
        candidates = hybrid_candidates(limit)
        requests = [
            AnnSearchRequest([query], VECTOR_FIELD, search_params(spec, candidates), candidates, expr=expr),
            AnnSearchRequest([text], SPARSE_FIELD, {"metric_type": "BM25"}, candidates, expr=expr),
        ]
        ranker = (
            RRFRanker(fusion.k) if isinstance(fusion, Rrf) else WeightedRanker(fusion.dense, fusion.sparse)
        )
        results = await self._read(
            collection,
            lambda c: c.hybrid_search(
                collection,
                requests,
                ranker,
                limit=limit,
                output_fields=_scalar_names(spec),
                consistency_level=self._consistency,
                timeout=self._timeout,
            ),
        )
        return [_hit(spec, h, negate=False) for h in results[0]]

    # ------------------------------------------------------------ plumbing

    async def _run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self._threads, thread_name_prefix="milvus")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, functools.partial(fn, *args, **kwargs))

    def _connected(self, timeout: float, wait: bool = True) -> MilvusClient:
        """The client, connecting first if needed (on a pool thread). Unavailable if that fails."""
        client = self._client
        if client is not None:
            return client
        if not self._connect_lock.acquire(blocking=wait):
            raise VectorStoreUnavailable(reason="connecting")
        try:
            if self._client is None:
                if self.embedded:
                    private_dir(Path(self.uri).parent)  # milvus-lite makes its files with the umask
                try:
                    # milvus-lite's server process inherits the umask: all it writes comes out private.
                    with private_umask() if self.embedded else contextlib.nullcontext():
                        client = MilvusClient(
                            self.uri,
                            token=self._token,
                            db_name=self._db_name,
                            timeout=timeout,
                            dedicated=True,
                        )
                    self._version = str(client.get_server_version(timeout=timeout))
                except Exception as exc:
                    if self.embedded:
                        # milvus-lite locks its directory: one process at a time (use a server for more).
                        self._last_error = (
                            f"cannot open embedded milvus-lite at {self.uri}: {_reason(exc)} "
                            "(is another process using this directory?)"
                        )
                    else:
                        self._last_error = f"cannot reach Milvus at {self.uri}: {_reason(exc)}"
                    raise VectorStoreUnavailable(reason=self._last_error) from exc
                if self.embedded:
                    _narrow_embedded_files(Path(self.uri))
                self._client = client
            return self._client
        finally:
            self._connect_lock.release()

    async def _call(self, collection: str, op: Callable[[MilvusClient], T]) -> T:
        def invoke() -> T:
            return op(self._connected(self._connect_timeout))

        async def attempt() -> T:
            try:
                return await self._run(invoke)
            except MilvusException as exc:
                raise self._translate(collection, exc) from exc

        # Bounded by pymilvus's own per-call timeouts; after a failure the breaker fails calls fast.
        return await self.breaker.call(attempt, VectorStoreUnavailable, bounded=False, is_failure=never)

    async def _read(self, collection: str, op: Callable[[MilvusClient], T]) -> T:
        """A query or search; loads the collection first when this process has not (or it was released)."""
        if collection not in self._loaded:
            await self._call(collection, lambda c: c.load_collection(collection, timeout=self._timeout))
            self._loaded.add(collection)
        try:
            return await self._call(collection, op)
        except _NotLoaded:
            await self._call(collection, lambda c: c.load_collection(collection, timeout=self._timeout))
            return await self._call(collection, op)

    def _translate(self, collection: str, exc: MilvusException) -> Exception:
        code, reason = getattr(exc, "code", None), _reason(exc)
        lowered = reason.lower()
        if code == _COLLECTION_MISSING or (
            "collection" in lowered and ("not exist" in lowered or "not found" in lowered)
        ):
            self._specs.pop(collection, None)
            self._loaded.discard(collection)
            return VectorCollectionNotFound(collection)
        if code == _COLLECTION_NOT_LOADED:
            self._loaded.discard(collection)
            return _NotLoaded(reason)
        if code == 2 or "unavailable" in lowered or "connect" in lowered:
            self._last_error = f"Milvus at {self.uri} unreachable: {reason}"
            return VectorStoreUnavailable(reason=self._last_error)
        return RuntimeError(f"milvus call on {collection} failed: {reason}")


class _NotLoaded(Exception):
    """The collection was released (e.g. by another process); load and retry once."""


def _reason(exc: BaseException) -> str:
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return str(message).splitlines()[0][:300]


def _scalar_names(spec: CollectionSpec) -> list[str]:
    return [f.name for f in spec.fields] + ([TEXT_FIELD] if spec.has_text else [])


def _hit(spec: CollectionSpec, raw: Any, *, negate: bool) -> VectorHit:
    entity = raw.get("entity", {}) or {}
    distance = float(raw["distance"])
    return VectorHit(
        id=str(raw["id"]),
        score=-distance if negate else distance,
        fields={f.name: entity[f.name] for f in spec.fields if f.name in entity},
        text=entity.get(TEXT_FIELD) if spec.has_text else None,
    )


def _narrow_embedded_files(db: Path) -> None:
    """milvus-lite's database file and its companions (lock, WAL) next to it: 0600."""
    for path in db.parent.glob(f"*{db.name}*"):
        narrow(path, PRIVATE_DIR if path.is_dir() else PRIVATE_FILE)
