"""The slices of a review as stored (Coze's doc tree: {"chunks": [{"id", "text", "type"}]}, plus the
heading path and page), and the copy a reviewed document is indexed from instead of cutting again.

A committed review's slices go next to the document's source as `reviewed-<generation>.json`: the
indexing job of that generation reads them; a re-segmentation is a new generation and cuts anew.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from application.knowledge.datasets import object_prefix
from application.knowledge.inputs import FILE_TYPES
from domain.common.storage import ObjectNotFound, ObjectStorage
from domain.knowledge.entities import Document
from domain.knowledge.parsed import FormatType
from domain.knowledge.reviews import ReviewSlice
from domain.knowledge.values import Chunk

JSON_TYPE = "application/json"


def encoded(slices: Sequence[ReviewSlice]) -> bytes:
    chunks = [
        {"id": s.id, "text": s.text, "type": "text", "heading_path": list(s.heading_path), "page": s.page}
        for s in slices
    ]
    return json.dumps({"chunks": chunks}, ensure_ascii=False).encode()


def decoded(data: bytes) -> list[ReviewSlice]:
    """What `encoded` wrote (objects this process stored, not client input)."""
    chunks: list[dict[str, Any]] = json.loads(data)["chunks"]
    return [
        ReviewSlice(
            str(c["id"]),
            str(c["text"]),
            tuple(str(h) for h in c.get("heading_path") or ()),
            c.get("page") if isinstance(c.get("page"), int) else None,
        )
        for c in chunks
    ]


def reviewed_key(dataset_id: int, document_id: int, generation: int) -> str:
    return f"{object_prefix(dataset_id, document_id)}reviewed-{generation}.json"


async def reviewed_chunks(storage: ObjectStorage, document: Document) -> list[Chunk] | None:
    """The slices a person reviewed for this generation of `document`, or None to cut as usual."""
    if document.generation != 1 or document.file_type not in FILE_TYPES[FormatType.TEXT]:
        return None  # only a text document's first indexing can come from a review
    try:
        data = await storage.get(reviewed_key(document.dataset_id, document.id, document.generation))
    except ObjectNotFound:
        return None
    return [Chunk(s.text, s.heading_path, s.page) for s in decoded(data)]
