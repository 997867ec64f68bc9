"""Knowledge on demand (an agent's knowledge with auto_call off): the server tool `recallKnowledge`
(Coze's name) the model calls when it decides a search helps. It takes what to search for (the
user's question when left out) and which of the agent's knowledge bases (all when left out; others
are refused); the result is the same delimited block a search before the answer puts in the prompt."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from application.conversation.chat.knowledge import KnowledgeStep, knowledge_block, question_text
from crossdomain.agent import AgentSnapshot
from crossdomain.knowledge import MAX_QUERY_CHARS
from crossdomain.plugin import OfferedTool, ToolInvocation, ToolResult
from crossdomain.upload import UploadedFile
from domain.conversation.entities import Message

RECALL_TOOL = "recallKnowledge"
DESCRIPTION = (
    "Search the agent's knowledge bases for passages that help answer the user. Call it when the "
    "question may be answered by them; pass a focused query."
)


def _error(message: str) -> str:
    return json.dumps({"error": message}, ensure_ascii=False)


class RecallTool:
    """crossdomain.plugin.ServerToolset with the one tool."""

    def __init__(
        self,
        step: KnowledgeStep,
        chat_id: int,
        snapshot: AgentSnapshot,
        history: Sequence[Message],
        files: Mapping[int, UploadedFile],
    ) -> None:
        self._step, self._chat_id, self._snapshot = step, chat_id, snapshot
        self._question = question_text(history, files)
        ids = [str(i) for i in snapshot.knowledge.dataset_ids]
        parameters: dict[str, Any] = {
            "type": "object",
            "properties": {
                "query": {
                    "type": "string",
                    "description": "What to search for; the user's question if omitted",
                },
                "knowledge_ids": {
                    "type": "array",
                    "items": {"type": "string", "enum": ids},
                    "description": "Which knowledge bases to search; all of them if omitted",
                },
            },
        }
        self._offered = (OfferedTool(RECALL_TOOL, DESCRIPTION, parameters),)

    @property
    def offered(self) -> Sequence[OfferedTool]:
        return self._offered

    def has(self, name: str) -> bool:
        return name == RECALL_TOOL

    async def run(self, calls: Sequence[ToolInvocation], *, user_id: int) -> list[ToolResult]:
        return [await self._one(call) for call in calls]

    async def _one(self, call: ToolInvocation) -> ToolResult:
        bound = self._snapshot.knowledge.dataset_ids
        query = call.arguments.get("query") or self._question
        wanted = call.arguments.get("knowledge_ids")
        if not isinstance(query, str) or not query.strip():
            return ToolResult(call.call_id, call.name, _error("give a query to search for"), False)
        if wanted is None:
            chosen = list(bound)
        elif not isinstance(wanted, list) or not all(str(i) in {str(b) for b in bound} for i in wanted):
            return ToolResult(
                call.call_id, call.name, _error("knowledge_ids are among the listed ones"), False
            )
        else:
            chosen = [b for b in bound if str(b) in {str(i) for i in wanted}]
        found = await self._step.search(
            self._chat_id, self._snapshot, chosen, query.strip()[:MAX_QUERY_CHARS]
        )
        if found is None:
            return ToolResult(
                call.call_id, call.name, _error("the knowledge bases could not be searched"), False
            )
        return ToolResult(call.call_id, call.name, knowledge_block(found), True)
