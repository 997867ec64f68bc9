"""The chat event stream byte by byte (raw httpx, no SDK): cozepy's parser accepts exactly one
`event:` and one `data:` line per event, so anything else on the wire breaks Coze clients."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from cozepy import Coze

from tests.e2e.conftest import EchoBot, create_echo_bot, give_client_tool
from tests.support.served import Account, Served

UNKNOWN_ID = "7000000000000000001"


def chat_body(bot_id: str, text: str, **extra: Any) -> dict[str, Any]:
    # What cozepy sends: a full Message dump with explicit nulls.
    message = {
        "role": "user",
        "type": "question",
        "content": text,
        "content_type": "text",
        "meta_data": None,
        "id": None,
        "conversation_id": None,
        "section_id": None,
        "bot_id": None,
        "chat_id": None,
        "created_at": None,
        "updated_at": None,
        "reasoning_content": None,
    }
    return {"bot_id": bot_id, "user_id": "wire", "additional_messages": [message], "stream": True, **extra}


def post(
    served: Served, token: str, path: str, body: dict[str, Any], params: dict[str, str]
) -> httpx.Response:
    return httpx.post(
        f"{served.base_url}{path}",
        params=params,
        json=body,
        headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip"},
        timeout=30,
    )


def parse_events(response: httpx.Response, body: str | None = None) -> list[tuple[str, Any]]:
    """Strictly: blocks of exactly `event:` + `data:` lines, single-line JSON data, nothing else,
    and nothing after the terminal `done`. `body` when the response was read as a stream."""
    assert response.headers["content-type"].startswith("text/event-stream"), response.headers
    assert "content-encoding" not in response.headers, "event streams are never compressed"
    assert response.headers.get("x-tt-logid")
    text = (response.text if body is None else body).replace("\r\n", "\n")
    blocks = [b for b in text.split("\n\n") if b.strip()]
    events = []
    for block in blocks:
        lines = block.strip("\n").split("\n")
        assert len(lines) == 2, f"an event is exactly two lines, got {lines!r}"
        assert lines[0].startswith("event:") and lines[1].startswith("data:"), lines
        name = lines[0][len("event:") :].strip()
        data = json.loads(lines[1][len("data:") :].strip())  # one line of JSON
        events.append((name, data))
    assert events and events[-1][0] == "done", [e[0] for e in events]
    assert text.rstrip("\n").endswith(blocks[-1].strip("\n")), "bytes after the done event"
    return events


def test_completed_chat_on_the_wire(served: Served, owner: Account, echo_bot: EchoBot) -> None:
    # cozepy sends `conversation_id=` (empty) when there is none: treated as absent.
    response = post(
        served, owner.token, "/v3/chat", chat_body(echo_bot.bot_id, "wire words"), {"conversation_id": ""}
    )
    assert response.status_code == 200
    events = parse_events(response)
    names = [name for name, _ in events]
    assert names[:2] == ["conversation.chat.created", "conversation.chat.in_progress"]
    assert names[-2:] == ["conversation.chat.completed", "done"]
    assert set(names) <= {
        "conversation.chat.created",
        "conversation.chat.in_progress",
        "conversation.message.delta",
        "conversation.message.completed",
        "conversation.chat.completed",
        "done",
    }, names
    deltas = [d["content"] for n, d in events if n == "conversation.message.delta"]
    assert "".join(deltas) == "wire words"
    chat = events[0][1]
    assert isinstance(chat["id"], str) and isinstance(chat["conversation_id"], str)
    assert events[-2][1]["usage"]["output_count"] == 2


@pytest.mark.parametrize("text", ["/fail now", "/fail-after 2 one two three"], ids=["at-once", "mid-answer"])
def test_model_failure_on_the_wire(served: Served, owner: Account, echo_bot: EchoBot, text: str) -> None:
    response = post(served, owner.token, "/v3/chat", chat_body(echo_bot.bot_id, text), {})
    events = parse_events(response)
    names = [name for name, _ in events]
    assert names[0] == "conversation.chat.created"
    if "fail-after" in text:
        assert "".join(d["content"] for n, d in events if n == "conversation.message.delta") == "one two"
    assert names[-2:] == ["conversation.chat.failed", "done"], names
    failed = events[-2][1]
    assert failed["status"] == "failed" and failed["last_error"]["code"] > 0 and failed["last_error"]["msg"]


def test_canceled_chat_on_the_wire(served: Served, owner: Account, echo_bot: EchoBot) -> None:
    words = " ".join(f"c{i}" for i in range(40))
    headers = {"Authorization": f"Bearer {owner.token}"}
    url = f"{served.base_url}/v3/chat"
    with httpx.stream(
        "POST", url, json=chat_body(echo_bot.bot_id, f"/slow {words}"), headers=headers
    ) as response:
        chunks = response.iter_text()
        body = ""
        while "conversation.message.delta" not in body:
            body += next(chunks)
        created = json.loads(body.split("data:", 1)[1].split("\n", 1)[0])
        canceled = httpx.post(
            f"{served.base_url}/v3/chat/cancel",
            json={"conversation_id": created["conversation_id"], "chat_id": created["id"]},
            headers=headers,
        )
        assert canceled.json()["data"]["status"] == "canceled", canceled.text
        body += "".join(chunks)
    events = parse_events(response, body)
    names = [name for name, _ in events]
    assert "conversation.chat.completed" not in names
    assert names[-1] == "done"
    terminal = [data for name, data in events if name.startswith("conversation.chat.")][-1]
    assert terminal["status"] == "canceled", names


def test_tool_call_and_submitted_outputs_on_the_wire(
    served: Served, coze: Coze, owner: Account, echo_model_id: str
) -> None:
    bot_id = create_echo_bot(coze, owner, echo_model_id, "wire tools", publish=False)
    give_client_tool(owner, bot_id, "lookup", "look a word up", {"type": "object", "properties": {}})
    coze.bots.publish(bot_id=bot_id)

    asked = parse_events(
        post(served, owner.token, "/v3/chat", chat_body(bot_id, '/tool lookup {"q": 1}'), {})
    )
    assert [n for n, _ in asked][-2:] == ["conversation.chat.requires_action", "done"]
    chat = asked[-2][1]
    call = chat["required_action"]["submit_tool_outputs"]["tool_calls"][0]
    assert call["function"]["name"] == "lookup" and json.loads(call["function"]["arguments"]) == {"q": 1}

    resumed = post(
        served,
        owner.token,
        "/v3/chat/submit_tool_outputs",
        {"tool_outputs": [{"tool_call_id": call["id"], "output": "found it"}], "stream": True},
        {"conversation_id": chat["conversation_id"], "chat_id": chat["id"]},
    )
    events = parse_events(resumed)
    names = [n for n, _ in events]
    assert names[-2:] == ["conversation.chat.completed", "done"], names
    assert "".join(d["content"] for n, d in events if n == "conversation.message.delta") == "found it"


@pytest.mark.parametrize(
    ("case", "code"),
    [("unknown-bot", 4006), ("bad-token", 4100), ("empty-query", None)],
)
def test_errors_before_the_stream_are_json(
    served: Served, owner: Account, echo_bot: EchoBot, case: str, code: int | None
) -> None:
    token, body = owner.token, chat_body(echo_bot.bot_id, "hi")
    if case == "unknown-bot":
        body = chat_body(UNKNOWN_ID, "hi")
    elif case == "bad-token":
        token = "pat_" + "y" * 43
    else:
        body = chat_body(echo_bot.bot_id, "")
    response = post(served, token, "/v3/chat", body, {})
    assert response.headers["content-type"].startswith("application/json"), response.headers
    payload = response.json()
    assert payload["code"] == code if code else payload["code"] in (4000, 4005), payload
    assert payload["msg"]
    assert response.headers.get("x-tt-logid")
