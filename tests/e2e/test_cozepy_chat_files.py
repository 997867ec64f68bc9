"""Uploaded files in chat through cozepy 0.20.0: an image and a document uploaded with
files.upload, then sent in an object_string message."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

import pytest
from cozepy import (
    AsyncCoze,
    ChatEventType,
    Coze,
    CozeAPIError,
    Message,
    MessageContentType,
    MessageObjectString,
    MessageRole,
)

from tests.e2e.conftest import EchoBot
from tests.e2e.test_cozepy_chat import USER
from tests.support.cozepy_tools import answer_text, chat_of, read_stream, read_stream_async


def tiny_png() -> bytes:
    """A valid 1x1 RGB PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def test_image_and_document_in_an_object_string_message(
    coze: Coze, echo_bot: EchoBot, tmp_path: Path
) -> None:
    image_path = tmp_path / "pixel.png"
    image_path.write_bytes(tiny_png())
    image = coze.files.upload(file=image_path)
    document = coze.files.upload(file=("notes.txt", b"some notes to read"))
    assert image.id and document.id and image.id != document.id
    assert (image.file_name, image.bytes) == ("pixel.png", len(tiny_png()))
    fetched = coze.files.retrieve(file_id=document.id)
    assert (fetched.id, fetched.file_name, fetched.bytes) == (document.id, "notes.txt", 18)

    objects = [
        MessageObjectString.build_text("what is in these"),
        MessageObjectString.build_image(file_id=image.id),
        MessageObjectString.build_file(file_id=document.id),
    ]
    events = read_stream(
        coze.chat.stream(
            bot_id=echo_bot.bot_id,
            user_id=USER,
            additional_messages=[Message.build_user_question_objects(objects)],
        )
    )
    chat = chat_of(events, ChatEventType.CONVERSATION_CHAT_COMPLETED)
    joined, final = answer_text(events)
    assert joined == final and "what is in these" in final

    stored = coze.conversations.messages.list(conversation_id=chat.conversation_id, order="asc").items
    asked = stored[0]
    assert (asked.role, asked.content_type) == (MessageRole.USER, MessageContentType.OBJECT_STRING)
    parts = json.loads(asked.content)
    assert [p["type"] for p in parts] == ["text", "image", "file"]
    assert parts[0]["text"] == "what is in these"
    assert (parts[1]["file_id"], parts[2]["file_id"]) == (image.id, document.id)


def test_another_users_file_cannot_be_sent(coze: Coze, stranger_coze: Coze, echo_bot: EchoBot) -> None:
    theirs = stranger_coze.files.upload(file=("secret.txt", b"not yours"))
    with pytest.raises(CozeAPIError) as refused:
        coze.files.retrieve(file_id=theirs.id)
    assert refused.value.code == 4200
    objects = [MessageObjectString.build_text("read it"), MessageObjectString.build_file(file_id=theirs.id)]
    with pytest.raises(CozeAPIError) as refused_in_chat:
        coze.chat.stream(
            bot_id=echo_bot.bot_id,
            user_id=USER,
            additional_messages=[Message.build_user_question_objects(objects)],
        )
    assert refused_in_chat.value.code in (4000, 4005, 4200)


async def test_async_upload_and_use(acoze: AsyncCoze, echo_bot: EchoBot) -> None:
    uploaded = await acoze.files.upload(file=("async.png", tiny_png()))
    assert (await acoze.files.retrieve(file_id=uploaded.id)).file_name == "async.png"
    objects = [
        MessageObjectString.build_text("async look"),
        MessageObjectString.build_image(file_id=uploaded.id),
    ]
    events = await read_stream_async(
        acoze.chat.stream(
            bot_id=echo_bot.bot_id,
            user_id=USER,
            additional_messages=[Message.build_user_question_objects(objects)],
        )
    )
    assert "async look" in answer_text(events)[1]
