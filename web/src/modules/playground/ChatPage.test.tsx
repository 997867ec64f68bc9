import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { fakeBackend, renderApp } from "../../test/render";
import { ACCOUNT, SPACES, ok, polyfillFonts } from "../agents/testing";
import { applyEvent, recallSources, toolCallOf, type LiveTurn } from "./stream";

polyfillFonts();
beforeEach(() => sessionStorage.clear());
afterEach(() => vi.unstubAllGlobals());

const RECALL = JSON.stringify({
  msg_type: "knowledge_recall",
  data: JSON.stringify({
    chunks: [
      {
        slice: "Hotel rooms are paid up to 180 euros a night.",
        score: 0.91,
        meta: { dataset: { id: "31", name: "Policies" }, document: { id: "41", name: "travel.md" }, link: { title: "", url: "" } },
      },
      {
        slice: "The intranet page on meals.",
        score: 0.5,
        meta: { dataset: { id: "31", name: "Policies" }, document: { id: "42", name: "Meals" }, link: { title: "Meals", url: "https://intranet.example/meals" } },
      },
    ],
    ori_req: "",
    status_code: 0,
  }),
});
const FINISH = JSON.stringify({ msg_type: "generate_answer_finish", data: '{"finish_reason":0,"FinData":""}' });

function message(id: string, type: string, content: string, isFinish: boolean, seq: number) {
  const m = { message_id: id, role: "assistant", type, content, content_type: "text", reply_id: "11", section_id: "5" };
  return `event:message\ndata:${JSON.stringify({ message: m, is_finish: isFinish, index: 0, conversation_id: "3", seq_id: seq })}\n\n`;
}

const STREAM = [
  message("11", "ack", "", true, 0),
  message("90", "verbose", RECALL, true, 1),
  message("12", "answer", "180 euros", false, 2),
  message("12", "answer", "180 euros", true, 3),
  message("91", "verbose", FINISH, true, 4),
  `event:done\ndata:${JSON.stringify({ conversation_id: "3", chat_id: "77", status: "completed", usage: {} })}\n\n`,
].join("");

function stored(id: string, type: string, content: string, parent: string) {
  return {
    message_id: id,
    role: type === "question" ? "user" : "assistant",
    type,
    content,
    content_type: "text",
    reply_id: "11",
    parent_id: parent,
    section_id: "5",
    status: "available",
    content_time: 1765000000000,
  };
}

/** The app's backend with one agent; the chat route streams STREAM, after which the list has the turn. */
function backend(showSource: boolean) {
  let asked = false;
  const json = fakeBackend({
    "/api/passport/account/info/v2/": () => ok(ACCOUNT),
    "/api/playground_api/space/list": () => ok(SPACES),
    "/api/playground_api/draftbot/get_draft_bot_info": () =>
      ok({ bot_info: { bot_id: "100", knowledge: { show_source: showSource } }, published_versions: {} }),
    "/api/conversation/get_message_list": () => ({
      body: {
        code: 0,
        msg: "",
        conversation_id: "3",
        last_section_id: "5",
        message_list: asked
          ? [stored("12", "answer", "180 euros", "11"), stored("11", "question", "hotel?", "")]
          : [],
      },
    }),
  });
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    if (String(input) === "/api/conversation/chat") {
      asked = true;
      return new Response(STREAM, { status: 200, headers: { "content-type": "text/event-stream" } });
    }
    return json.fetch(input, init);
  };
  vi.stubGlobal("fetch", fetch);
}

async function ask() {
  const user = userEvent.setup();
  renderApp("/spaces/9/agents/100/chat");
  await user.type(await screen.findByLabelText("Message"), "hotel?");
  await user.click(screen.getByRole("button", { name: "Send" }));
  await waitFor(() => expect(screen.queryByTestId("live-answer")).not.toBeInTheDocument());
  return screen.getByTestId("answer");
}

describe("playground sources", { timeout: 30_000 }, () => {
  it("shows what the knowledge recalled under the answer when the agent shows sources", async () => {
    backend(true);
    const answer = await ask();
    expect(within(answer).getByTestId("answer-text")).toHaveTextContent("180 euros");
    const sources = within(answer).getByTestId("sources");
    expect(sources).toHaveTextContent("Sources (2)");
    const [first, second] = within(sources).getAllByTestId("source");
    expect(first).toHaveTextContent("travel.md · Policies");
    expect(first).toHaveTextContent("match 0.91");
    expect(first).toHaveTextContent("Hotel rooms are paid up to 180 euros a night.");
    expect(within(second!).getByRole("link", { name: "Meals" })).toHaveAttribute("href", "https://intranet.example/meals");
  });

  it("keeps them out of sight when show_source is off", async () => {
    backend(false);
    const answer = await ask();
    expect(within(answer).getByTestId("answer-text")).toHaveTextContent("180 euros");
    expect(screen.queryByTestId("sources")).not.toBeInTheDocument();
  });
});

describe("knowledge_recall in the stream", () => {
  const turn: LiveTurn = {
    agentId: "100",
    conversationId: "",
    questionId: "",
    chatId: "",
    seq: 0,
    query: "q",
    answer: "",
    answerId: "",
    followUps: [],
    status: "streaming",
  };

  it("reads Coze's verbose note into the turn's sources, and ignores other verbose notes", () => {
    const withSources = applyEvent(turn, "message", message("90", "verbose", RECALL, true, 1).split("data:")[1]!.trim());
    expect(withSources.sources?.map((s) => [s.document, s.score])).toEqual([
      ["travel.md", 0.91],
      ["Meals", 0.5],
    ]);
    const finish = applyEvent(withSources, "message", message("91", "verbose", FINISH, true, 2).split("data:")[1]!.trim());
    expect(finish.sources).toHaveLength(2);
  });

  it("collects the server's tool calls and results of the turn, then the answer", () => {
    const call = JSON.stringify({ id: "c1", name: "calculate", arguments: { expression: "6*7" } });
    const events = [
      message("13", "function_call", call, true, 1),
      message("14", "tool_response", '{"result": 42}', true, 2),
      message("15", "answer", "42", false, 3),
    ];
    const after = events.reduce((t, e) => applyEvent(t, "message", e.split("data:")[1]!.trim()), turn);
    expect(after.tools?.map((s) => s.type)).toEqual(["function_call", "tool_response"]);
    expect(toolCallOf(after.tools![0]!.content)).toEqual({ name: "calculate", arguments: '{"expression":"6*7"}' });
    expect(toolCallOf("not json")).toBeNull();
    expect([after.answer, after.answerId]).toEqual(["42", "15"]);
  });

  it("keeps the plugins a chat asks to authorize, with http(s) consent links only", () => {
    const done = JSON.stringify({
      status: "requires_action",
      chat_id: "7",
      authorize_plugins: [
        { plugin_id: "1", name: "Mail", authorize_url: "https://id.example.com/authorize?state=s" },
        { plugin_id: "2", name: "Evil", authorize_url: "javascript:alert(1)" },
      ],
    });
    const after = applyEvent(turn, "done", done);
    expect(after.status).toBe("completed");
    expect(after.consents?.map((c) => c.name)).toEqual(["Mail"]);
    expect(applyEvent(turn, "done", JSON.stringify({ status: "completed" })).consents).toBeUndefined();
  });

  it("gives null for content that is not a knowledge_recall note", () => {
    expect(recallSources(FINISH)).toBeNull();
    expect(recallSources("not json")).toBeNull();
    expect(recallSources(JSON.stringify({ msg_type: "knowledge_recall", data: "{broken" }))).toBeNull();
    expect(recallSources(JSON.stringify({ msg_type: "knowledge_recall", data: '{"chunks":[]}' }))).toEqual([]);
  });
});
