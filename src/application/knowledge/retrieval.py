"""Retrieval: semantic, full-text or hybrid search over a space's datasets, with the scores on one
0..1 scale so `min_score` means the same in every mode.

- semantic: the cosine similarity the vector store returns;
- full-text: BM25 divided by the best BM25 of the query (the best hit is 1);
- hybrid: weighted reciprocal rank fusion of both lists (domain/knowledge/fusion.py, `Fusion`
  below), divided by the fused score a slice ranked first in both would get.

Hits are joined with the slice rows (the source of truth): entries of a generation still being
indexed, or of a document deleted a moment ago, have no row and are dropped; disabled documents
and datasets are left out.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

from application.common.actor import Actor, require_scope
from application.knowledge.access import KnowledgeAccess, KnowledgeAction
from application.knowledge.nl2sql import SheetQuestions
from crossdomain.knowledge import (
    MAX_QUERY_CHARS,
    MAX_TOP_K,
    Recall,
    RecalledSlice,
    RetrievalStrategy,
    SearchMode,
)
from crossdomain.modelmgr import EmbeddingModelCatalog
from domain.common.access import Scope
from domain.common.fulltext import FullTextIndexNotFound
from domain.common.llm import ChatMessage, ChatRequest, ModelRuntime, NoDefaultModel, Role, collect
from domain.common.ports import UnitOfWorkFactory
from domain.common.vectors import VectorCollectionNotFound
from domain.knowledge.entities import Dataset, DatasetStatus, DocumentStatus
from domain.knowledge.errors import InvalidKnowledgeRequest
from domain.knowledge.fusion import reciprocal_rank_fusion
from domain.knowledge.parsed import FormatType
from domain.knowledge.ports import (
    DatasetRepository,
    DocumentRepository,
    IndexHit,
    SliceIndex,
    SliceRepository,
)

log = logging.getLogger("cozeplus.knowledge")

CANDIDATES = 50  # per list and dataset, before fusion and the cut to top_k


@dataclass(frozen=True, slots=True)
class Fusion:
    """Weighted reciprocal rank fusion (docs/adr/0053-retrieval-quality.md, tuned on a labelled
    set): with a semantic model its list leads; with word hashing, whose list says little that BM25
    does not, full text leads."""

    k: int
    semantic: float
    full_text: float

    @property
    def ceiling(self) -> float:
        """The fused score of a slice ranked first in both lists: scores divide by it (0..1)."""
        return (self.semantic + self.full_text) / (self.k + 1)


SEMANTIC_FUSION = Fusion(k=10, semantic=1.4, full_text=0.6)
LEXICAL_FUSION = Fusion(k=5, semantic=0.4, full_text=1.6)
MAX_DATASETS = 20
REWRITE_PROMPT = (
    "Rewrite the user's last question as one standalone search query, using the conversation for "
    "context. Answer with the query only."
)


def checked_strategy(query: str, strategy: RetrievalStrategy) -> str:
    query = (query or "").strip()
    if not query:
        raise InvalidKnowledgeRequest(detail="the query is empty")
    if len(query) > MAX_QUERY_CHARS:
        raise InvalidKnowledgeRequest(detail=f"a query is at most {MAX_QUERY_CHARS} characters")
    if not 1 <= strategy.top_k <= MAX_TOP_K:
        raise InvalidKnowledgeRequest(detail=f"top_k must be 1..{MAX_TOP_K}")
    if not 0.0 <= strategy.min_score <= 1.0:
        raise InvalidKnowledgeRequest(detail="min_score must be between 0 and 1")
    return query


class RetrievalService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        datasets: DatasetRepository,
        documents: DocumentRepository,
        slices: SliceRepository,
        index: SliceIndex,
        runtime: ModelRuntime,
        access: KnowledgeAccess,
        embeddings: EmbeddingModelCatalog,
        sheets: SheetQuestions,
    ) -> None:
        self._uow, self._datasets, self._documents, self._slices = uow, datasets, documents, slices
        self._index, self._runtime, self._access, self._embeddings = index, runtime, access, embeddings
        self._sheets = sheets
        self._lexical_models: dict[int, bool] = {}  # a model's kind does not change

    async def test(
        self, actor: Actor, dataset_ids: Sequence[int], query: str, strategy: RetrievalStrategy
    ) -> Recall:
        """The retrieval test box: the caller must be able to read every dataset named."""
        require_scope(actor, Scope.KNOWLEDGE_READ)
        query = checked_strategy(query, strategy)
        if not 1 <= len(dataset_ids) <= MAX_DATASETS:
            raise InvalidKnowledgeRequest(detail=f"name 1..{MAX_DATASETS} knowledge bases")
        async with self._uow():
            datasets = [await self._access.dataset(actor, i, KnowledgeAction.READ) for i in dataset_ids]
        return await self._search(datasets, query, strategy)

    async def retrieve(
        self,
        space_id: int,
        dataset_ids: Sequence[int],
        query: str,
        strategy: RetrievalStrategy,
        history: Sequence[str] = (),
    ) -> Recall:
        query = checked_strategy(query, strategy)
        async with self._uow():
            found = [await self._datasets.get(i) for i in list(dict.fromkeys(dataset_ids))[:MAX_DATASETS]]
        datasets = [d for d in found if d is not None and d.space_id == space_id]
        if strategy.rewrite_query and history:
            query = await self._rewrite(query, history)
        if not strategy.nl2sql:
            return await self._search(datasets, query, strategy)
        tables = [d for d in datasets if d.status is DatasetStatus.ENABLED and d.format is FormatType.TABLE]
        answers, recall = await asyncio.gather(
            self._sheets.answers(tables, query), self._search(datasets, query, strategy)
        )
        return Recall(recall.query, [*answers, *recall.slices])

    async def _search(self, datasets: Sequence[Dataset], query: str, strategy: RetrievalStrategy) -> Recall:
        live = [d for d in datasets if d.status is DatasetStatus.ENABLED]
        if not live:
            return Recall(query)
        ranked = await asyncio.gather(*(self._ranked(d, query, strategy.mode) for d in live))
        scored: dict[str, float] = {}
        for hits in ranked:
            scored.update(hits)
        best = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))
        recalled = await self._join(live, best, strategy.top_k * 2)
        if strategy.rerank:
            recalled = await self._reranked(query, recalled)
        kept = [r for r in recalled if r.score >= strategy.min_score][: strategy.top_k]
        if kept:
            async with self._uow() as uow:
                await self._slices.count_hits([r.slice_id for r in kept])
                await uow.commit()
        return Recall(query, kept)

    async def _ranked(self, dataset: Dataset, query: str, mode: SearchMode) -> dict[str, float]:
        try:
            return await self._ranked_in(dataset, query, mode)
        except (VectorCollectionNotFound, FullTextIndexNotFound):
            # The dataset moved to another embedding model since it was read: the switch drops the
            # old collection right away (reembedding.py), so search the current one instead.
            async with self._uow():
                current = await self._datasets.get(dataset.id)
            if current is None or current.collection == dataset.collection:
                raise
            return await self._ranked_in(current, query, mode)

    async def _ranked_in(self, dataset: Dataset, query: str, mode: SearchMode) -> dict[str, float]:
        semantic: list[IndexHit] = []
        full_text: list[IndexHit] = []
        if mode in (SearchMode.SEMANTIC, SearchMode.HYBRID):
            model = await self._runtime.embedding_model(dataset.embedding_model_id)
            vector = await model.embed_query(query)
            if mode is SearchMode.SEMANTIC:
                semantic = await self._index.semantic(dataset.collection, vector, CANDIDATES, None)
            else:
                semantic, full_text = await asyncio.gather(
                    self._index.semantic(dataset.collection, vector, CANDIDATES, None),
                    self._index.full_text(dataset.collection, query, CANDIDATES, None),
                )
        else:
            full_text = await self._index.full_text(dataset.collection, query, CANDIDATES, None)
        if mode is SearchMode.SEMANTIC:
            return {h.slice_id: max(0.0, min(1.0, h.score)) for h in semantic}
        if mode is SearchMode.FULL_TEXT:
            top = max((h.score for h in full_text), default=0.0) or 1.0
            return {h.slice_id: max(0.0, h.score / top) for h in full_text}
        fusion = LEXICAL_FUSION if await self._lexical(dataset.embedding_model_id) else SEMANTIC_FUSION
        fused = reciprocal_rank_fusion(
            [[h.slice_id for h in semantic], [h.slice_id for h in full_text]],
            k=fusion.k,
            weights=(fusion.semantic, fusion.full_text),
        )
        return {slice_id: score / fusion.ceiling for slice_id, score in fused}

    async def _lexical(self, model_id: int) -> bool:
        known = self._lexical_models.get(model_id)
        if known is None:
            choice = await self._embeddings.find_embedding(model_id)
            known = self._lexical_models[model_id] = choice is not None and choice.lexical
        return known

    async def _join(
        self, datasets: Sequence[Dataset], best: Sequence[tuple[str, float]], limit: int
    ) -> list[RecalledSlice]:
        names = {d.id: d.name for d in datasets}
        wanted = list(best[: max(limit, 1) * 2])
        async with self._uow():
            rows = {s.id: s for s in await self._slices.get_many([i for i, _ in wanted])}
            documents = {
                d.id: d for d in await self._documents.get_many(list({s.document_id for s in rows.values()}))
            }
        recalled: list[RecalledSlice] = []
        for slice_id, score in wanted:
            row = rows.get(slice_id)
            document = None if row is None else documents.get(row.document_id)
            if row is None or document is None or document.status is DocumentStatus.DISABLED:
                continue
            if row.dataset_id not in names:
                continue
            recalled.append(
                RecalledSlice(
                    row.id,
                    row.dataset_id,
                    names[row.dataset_id],
                    document.id,
                    document.name,
                    row.text,
                    round(score, 6),
                    row.heading_path,
                    row.page,
                    document.url,
                )
            )
            if len(recalled) >= limit:
                break
        return recalled

    async def _reranked(self, query: str, recalled: list[RecalledSlice]) -> list[RecalledSlice]:
        try:
            model = await self._runtime.rerank_model(None)
        except NoDefaultModel:
            return recalled  # no rerank model configured: the fused order stands
        results = await model.rerank(query, [r.text for r in recalled])
        return [replace(recalled[r.index], score=round(max(0.0, min(1.0, r.score)), 6)) for r in results]

    async def _rewrite(self, query: str, history: Sequence[str]) -> str:
        messages = [ChatMessage(Role.SYSTEM, REWRITE_PROMPT)]
        messages += [ChatMessage(Role.USER, turn[:2000]) for turn in history[-6:]]
        messages.append(ChatMessage(Role.USER, query))
        try:
            model = await self._runtime.chat_model(None)
            result = await collect(model, ChatRequest(messages))
        except Exception as exc:  # a rewrite is an improvement, never a reason to fail the search
            log.warning("knowledge_rewrite_failed error=%s", str(exc)[:200])
            return query
        rewritten = result.text.strip()
        return rewritten[:MAX_QUERY_CHARS] if rewritten else query
