"""Bounded helpers for driving cozepy in tests: paging that cannot loop forever, streams read to
the end under a deadline, and chat polling without fixed sleeps."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterable
from typing import Any

from cozepy import AsyncCoze, Chat, ChatEvent, ChatEventType, ChatStatus, Coze

MAX_PAGES = 50  # a server whose has_more never turns false fails here instead of hanging
FINAL_STATUSES = {ChatStatus.COMPLETED, ChatStatus.FAILED, ChatStatus.REQUIRES_ACTION, ChatStatus.CANCELED}


def all_pages(paged: Any, max_pages: int = MAX_PAGES) -> list[Any]:
    """Every page of a cozepy paged result (NumberPaged / LastIDPaged), at most `max_pages`."""
    pages = []
    for page in paged.iter_pages():
        pages.append(page)
        assert len(pages) <= max_pages, f"still has_more after {max_pages} pages"
    return pages


async def all_pages_async(paged: Any, max_pages: int = MAX_PAGES) -> list[Any]:
    pages = []
    async for page in paged.iter_pages():
        pages.append(page)
        assert len(pages) <= max_pages, f"still has_more after {max_pages} pages"
    return pages


def items_of(pages: Iterable[Any]) -> list[Any]:
    return [item for page in pages for item in page.items]


def ids_of(items: Iterable[Any]) -> list[str]:
    return [item.id for item in items]


def read_stream(stream: Iterable[ChatEvent], seconds: float = 30) -> list[ChatEvent]:
    """Every event until the server closes the body (cozepy swallows `done`)."""
    deadline = time.monotonic() + seconds
    events = []
    for event in stream:
        events.append(event)
        assert time.monotonic() < deadline, f"stream still open after {seconds}s: {kinds(events)[-5:]}"
    return events


async def read_stream_async(stream: AsyncIterator[ChatEvent], seconds: float = 30) -> list[ChatEvent]:
    deadline = time.monotonic() + seconds
    events = []
    async for event in stream:
        events.append(event)
        assert time.monotonic() < deadline, f"stream still open after {seconds}s: {kinds(events)[-5:]}"
    return events


def kinds(events: Iterable[ChatEvent]) -> list[str]:
    return [str(e.event.value) for e in events]


def chat_of(events: list[ChatEvent], kind: ChatEventType) -> Chat:
    found = [e.chat for e in events if e.event == kind and e.chat is not None]
    assert found, f"no {kind.value} in {kinds(events)}"
    return found[-1]


def answer_text(events: list[ChatEvent]) -> tuple[str, str]:
    """(concatenated answer deltas, content of the completed answer message)."""
    deltas = "".join(
        e.message.content
        for e in events
        if e.event == ChatEventType.CONVERSATION_MESSAGE_DELTA and e.message and e.message.type == "answer"
    )
    completed = [
        e.message.content
        for e in events
        if e.event == ChatEventType.CONVERSATION_MESSAGE_COMPLETED
        and e.message
        and e.message.type == "answer"
    ]
    assert len(completed) == 1, f"expected one completed answer, got {completed} in {kinds(events)}"
    return deltas, completed[0]


def wait_chat(coze: Coze, conversation_id: str, chat_id: str, seconds: float = 30) -> Chat:
    """Retrieve the chat until it leaves created/in_progress."""
    deadline = time.monotonic() + seconds
    while True:
        chat = coze.chat.retrieve(conversation_id=conversation_id, chat_id=chat_id)
        if chat.status in FINAL_STATUSES:
            return chat
        assert time.monotonic() < deadline, f"chat {chat_id} still {chat.status} after {seconds}s"
        time.sleep(0.05)


async def wait_chat_async(coze: AsyncCoze, conversation_id: str, chat_id: str, seconds: float = 30) -> Chat:
    deadline = time.monotonic() + seconds
    while True:
        chat = await coze.chat.retrieve(conversation_id=conversation_id, chat_id=chat_id)
        if chat.status in FINAL_STATUSES:
            return chat
        assert time.monotonic() < deadline, f"chat {chat_id} still {chat.status} after {seconds}s"
        await asyncio.sleep(0.05)
