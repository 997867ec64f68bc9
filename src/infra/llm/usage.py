"""Token counts when the provider reports none: a tokenizer-free estimate (no files to download).

CJK characters are about one token each; other text about four characters per token, never fewer
tokens than words. Each message adds a few tokens of framing, as the chat formats do.
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.common.llm import ChatMessage

MESSAGE_OVERHEAD = 4
IMAGE_TOKENS = 765  # what OpenAI bills for a 1024 px image in detail; others are in the same range


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x3040 <= code <= 0x30FF
        or 0xAC00 <= code <= 0xD7AF
        or 0xF900 <= code <= 0xFAFF
    )


def estimate_tokens(text: str) -> int:
    if not text:
        return 0
    cjk = sum(1 for ch in text if _is_cjk(ch))
    other = len(text) - cjk
    words = len(text.split())
    return cjk + max(-(-other // 4), words if cjk == 0 else 0)


def estimate_input_tokens(messages: Iterable[ChatMessage]) -> int:
    total = 0
    for m in messages:
        total += MESSAGE_OVERHEAD + estimate_tokens(m.content) + IMAGE_TOKENS * len(m.images)
        for call in m.tool_calls:
            total += estimate_tokens(call.name) + estimate_tokens(str(dict(call.arguments)))
    return total
