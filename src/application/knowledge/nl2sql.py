"""NL2SQL over table knowledge: the chat model writes one SQLite query against the dataset's table
(its schema and a few example rows), the query runs against that table alone, and the result goes
to the answer as one recalled item. A query the executor refuses is shown to the model once with
the reason; a second refusal, or a model failure, leaves the ordinary row search to answer alone
(docs/adr/0061-nl2sql.md)."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence

from crossdomain.knowledge import RecalledSlice
from domain.common.llm import ChatMessage, ChatRequest, ModelRuntime, Role, collect
from domain.common.ports import UnitOfWorkFactory
from domain.knowledge.entities import Dataset, DocumentStatus
from domain.knowledge.errors import UnsafeQuery
from domain.knowledge.parsed import FormatType
from domain.knowledge.ports import DocumentRepository, SliceRepository
from domain.knowledge.sheets import TABLE_NAME, Sheet, SheetAnswer, SheetLimits, SheetQueries, SheetRows

log = logging.getLogger("cozeplus.knowledge")

ATTEMPTS = 2  # the first query, and one more after the executor said what was wrong with it
MAX_QUESTION_CHARS = 2000
MAX_RESULT_CHARS = 20_000  # of one result's text in the prompt
SQL_PROMPT = (
    f"You answer questions about one SQLite table named {TABLE_NAME} by writing a single SQLite "
    "SELECT query. Use only that table and its columns, quoting column names with double quotes. "
    "Answer with the SQL only, no explanation."
)
_FENCE = re.compile(r"```(?:sql|sqlite)?\s*(.*?)```", re.S | re.I)


def sql_of(reply: str) -> str:
    """The query in a model's reply, with or without a code fence around it."""
    fenced = _FENCE.search(reply)
    return (fenced.group(1) if fenced else reply).strip()


def result_text(sql: str, answer: SheetAnswer) -> str:
    """The result as the prompt and the sources show it: the query, then a pipe table."""
    shown = len(answer.rows)
    more = " (more rows matched; the first shown)" if answer.truncated else ""
    lines = [f"SQL: {sql}", f"Result: {shown} row{'s' if shown != 1 else ''}{more}"]
    if answer.columns:
        lines.append(" | ".join(answer.columns))
        lines += [" | ".join("NULL" if v is None else str(v) for v in row) for row in answer.rows]
    text = "\n".join(lines)
    return text if len(text) <= MAX_RESULT_CHARS else text[:MAX_RESULT_CHARS] + "\n…"


class SheetQuestions:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        documents: DocumentRepository,
        slices: SliceRepository,
        runtime: ModelRuntime,
        queries: SheetQueries,
        limits: SheetLimits | None = None,
    ) -> None:
        self._uow, self._documents, self._slices = uow, documents, slices
        self._runtime, self._queries, self._limits = runtime, queries, limits or SheetLimits()

    async def sheet(self, dataset: Dataset) -> Sheet:
        """The dataset's table: its ready documents' rows, oldest document first."""
        async with self._uow():
            documents = sorted(
                (d for d in await self._documents.in_dataset(dataset.id) if d.status is DocumentStatus.READY),
                key=lambda d: d.id,
            )
            documents = [d for d in documents if d.columns]
            cells = await self._slices.cells_of([d.id for d in documents])
        return Sheet.of([SheetRows(d.columns, cells.get(d.id, [])) for d in documents])

    async def answer(self, dataset: Dataset, question: str) -> RecalledSlice | None:
        """The query result for `question`, or None when there is no table or no acceptable query."""
        if dataset.format is not FormatType.TABLE:
            return None
        sheet = await self.sheet(dataset)
        if not sheet.columns:
            return None
        messages: list[ChatMessage] = [
            ChatMessage(Role.SYSTEM, SQL_PROMPT),
            ChatMessage(Role.USER, f"{sheet.schema_text()}\n\nQuestion: {question[:MAX_QUESTION_CHARS]}"),
        ]
        for _ in range(ATTEMPTS):
            try:
                model = await self._runtime.chat_model(None)
                reply = (await collect(model, ChatRequest(messages, parameters={"temperature": 0}))).text
            except Exception as exc:  # the row search still answers
                log.warning("knowledge_nl2sql_model_failed dataset=%s error=%s", dataset.id, str(exc)[:200])
                return None
            sql = sql_of(reply)
            try:
                found = await asyncio.to_thread(self._queries.select, sheet, sql, self._limits)
            except UnsafeQuery as refused:
                detail = str(refused.params.get("detail", ""))
                log.info("knowledge_nl2sql_refused dataset=%s reason=%s", dataset.id, detail[:200])
                messages += [
                    ChatMessage(Role.ASSISTANT, reply),
                    ChatMessage(Role.USER, f"That query was not accepted: {detail}. Write a corrected one."),
                ]
                continue
            return RecalledSlice(
                f"sql-{dataset.id}",
                dataset.id,
                dataset.name,
                0,
                "",
                result_text(sql, found),
                1.0,
                sql=sql,
            )
        return None

    async def answers(self, datasets: Sequence[Dataset], question: str) -> list[RecalledSlice]:
        found = await asyncio.gather(*(self.answer(d, question) for d in datasets))
        return [a for a in found if a is not None]
