"""What the knowledge context offers others (the chat engine, later workflows): retrieval over the
knowledge bases of one space, with the recalled slices and where they come from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Protocol

MAX_TOP_K = 20
MAX_QUERY_CHARS = 4000


class SearchMode(IntEnum):
    """Coze's search types."""

    SEMANTIC = 0
    FULL_TEXT = 1
    HYBRID = 2


@dataclass(frozen=True, slots=True)
class RetrievalStrategy:
    mode: SearchMode = SearchMode.HYBRID
    top_k: int = 3
    min_score: float = 0.0  # on the 0..1 scale of RecalledSlice.score
    rewrite_query: bool = False  # an LLM turns the chat history and the question into one query
    rerank: bool = False  # the default rerank model orders the candidates, when one is configured
    nl2sql: bool = False  # table datasets also answer with a query the chat model writes


@dataclass(frozen=True, slots=True)
class RecalledSlice:
    slice_id: str
    dataset_id: int
    dataset_name: str
    document_id: int
    document_name: str
    text: str
    score: float  # 0..1, higher is better
    heading_path: tuple[str, ...] = ()
    page: int | None = None
    url: str = ""  # web page documents: the page
    sql: str = ""  # a table query's result (NL2SQL): `text` holds the query and its rows


@dataclass(frozen=True, slots=True)
class Recall:
    query: str  # what was searched (after rewriting)
    slices: list[RecalledSlice] = field(default_factory=list)


class KnowledgeRetriever(Protocol):
    async def retrieve(
        self,
        space_id: int,
        dataset_ids: Sequence[int],
        query: str,
        strategy: RetrievalStrategy,
        history: Sequence[str] = (),
    ) -> Recall:
        """Slices of the space's datasets among `dataset_ids` (others' are ignored), best first."""
        ...
