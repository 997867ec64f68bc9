"""Client-side tools (Coze "local plugins") through cozepy 0.20.0: the run stops in
requires_action with the tool call, submit_tool_outputs resumes it (stream and not), and
builtin-echo answers with the tool's output."""

from __future__ import annotations

import json

import pytest
from cozepy import (
    AsyncCoze,
    BotModelInfo,
    Chat,
    ChatEventType,
    ChatStatus,
    ChatToolCall,
    Coze,
    CozeAPIError,
    MessageType,
    ToolOutput,
)
from cozepy.bots import PluginIDList

from tests.e2e.conftest import create_echo_bot, give_client_tool
from tests.e2e.test_cozepy_chat import USER, question
from tests.support.cozepy_tools import (
    answer_text,
    chat_of,
    kinds,
    read_stream,
    read_stream_async,
    wait_chat,
    wait_chat_async,
)
from tests.support.plugin_world import SEARCH_API, manifest
from tests.support.served import Account

ASK = '/tool get_weather {"city": "x"}'
WEATHER = {
    "type": "object",
    "properties": {"city": {"type": "string", "description": "where"}},
    "required": ["city"],
}


@pytest.fixture(scope="module")
def tool_bot(coze: Coze, owner: Account, echo_model_id: str) -> str:
    """A published echo agent with the client tool get_weather."""
    bot_id = create_echo_bot(coze, owner, echo_model_id, "weather", publish=False)
    give_client_tool(owner, bot_id, "get_weather", "the weather in a city", WEATHER)
    coze.bots.publish(bot_id=bot_id, connector_ids=["1024"])
    return bot_id


def the_call(chat: Chat) -> ChatToolCall:
    assert chat.status == ChatStatus.REQUIRES_ACTION
    assert chat.required_action is not None and chat.required_action.type == "submit_tool_outputs"
    assert chat.required_action.submit_tool_outputs is not None
    calls = chat.required_action.submit_tool_outputs.tool_calls
    assert len(calls) == 1, calls
    call = calls[0]
    assert call.id and call.type == "function" and call.function is not None
    assert call.function.name == "get_weather"
    assert json.loads(call.function.arguments) == {"city": "x"}
    return call


def ask(coze: Coze, bot_id: str) -> tuple[Chat, ChatToolCall]:
    events = read_stream(coze.chat.stream(bot_id=bot_id, user_id=USER, additional_messages=question(ASK)))
    seen = kinds(events)
    assert seen[0] == "conversation.chat.created" and seen[-1] == "conversation.chat.requires_action", seen
    assert "conversation.chat.completed" not in seen
    chat = chat_of(events, ChatEventType.CONVERSATION_CHAT_REQUIRES_ACTION)
    return chat, the_call(chat)


def test_tool_call_then_streamed_outputs(coze: Coze, tool_bot: str) -> None:
    chat, call = ask(coze, tool_bot)
    fetched = coze.chat.retrieve(conversation_id=chat.conversation_id, chat_id=chat.id)
    assert the_call(fetched).id == call.id
    # Waiting for the client is not a run that can be cancelled.
    with pytest.raises(CozeAPIError) as not_cancellable:
        coze.chat.cancel(conversation_id=chat.conversation_id, chat_id=chat.id)
    assert not_cancellable.value.code == 4104

    output = "sunny and 25 degrees"
    events = read_stream(
        coze.chat.submit_tool_outputs(
            conversation_id=chat.conversation_id,
            chat_id=chat.id,
            tool_outputs=[ToolOutput(tool_call_id=call.id, output=output)],
            stream=True,
        )
    )
    seen = kinds(events)
    assert seen[-1] == "conversation.chat.completed", seen
    assert "conversation.chat.requires_action" not in seen
    assert answer_text(events) == (output, output)
    completed = chat_of(events, ChatEventType.CONVERSATION_CHAT_COMPLETED)
    assert completed.id == chat.id and completed.usage is not None and completed.usage.output_count > 0

    answers = [
        m.content
        for m in coze.chat.messages.list(conversation_id=chat.conversation_id, chat_id=chat.id)
        if m.type == "answer"
    ]
    assert answers == [output]
    assert (
        coze.chat.retrieve(conversation_id=chat.conversation_id, chat_id=chat.id).status
        == ChatStatus.COMPLETED
    )


def test_tool_outputs_without_streaming(coze: Coze, tool_bot: str) -> None:
    chat, call = ask(coze, tool_bot)
    resumed = coze.chat.submit_tool_outputs(
        conversation_id=chat.conversation_id,
        chat_id=chat.id,
        tool_outputs=[ToolOutput(tool_call_id=call.id, output="rain")],
        stream=False,
    )
    assert resumed.id == chat.id and resumed.status in (ChatStatus.IN_PROGRESS, ChatStatus.COMPLETED)
    done = wait_chat(coze, chat.conversation_id, chat.id)
    assert done.status == ChatStatus.COMPLETED
    messages = coze.chat.messages.list(conversation_id=chat.conversation_id, chat_id=chat.id)
    assert [m.content for m in messages if m.type == "answer"] == ["rain"]


def test_outputs_for_an_unknown_call_are_refused(coze: Coze, tool_bot: str) -> None:
    chat, call = ask(coze, tool_bot)
    with pytest.raises(CozeAPIError) as wrong:
        coze.chat.submit_tool_outputs(
            conversation_id=chat.conversation_id,
            chat_id=chat.id,
            tool_outputs=[ToolOutput(tool_call_id=call.id + "-other", output="rain")],
            stream=False,
        )
    assert wrong.value.code == 4000
    assert the_call(coze.chat.retrieve(conversation_id=chat.conversation_id, chat_id=chat.id)).id == call.id


def test_a_completed_chat_takes_no_tool_outputs(coze: Coze, tool_bot: str) -> None:
    chat, call = ask(coze, tool_bot)
    outputs = [ToolOutput(tool_call_id=call.id, output="snow")]
    coze.chat.submit_tool_outputs(
        conversation_id=chat.conversation_id, chat_id=chat.id, tool_outputs=outputs, stream=False
    )
    wait_chat(coze, chat.conversation_id, chat.id)
    with pytest.raises(CozeAPIError) as again:
        coze.chat.submit_tool_outputs(
            conversation_id=chat.conversation_id, chat_id=chat.id, tool_outputs=outputs, stream=False
        )
    assert again.value.code in (4000, 4001)


async def test_async_tool_round_trip(acoze: AsyncCoze, tool_bot: str) -> None:
    events = await read_stream_async(
        acoze.chat.stream(bot_id=tool_bot, user_id=USER, additional_messages=question(ASK))
    )
    chat = chat_of(events, ChatEventType.CONVERSATION_CHAT_REQUIRES_ACTION)
    call = the_call(chat)
    resumed = await read_stream_async(
        acoze.chat.submit_tool_outputs_stream(
            conversation_id=chat.conversation_id,
            chat_id=chat.id,
            tool_outputs=[ToolOutput(tool_call_id=call.id, output="async fog")],
        )
    )
    assert answer_text(resumed) == ("async fog", "async fog")
    assert kinds(resumed)[-1] == "conversation.chat.completed"

    second = await read_stream_async(
        acoze.chat.stream(bot_id=tool_bot, user_id=USER, additional_messages=question(ASK))
    )
    chat2 = chat_of(second, ChatEventType.CONVERSATION_CHAT_REQUIRES_ACTION)
    await acoze.chat.submit_tool_outputs(
        conversation_id=chat2.conversation_id,
        chat_id=chat2.id,
        tool_outputs=[ToolOutput(tool_call_id=the_call(chat2).id, output="async hail")],
    )
    assert (await wait_chat_async(acoze, chat2.conversation_id, chat2.id)).status == ChatStatus.COMPLETED


@pytest.fixture(scope="module")
def calculator_bot(coze: Coze, owner: Account, echo_model_id: str) -> str:
    """A published echo agent bound to the built-in plugin's calculator (plugin 1, tool 2)."""
    bot = coze.bots.create(
        space_id=owner.space_id,
        name="calculator",
        model_info_config=BotModelInfo(model_id=echo_model_id, sp_current_time=False),
        plugin_id_list=PluginIDList(id_list=[PluginIDList.PluginIDInfo(plugin_id="1", api_id="2")]),
    )
    coze.bots.publish(bot_id=bot.bot_id, connector_ids=["1024"])
    return bot.bot_id


def test_a_server_tool_streams_its_call_and_response_then_the_answer(coze: Coze, calculator_bot: str) -> None:
    ask_for = question('/tool calculate {"expression": "6 * 7"}')
    events = read_stream(coze.chat.stream(bot_id=calculator_bot, user_id=USER, additional_messages=ask_for))
    seen = kinds(events)
    assert seen[-1] == "conversation.chat.completed" and "conversation.chat.requires_action" not in seen
    done = [
        e.message
        for e in events
        if e.event == ChatEventType.CONVERSATION_MESSAGE_COMPLETED and e.message is not None
    ]
    types = [m.type for m in done]
    assert types[:3] == [MessageType.FUNCTION_CALL, MessageType.TOOL_RESPONSE, MessageType.ANSWER], types
    assert json.loads(done[0].content)["name"] == "calculate"
    assert json.loads(done[1].content)["result"] == 42
    chat = chat_of(events, ChatEventType.CONVERSATION_CHAT_COMPLETED)
    listed = coze.chat.messages.list(conversation_id=chat.conversation_id, chat_id=chat.id)
    assert [m.type for m in listed] == [
        MessageType.FUNCTION_CALL,
        MessageType.TOOL_RESPONSE,
        MessageType.ANSWER,
    ]


@pytest.fixture(scope="module")
def consent_bot(coze: Coze, owner: Account, echo_model_id: str) -> str:
    """A published echo agent bound to a plugin that acts for each user (OAuth authorization
    code). Its provider is never reached: without the user's consent no call is made."""
    payload = {
        "client_id": "cid",
        "client_secret": "client-secret-value",
        "client_url": "https://id.example.com/authorize",
        "authorization_url": "https://id.example.com/token",
    }
    auth = {"type": "oauth", "sub_type": "authorization_code", "payload": json.dumps(payload)}
    plugin = owner.spa(
        "/api/plugin_api/register",
        {"space_id": owner.space_id, "ai_plugin": manifest("Mail", auth=auth), "openapi": SEARCH_API},
    )
    plugin_id = str(plugin["plugin_id"])
    owner.spa("/api/plugin_api/publish_plugin", {"plugin_id": plugin_id, "version_name": "v1.0.0"})
    apis = owner.web.post(
        "/api/plugin_api/get_plugin_apis", json={"plugin_id": plugin_id, "page": 1, "size": 5}
    ).json()["api_info"]
    search = next(str(a["api_id"]) for a in apis if a["name"] == "search")
    bot = coze.bots.create(
        space_id=owner.space_id,
        name="mail",
        model_info_config=BotModelInfo(model_id=echo_model_id, sp_current_time=False),
        plugin_id_list=PluginIDList(id_list=[PluginIDList.PluginIDInfo(plugin_id=plugin_id, api_id=search)]),
    )
    coze.bots.publish(bot_id=bot.bot_id, connector_ids=["1024"])
    return bot.bot_id


def test_a_tool_the_user_has_not_authorized_asks_for_consent(coze: Coze, consent_bot: str) -> None:
    events = read_stream(
        coze.chat.stream(bot_id=consent_bot, user_id=USER, additional_messages=question("/tool search {}"))
    )
    seen = kinds(events)
    assert seen[-1] == "conversation.chat.requires_action", seen
    chat = chat_of(events, ChatEventType.CONVERSATION_CHAT_REQUIRES_ACTION)
    assert chat.status == ChatStatus.REQUIRES_ACTION
    assert chat.required_action is not None and chat.required_action.type == "authorize_plugin"
    link = answer_text(events)[0]
    assert "https://id.example.com/authorize?" in link and "client-secret-value" not in link
    # The chat is over: the user consents, then sends again; there are no outputs to submit.
    with pytest.raises(CozeAPIError) as refused:
        coze.chat.submit_tool_outputs(
            conversation_id=chat.conversation_id,
            chat_id=chat.id,
            tool_outputs=[ToolOutput(tool_call_id="x", output="y")],
            stream=False,
        )
    assert refused.value.code == 4001 and "authorize" in str(refused.value)
    polled = coze.chat.create_and_poll(
        bot_id=consent_bot,
        user_id=USER,
        conversation_id=chat.conversation_id,
        additional_messages=question("/tool search {}"),
    )
    assert polled.chat.status == ChatStatus.REQUIRES_ACTION
    assert [m.type for m in polled.messages or []] == [MessageType.ANSWER]
