"""The vector store port: collections of dense vectors with typed scalar fields and optional BM25 text.

A collection always has a string primary key `id` and a dense `vector`; it may declare scalar fields
(one of them the partition key, e.g. the space id, so tenants are stored and searched apart) and a
`text` field indexed for BM25, which enables hybrid (dense + keyword) search.

Scores are "higher is closer" for every metric: COSINE and IP similarities as the engine returns
them, L2 distances negated; fused hybrid scores as the fusion computes them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from domain.common.errors import Conflict, DomainError, NotFound, Unavailable
from domain.common.vector_filters import (
    And,
    Eq,
    FieldType,
    Filter,
    InvalidVectorRequest,
    Scalar,
    check_filter,
    check_scalar,
)

__all__ = [
    "CollectionSpec",
    "FieldType",
    "Filter",
    "InvalidVectorRequest",
    "Metric",
    "Rrf",
    "Scalar",
    "ScalarField",
    "VectorCapabilities",
    "VectorCollectionExists",
    "VectorCollectionNotFound",
    "VectorFeatureUnsupported",
    "VectorHit",
    "VectorRecord",
    "VectorStore",
    "Weighted",
]

ID_FIELD = "id"
TEXT_FIELD = "text"
MAX_ID_BYTES = 128
MAX_DIMENSION = 32768
MAX_TOP_K = 1024
MAX_STRING_BYTES = 65535
MAX_BATCH = 10_000
MAX_FIELDS = 64
MAX_QUERY_TEXT_BYTES = 4096  # hybrid search's keyword query

_COLLECTION_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
# Our own columns plus words of the Milvus expression grammar, so a field name is never read as syntax.
RESERVED_FIELDS = frozenset(
    {"id", "vector", "text", "sparse", "and", "or", "not", "in", "like", "true", "false", "exists"}
    | {"is", "null", "json_contains", "array_contains", "array_length", "text_match", "count"}
)


class Metric(StrEnum):
    COSINE = "COSINE"
    IP = "IP"
    L2 = "L2"


class VectorCollectionNotFound(NotFound):
    message_key = "error.not_found"

    def __init__(self, name: str) -> None:
        super().__init__(name=name)
        self.name = name

    def __str__(self) -> str:
        return f"vector collection {self.name!r} does not exist"


class VectorStoreUnavailable(Unavailable):
    """The vector store did not answer (down, cut off, timing out); retry later."""

    message_key = "vectors.unavailable"


class VectorCollectionExists(Conflict):
    message_key = "error.conflict"

    def __init__(self, name: str) -> None:
        super().__init__(name=name)
        self.name = name

    def __str__(self) -> str:
        return f"vector collection {self.name!r} already exists"


class VectorFeatureUnsupported(DomainError):
    """The configured adapter cannot do this (e.g. hybrid search on a Milvus without BM25)."""

    message_key = "error.invalid_params"

    def __init__(self, feature: str, adapter: str) -> None:
        super().__init__(detail=f"{feature} is not supported by the {adapter} vector store")
        self.feature, self.adapter = feature, adapter

    def __str__(self) -> str:
        return str(self.params["detail"])


def check_collection_name(name: object) -> str:
    if not isinstance(name, str) or not _COLLECTION_NAME.fullmatch(name):
        raise InvalidVectorRequest(
            f"invalid collection name {str(name)[:80]!r}: "
            "use 1-128 letters, digits or _, not starting with a digit"
        )
    return name


@dataclass(frozen=True, slots=True)
class ScalarField:
    name: str
    type: FieldType
    max_length: int = 256  # bytes, strings only
    partition_key: bool = False

    def __post_init__(self) -> None:
        if not _FIELD_NAME.fullmatch(self.name) or self.name.lower() in RESERVED_FIELDS:
            raise InvalidVectorRequest(
                f"invalid field name {self.name[:80]!r}: 1-64 letters, digits or _, and not a reserved word"
            )
        if not 1 <= self.max_length <= MAX_STRING_BYTES:
            raise InvalidVectorRequest(f"{self.name}: max_length must be 1..{MAX_STRING_BYTES}")
        if self.partition_key and self.type not in (FieldType.STRING, FieldType.INT):
            raise InvalidVectorRequest(f"{self.name}: a partition key must be a string or int field")


@dataclass(frozen=True, slots=True)
class CollectionSpec:
    name: str
    dimension: int
    metric: Metric = Metric.COSINE
    fields: tuple[ScalarField, ...] = ()
    # Set to store a `text` column of at most this many bytes, indexed with BM25 for hybrid search.
    text_max_length: int | None = None

    def __post_init__(self) -> None:
        check_collection_name(self.name)
        if not isinstance(self.dimension, int) or not 2 <= self.dimension <= MAX_DIMENSION:
            raise InvalidVectorRequest(f"dimension must be 2..{MAX_DIMENSION}")
        if len(self.fields) > MAX_FIELDS:
            raise InvalidVectorRequest(f"at most {MAX_FIELDS} scalar fields")
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise InvalidVectorRequest("field names must be unique")
        if sum(f.partition_key for f in self.fields) > 1:
            raise InvalidVectorRequest("at most one partition key field")
        if self.text_max_length is not None and not 1 <= self.text_max_length <= MAX_STRING_BYTES:
            raise InvalidVectorRequest(f"text_max_length must be 1..{MAX_STRING_BYTES}")

    @property
    def partition_key(self) -> ScalarField | None:
        return next((f for f in self.fields if f.partition_key), None)

    @property
    def has_text(self) -> bool:
        return self.text_max_length is not None

    def field_types(self) -> dict[str, FieldType]:
        """Every name a filter may use: the id plus the declared scalar fields."""
        return {ID_FIELD: FieldType.STRING, **{f.name: f.type for f in self.fields}}


@dataclass(frozen=True, slots=True)
class VectorRecord:
    id: str
    vector: Sequence[float]
    fields: Mapping[str, Scalar] = field(default_factory=dict)
    text: str | None = None


@dataclass(frozen=True, slots=True)
class VectorHit:
    id: str
    score: float  # higher is closer
    fields: Mapping[str, Scalar]
    text: str | None = None


@dataclass(frozen=True, slots=True)
class Rrf:
    """Reciprocal rank fusion: sum of 1 / (k + rank) over the dense and keyword result lists."""

    k: int = 60

    def __post_init__(self) -> None:
        if not 1 <= self.k <= 16384:
            raise InvalidVectorRequest("rrf k must be 1..16384")


@dataclass(frozen=True, slots=True)
class Weighted:
    """Weighted sum of the (normalized) dense and keyword scores."""

    dense: float = 0.5
    sparse: float = 0.5

    def __post_init__(self) -> None:
        for weight in (self.dense, self.sparse):
            if not (math.isfinite(weight) and 0.0 <= weight <= 1.0):
                raise InvalidVectorRequest("fusion weights must be between 0 and 1")


Fusion = Rrf | Weighted
DEFAULT_FUSION = Rrf()


@dataclass(frozen=True, slots=True)
class VectorCapabilities:
    hybrid: bool  # BM25 text + sparse vectors + fused search


class VectorStore(Protocol):
    """Collections are created by their owner (e.g. knowledge, one per dataset) and named by it."""

    name: str

    @property
    def adapter(self) -> str: ...

    async def capabilities(self) -> VectorCapabilities: ...

    async def create_collection(self, spec: CollectionSpec) -> None:
        """Create `spec`; VectorCollectionExists if the name is taken.

        VectorFeatureUnsupported if `spec` has text but the adapter has no hybrid search."""
        ...

    async def drop_collection(self, name: str) -> bool:
        """Drop it; False if there was none."""
        ...

    async def has_collection(self, name: str) -> bool: ...

    async def describe_collection(self, name: str) -> CollectionSpec: ...

    async def upsert(self, collection: str, records: Sequence[VectorRecord]) -> int:
        """Insert or overwrite by id (whole records). Returns how many were written."""
        ...

    async def delete(self, collection: str, where: Filter, *, partition: Scalar | None = None) -> None:
        """Delete every record matching `where` (restricted to `partition` when given)."""
        ...

    async def count(
        self, collection: str, where: Filter | None = None, *, partition: Scalar | None = None
    ) -> int: ...

    async def get(self, collection: str, ids: Sequence[str]) -> list[VectorRecord]:
        """The stored records among `ids`, in no particular order."""
        ...

    async def search(
        self,
        collection: str,
        vector: Sequence[float],
        *,
        top_k: int = 10,
        where: Filter | None = None,
        partition: Scalar | None = None,
    ) -> list[VectorHit]:
        """The `top_k` closest records, best first. A partitioned collection requires `partition`."""
        ...

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
        """Dense and BM25 keyword search fused by `fusion`, best first.

        VectorFeatureUnsupported when the adapter or the collection has no text index."""
        ...

    async def flush(self, collection: str) -> None:
        """Seal recent writes; call after bulk loads so searches run on indexed data."""
        ...


# ---------------------------------------------------------------- checks every adapter shares


def check_vector(spec: CollectionSpec, vector: object) -> list[float]:
    if isinstance(vector, str | bytes) or not isinstance(vector, Sequence):
        raise InvalidVectorRequest("a vector must be a sequence of numbers")
    if len(vector) != spec.dimension:
        raise InvalidVectorRequest(
            f"vector has {len(vector)} dimensions, collection {spec.name} has {spec.dimension}"
        )
    values: list[float] = []
    for x in vector:
        if isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x):
            raise InvalidVectorRequest("vector components must be finite numbers (no NaN or infinity)")
        values.append(float(x))
    if spec.metric is Metric.COSINE and not any(values):
        raise InvalidVectorRequest("a zero vector has no direction; COSINE needs a non-zero vector")
    return values


def check_id(value: object) -> str:
    if not isinstance(value, str) or not value or len(value.encode()) > MAX_ID_BYTES or "\x00" in value:
        raise InvalidVectorRequest(f"ids must be non-empty strings of at most {MAX_ID_BYTES} bytes")
    return value


def check_record(spec: CollectionSpec, record: VectorRecord) -> dict[str, object]:
    """The record as a flat row (id, vector, fields, text), or InvalidVectorRequest."""
    row: dict[str, object] = {ID_FIELD: check_id(record.id), "vector": check_vector(spec, record.vector)}
    unknown = set(record.fields) - {f.name for f in spec.fields}
    if unknown:
        raise InvalidVectorRequest(f"unknown field(s) {sorted(unknown)[:5]} for collection {spec.name}")
    for declared in spec.fields:
        if declared.name not in record.fields:
            raise InvalidVectorRequest(f"record {record.id!r} lacks field {declared.name!r}")
        row[declared.name] = check_scalar(
            declared.name, declared.type, record.fields[declared.name], max_length=declared.max_length
        )
    if record.text is not None and not spec.has_text:
        raise InvalidVectorRequest(f"collection {spec.name} has no text field")
    if spec.has_text:
        row[TEXT_FIELD] = check_scalar(
            TEXT_FIELD, FieldType.STRING, record.text or "", max_length=spec.text_max_length
        )
    return row


def check_records(spec: CollectionSpec, records: Sequence[VectorRecord]) -> list[dict[str, object]]:
    if len(records) > MAX_BATCH:
        raise InvalidVectorRequest(f"at most {MAX_BATCH} records per upsert")
    rows = [check_record(spec, r) for r in records]
    if len({r[ID_FIELD] for r in rows}) != len(rows):
        raise InvalidVectorRequest("duplicate ids in one upsert")
    return rows


def check_top_k(top_k: object) -> int:
    if isinstance(top_k, bool) or not isinstance(top_k, int) or not 1 <= top_k <= MAX_TOP_K:
        raise InvalidVectorRequest(f"top_k must be 1..{MAX_TOP_K}")
    return top_k


def check_query_text(spec: CollectionSpec, text: object) -> str:
    """The keyword side of a hybrid search: it needs a text field and a query
    of 1..MAX_QUERY_TEXT_BYTES bytes."""
    if not spec.has_text:
        raise InvalidVectorRequest(f"collection {spec.name} has no text field; hybrid search needs one")
    if not isinstance(text, str) or not text.strip() or len(text.encode()) > MAX_QUERY_TEXT_BYTES:
        raise InvalidVectorRequest(f"hybrid search needs query text of 1..{MAX_QUERY_TEXT_BYTES} bytes")
    return text


def hybrid_candidates(limit: int) -> int:
    """How many candidates each side of a hybrid search proposes: more than asked for, so fusion can
    promote a record that ranks well in both lists but tops neither."""
    return min(MAX_TOP_K, max(3 * limit, 30))


def scope_filter(
    spec: CollectionSpec, where: Filter | None, partition: Scalar | None, *, required: bool
) -> Filter | None:
    """`where` checked against `spec` and narrowed to `partition`.

    A search on a partitioned collection must name its partition, so no caller can read across
    tenants by forgetting a filter."""
    if where is not None:
        check_filter(where, spec.field_types())
    key = spec.partition_key
    if partition is None:
        if key is not None and required:
            raise InvalidVectorRequest(f"collection {spec.name} is partitioned by {key.name}: pass partition")
        return where
    if key is None:
        raise InvalidVectorRequest(f"collection {spec.name} has no partition key")
    scoped = Eq(key.name, check_scalar(key.name, key.type, partition, max_length=key.max_length))
    return scoped if where is None else And(scoped, where)
