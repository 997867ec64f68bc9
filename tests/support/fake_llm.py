"""Scripted model servers for tests: real HTTP on 127.0.0.1, served by uvicorn in a thread.

Each server answers from a script: steps queued with `enqueue` are used one per request, in order;
with none queued, a chat request is answered by echoing the last user message word by word. Every
request is recorded (path, headers, JSON body) so tests can see what the platform really sent.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn

Send = Callable[[dict[str, Any]], Awaitable[None]]
Receive = Callable[[], Awaitable[dict[str, Any]]]


@dataclass
class Reply:
    """A text answer, streamed in `pieces` (default: word by word)."""

    text: str = ""
    pieces: list[str] | None = None
    usage: bool = True  # report token usage (when the client asked for it)
    reasoning: str = ""

    def chunks(self) -> list[str]:
        if self.pieces is not None:
            return self.pieces
        words = self.text.split(" ")
        return [w if i == 0 else " " + w for i, w in enumerate(words)] if self.text else []


@dataclass
class ToolCallReply:
    """A request for a tool call; `arguments` is sent verbatim (split in two fragments)."""

    name: str
    arguments: str
    call_id: str = "call_1"


@dataclass
class Status:
    """An HTTP error answer."""

    code: int
    body: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Malformed:
    """A stream whose second chunk is not JSON."""


@dataclass
class Delay:
    """Wait before answering (then echo)."""

    seconds: float


Step = Reply | ToolCallReply | Status | Malformed | Delay


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


class ScriptedServer:
    """Base of the fakes: the script, the record, and ASGI plumbing."""

    def __init__(self) -> None:
        self._steps: deque[Step] = deque()
        self._lock = threading.Lock()
        self.requests: list[Recorded] = []
        self.url = ""

    def enqueue(self, *steps: Step) -> None:
        with self._lock:
            self._steps.extend(steps)

    def next_step(self) -> Step | None:
        with self._lock:
            return self._steps.popleft() if self._steps else None

    def clear(self) -> None:
        with self._lock:
            self._steps.clear()
        self.requests.clear()

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        raw = b""
        while True:
            message = await receive()
            raw += message.get("body", b"")
            if not message.get("more_body"):
                break
        body = json.loads(raw) if raw else None
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        self.requests.append(Recorded(scope["method"], scope["path"], headers, body))
        await self.handle(scope["path"], body, send)

    async def handle(self, path: str, body: Any, send: Send) -> None:
        raise NotImplementedError

    @staticmethod
    async def json_response(
        send: Send, status: int, payload: Any, headers: dict[str, str] | None = None
    ) -> None:
        data = json.dumps(payload).encode()
        extra = [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json"), *extra],
            }
        )
        await send({"type": "http.response.body", "body": data})

    @staticmethod
    async def stream_response(send: Send, content_type: str, parts: list[bytes]) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", content_type.encode())],
            }
        )
        for part in parts:
            await send({"type": "http.response.body", "body": part, "more_body": True})
        await send({"type": "http.response.body", "body": b""})


def last_user_text(messages: list[dict[str, Any]]) -> str:
    for m in reversed(messages or []):
        if m.get("role") == "user":
            content = m.get("content")
            if isinstance(content, list):
                return "".join(b.get("text", "") for b in content if isinstance(b, dict))
            return str(content or "")
    return ""


@contextmanager
def serving(app: ScriptedServer, path_prefix: str = "") -> Iterator[ScriptedServer]:
    """Serve `app` on a free 127.0.0.1 port for the duration of the block; `app.url` is its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    app.url = f"http://127.0.0.1:{port}{path_prefix}"
    try:
        yield app
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def free_port() -> int:
    """A port nobody listens on (for 'unreachable base URL' cases)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
