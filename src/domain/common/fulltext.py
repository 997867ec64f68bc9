"""Full-text index port: declared mappings, bulk upsert, deletes, filtered search with highlights.

Indexes are declared up front (`IndexSpec`): every field has a type, text fields a language. Filters
are a small typed tree (`Term`, `Terms`, `Range`, `And`, `Or`, `Not`) that adapters translate
structurally into their own query language; user strings never become query syntax. Query text is
always plain words: quotes, `*`, `OR`, `NEAR(` and friends are searched for, not obeyed.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Protocol, TypeAlias

from domain.common.errors import Conflict, InvalidInput, NotFound, Unavailable
from domain.common.jsonvalue import parse_json_bytes

INDEX_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
# `id` holds the document id in every adapter; `__` is where adapters keep companion fields.
RESERVED_FIELDS = frozenset({"id"})
MAX_ID_LENGTH = 512
MAX_CURSOR_CHARS = 12 * MAX_ID_LENGTH + 64  # a score and an id, JSON-escaped (\ud83d\ude00 per char)
MAX_PAGE_SIZE = 1000
MAX_OFFSET = 10_000  # deep pages go through `after` cursors (Elasticsearch's max_result_window)
MAX_FILTER_VALUES = 1024


class FullTextIndexNotFound(NotFound):
    message_key = "error.fulltext.index_not_found"


class FullTextIndexExists(Conflict):
    message_key = "error.fulltext.index_exists"


class FullTextUnavailable(Unavailable):
    """The backing engine did not answer (down, timed out, refused the request)."""

    message_key = "error.fulltext.unavailable"


class FieldType(StrEnum):
    TEXT = "text"  # analysed words, searchable and highlightable
    KEYWORD = "keyword"  # exact string, filterable
    INTEGER = "integer"  # signed 64-bit
    FLOAT = "float"
    BOOLEAN = "boolean"
    DATE = "date"  # timezone-aware datetime, millisecond precision


class Language(StrEnum):
    """How a text field is analysed. Chinese is segmented into words in both; `en` also stems."""

    ENGLISH = "en"
    CHINESE = "zh"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    type: FieldType
    language: Language = Language.ENGLISH

    def __post_init__(self) -> None:
        if not FIELD_NAME.match(self.name) or "__" in self.name or self.name in RESERVED_FIELDS:
            raise InvalidInput(field="name", reason=f"invalid field name {self.name!r}")


@dataclass(frozen=True, slots=True)
class IndexSpec:
    name: str
    fields: tuple[FieldSpec, ...]

    def __post_init__(self) -> None:
        validate_index_name(self.name)
        if not self.fields:
            raise InvalidInput(field="fields", reason="an index needs at least one field")
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise InvalidInput(field="fields", reason="duplicate field names")

    def field(self, name: str) -> FieldSpec:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise InvalidInput(field=name, reason=f"unknown field {name!r} in index {self.name!r}")

    @property
    def text_fields(self) -> tuple[FieldSpec, ...]:
        return tuple(f for f in self.fields if f.type is FieldType.TEXT)

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "fields": [[f.name, f.type.value, f.language.value] for f in self.fields]}

    @classmethod
    def from_dict(cls, raw: Mapping[str, object]) -> IndexSpec:
        rows = raw["fields"]
        assert isinstance(rows, list)
        return cls(str(raw["name"]), tuple(FieldSpec(n, FieldType(t), Language(lang)) for n, t, lang in rows))


def validate_index_name(name: str) -> str:
    if not isinstance(name, str) or not INDEX_NAME.match(name):
        raise InvalidInput(field="index", reason="index names are 1-63 of a-z, 0-9, _ and -, starting a-z")
    return name


def validate_doc_id(doc_id: str) -> str:
    if not isinstance(doc_id, str) or not doc_id or len(doc_id) > MAX_ID_LENGTH or "\x00" in doc_id:
        raise InvalidInput(field="id", reason=f"document ids are 1-{MAX_ID_LENGTH} characters, no NUL")
    return doc_id


Value: TypeAlias = str | int | float | bool | datetime
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_epoch_ms(value: datetime) -> int:
    """Exact milliseconds since the epoch (dates are stored at millisecond precision)."""
    return (value - EPOCH) // timedelta(milliseconds=1)


def from_epoch_ms(ms: int) -> datetime:
    return EPOCH + timedelta(milliseconds=ms)


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    fields: Mapping[str, Value | None]


def check_value(spec: FieldSpec, value: object) -> Value:
    """The value if it fits the field's declared type, else InvalidInput."""
    ok = {
        FieldType.TEXT: isinstance(value, str),
        FieldType.KEYWORD: isinstance(value, str),
        FieldType.INTEGER: isinstance(value, int)
        and not isinstance(value, bool)
        and -(2**63) <= value < 2**63,
        FieldType.FLOAT: isinstance(value, int | float) and not isinstance(value, bool),
        FieldType.BOOLEAN: isinstance(value, bool),
        FieldType.DATE: isinstance(value, datetime) and value.tzinfo is not None,
    }[spec.type]
    if not ok:
        raise InvalidInput(field=spec.name, reason=f"expected a {spec.type.value} value")
    return value  # type: ignore[return-value]


def check_document(index: IndexSpec, doc: Document) -> Document:
    validate_doc_id(doc.id)
    for name, value in doc.fields.items():
        spec = index.field(name)
        if value is not None:
            check_value(spec, value)
    return doc


# ---------------------------------------------------------------- filters


@dataclass(frozen=True, slots=True)
class Term:
    field: str
    value: Value


@dataclass(frozen=True, slots=True)
class Terms:
    field: str
    values: tuple[Value, ...]


@dataclass(frozen=True, slots=True)
class Range:
    field: str
    gt: Value | None = None
    gte: Value | None = None
    lt: Value | None = None
    lte: Value | None = None


@dataclass(frozen=True, slots=True)
class And:
    filters: tuple[Filter, ...]


@dataclass(frozen=True, slots=True)
class Or:
    filters: tuple[Filter, ...]


@dataclass(frozen=True, slots=True)
class Not:
    filter: Filter


Filter: TypeAlias = Term | Terms | Range | And | Or | Not


def check_filter(index: IndexSpec, flt: Filter, depth: int = 0) -> None:
    """Rejects filters on unknown or text fields, values of the wrong type, and absurd nesting."""
    if depth > 16:
        raise InvalidInput(field="filter", reason="filter nested too deeply")
    if isinstance(flt, And | Or):
        if not flt.filters:
            raise InvalidInput(field="filter", reason="and/or need at least one filter")
        for inner in flt.filters:
            check_filter(index, inner, depth + 1)
        return
    if isinstance(flt, Not):
        check_filter(index, flt.filter, depth + 1)
        return
    if not isinstance(flt, Term | Terms | Range):
        raise InvalidInput(field="filter", reason=f"unsupported filter {type(flt).__name__}")
    _check_leaf(index.field(flt.field), flt)


def _check_leaf(spec: FieldSpec, flt: Term | Terms | Range) -> None:
    if spec.type is FieldType.TEXT:
        raise InvalidInput(field=spec.name, reason="text fields are searched, not filtered")
    if isinstance(flt, Term):
        values: tuple[Value | None, ...] = (flt.value,)
    elif isinstance(flt, Terms):
        if not flt.values or len(flt.values) > MAX_FILTER_VALUES:
            raise InvalidInput(field=spec.name, reason=f"terms needs 1-{MAX_FILTER_VALUES} values")
        values = flt.values
    else:
        values = tuple(b for b in (flt.gt, flt.gte, flt.lt, flt.lte) if b is not None)
        if not values or spec.type is FieldType.BOOLEAN:
            raise InvalidInput(field=spec.name, reason="range needs a bound on a keyword/number/date field")
    for value in values:
        check_value(spec, value)


# ---------------------------------------------------------------- search


@dataclass(frozen=True, slots=True)
class Highlight:
    """Marks matched words in the stored text of `fields` (default: the searched fields).

    The whole field value comes back with `pre_tag`/`post_tag` around matches; with `escape_html`
    the text itself is HTML-escaped first, so the result is safe to render.
    """

    fields: tuple[str, ...] = ()
    pre_tag: str = "<em>"
    post_tag: str = "</em>"
    escape_html: bool = True


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """`text` empty means "match everything" (filter-only listing), ordered by id.

    Results are ordered by relevance, ties by id. Page with `offset` (shallow) or with the
    `next_cursor` of the previous page as `after` (deep, stable under concurrent writes).

    `exact_total=False` is the top-k mode retrieval uses: the engine need not count every match,
    and `SearchResult.total` is then only a lower bound (offset + hits on this page) with
    `total_exact` False. Hits, order, scores and cursors mean the same in both modes.
    """

    text: str = ""
    fields: tuple[str, ...] = ()  # text fields to search; default all
    filter: Filter | None = None
    match_all_words: bool = False  # every query word must occur in one field (else: any word)
    highlight: Highlight | None = None
    size: int = 10
    offset: int = 0
    after: str | None = None
    exact_total: bool = True

    def check(self, index: IndexSpec) -> None:
        if not 0 <= self.size <= MAX_PAGE_SIZE:
            raise InvalidInput(field="size", reason=f"size must be 0-{MAX_PAGE_SIZE}")
        if not 0 <= self.offset <= MAX_OFFSET:
            raise InvalidInput(field="offset", reason=f"offset must be 0-{MAX_OFFSET}; use cursors")
        if self.after is not None and self.offset:
            raise InvalidInput(field="after", reason="use either offset or a cursor, not both")
        for name in (*self.fields, *(self.highlight.fields if self.highlight else ())):
            if index.field(name).type is not FieldType.TEXT:
                raise InvalidInput(field=name, reason="only text fields can be searched or highlighted")
        if self.filter is not None:
            check_filter(index, self.filter)
        if len(self.text) > 4096:
            raise InvalidInput(field="text", reason="query text longer than 4096 characters")

    def searched_fields(self, index: IndexSpec) -> tuple[str, ...]:
        return self.fields or tuple(f.name for f in index.text_fields)


@dataclass(frozen=True, slots=True)
class Hit:
    id: str
    score: float
    fields: dict[str, Value | None]
    highlights: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SearchResult:
    total: int
    hits: list[Hit]
    next_cursor: str | None
    total_exact: bool = True  # False: `total` is a lower bound (SearchRequest.exact_total=False)


def encode_cursor(values: Sequence[str | int | float]) -> str:
    """Opaque page cursor: the sort values of the last hit (score, id)."""
    raw = json.dumps(list(values), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[float, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        score, last_id = parse_json_bytes(raw, field="after", max_chars=MAX_CURSOR_CHARS, max_depth=1)
        if not isinstance(score, int | float) or not isinstance(last_id, str):
            raise ValueError("cursor shape")
    except (ValueError, binascii.Error, TypeError, InvalidInput) as exc:
        raise InvalidInput(field="after", reason="malformed cursor") from exc
    return float(score), last_id


class FullTextIndex(Protocol):
    """One full-text engine. Writes are visible to searches when the call returns."""

    name: str

    @property
    def adapter(self) -> str: ...

    async def create_index(self, spec: IndexSpec, *, exist_ok: bool = False) -> None: ...

    async def drop_index(self, name: str) -> None:
        """Removes the index and its documents; missing index is not an error."""
        ...

    async def index_exists(self, name: str) -> bool: ...

    async def upsert(self, index: str, docs: Sequence[Document]) -> int:
        """Inserts or fully replaces documents by id; returns how many were written."""
        ...

    async def delete(self, index: str, ids: Sequence[str]) -> int:
        """Deletes by id; returns how many existed."""
        ...

    async def delete_by_filter(self, index: str, flt: Filter) -> int: ...

    async def search(self, index: str, request: SearchRequest) -> SearchResult: ...

    async def check(self) -> tuple[bool, str]: ...
