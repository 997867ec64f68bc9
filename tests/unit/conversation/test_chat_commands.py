"""The checks every chat request passes before any I/O (Coze codes 4003, 4004, 4005, 4007, 4000)."""

from __future__ import annotations

import json

import pytest

from application.conversation.chat.commands import (
    NewMessage,
    StartChat,
    ToolOutput,
    check_branching,
    checked_start,
    checked_tool_outputs,
)
from domain.conversation.errors import (
    InvalidChatRequest,
    InvalidMessage,
    MetaDataTooLarge,
    NonStreamNeedsHistory,
    TooManyAdditionalMessages,
)
from domain.conversation.values import ContentType, MessageRole, MessageType


def start(*messages: NewMessage, **options: object) -> StartChat:
    return StartChat(agent_id=1, end_user=str(options.pop("end_user", "u")), messages=messages, **options)  # type: ignore[arg-type]


def q(content: object = "hi", **kw: object) -> NewMessage:
    return NewMessage("user", content, **kw)  # type: ignore[arg-type]


def test_a_plain_question_passes_with_its_natural_type() -> None:
    checked = checked_start(start(NewMessage("assistant", "earlier"), q("now?")))
    assert [(m.role, m.type) for m in checked.messages] == [
        (MessageRole.ASSISTANT, MessageType.ANSWER),
        (MessageRole.USER, MessageType.QUESTION),
    ]


@pytest.mark.parametrize(
    ("messages", "error"),
    [
        ((NewMessage("system", "x"),), InvalidMessage),
        ((NewMessage("user", "x", type="answer"),), InvalidMessage),
        ((NewMessage("assistant", "x", type="function_call"), q()), InvalidMessage),
        ((q(content_type="card"),), InvalidMessage),
        ((q(content_type="image"),), InvalidMessage),
        ((q(content=42),), InvalidMessage),
        ((q("   "),), InvalidMessage),  # empty query
        ((q(), NewMessage("assistant", "last word")), InvalidMessage),  # must end with the question
        ((q("not json", content_type="object_string"),), InvalidMessage),
        ((q("[]", content_type="object_string"),), InvalidMessage),
        ((q('[{"type": "image"}]', content_type="object_string"),), InvalidMessage),
        ((q('[{"type": "text", "text": "  "}]', content_type="object_string"),), InvalidMessage),
        ((q(meta_data={"k": "v" * 513}),), MetaDataTooLarge),
    ],
)
def test_malformed_messages_are_refused(messages: tuple[NewMessage, ...], error: type[Exception]) -> None:
    with pytest.raises(error):
        checked_start(start(*messages))


def test_object_string_with_a_file_or_text_passes() -> None:
    parts = [{"type": "text", "text": "what is this?"}, {"type": "image", "file_url": "https://x/y.png"}]
    checked = checked_start(start(q(json.dumps(parts), content_type="object_string")))
    assert checked.messages[0].content_type is ContentType.OBJECT_STRING


def test_limits_and_flags() -> None:
    with pytest.raises(TooManyAdditionalMessages):
        checked_start(start(*[q() for _ in range(101)]))
    assert len(checked_start(start(*[q() for _ in range(100)])).messages) == 100
    with pytest.raises(MetaDataTooLarge):
        checked_start(start(q(), meta_data={f"k{i}": "v" for i in range(17)}))
    with pytest.raises(NonStreamNeedsHistory):
        checked_start(start(q(), stream=False, auto_save_history=False))
    with pytest.raises(InvalidChatRequest):
        checked_start(start(q(), end_user=" "))
    with pytest.raises(InvalidChatRequest):
        checked_start(start(q(), custom_variables={"name": 3}))
    assert checked_start(start(q(), custom_variables={"name": "Ann"})).variables == {"name": "Ann"}


def test_regenerate_and_edit_rules() -> None:
    with pytest.raises(InvalidChatRequest):
        check_branching(start(q(), regenerate_id=5), has_messages=True)
    with pytest.raises(InvalidChatRequest):
        check_branching(start(regenerate_id=5, edit_id=6), has_messages=False)
    with pytest.raises(InvalidMessage):
        check_branching(start(edit_id=5), has_messages=False)
    check_branching(start(regenerate_id=5), has_messages=False)
    check_branching(start(q(), edit_id=5), has_messages=True)


def test_tool_outputs_must_answer_exactly_the_awaited_calls() -> None:
    assert checked_tool_outputs([ToolOutput("a", "1"), ToolOutput("b", "2")], ["a", "b"]) == {
        "a": "1",
        "b": "2",
    }
    for outputs in (
        [],
        [ToolOutput("a", "1")],  # b missing
        [ToolOutput("a", "1"), ToolOutput("b", "2"), ToolOutput("c", "3")],  # c unknown
        [ToolOutput("a", "1"), ToolOutput("a", "2")],  # twice
        [ToolOutput("", "1")],
        [ToolOutput("a", 1), ToolOutput("b", "2")],  # not a string
    ):
        with pytest.raises(InvalidChatRequest):
            checked_tool_outputs(outputs, ["a", "b"])
