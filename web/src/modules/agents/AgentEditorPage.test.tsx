import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { fakeBackend, renderApp } from "../../test/render";
import { placeholdersOf } from "./draft";
import { ACCOUNT, SPACES, botInfo, chatModel, fail, ok, polyfillFonts } from "./testing";
import type { BotInfo, BotInfoForUpdate } from "./types";

const GET = "/api/playground_api/draftbot/get_draft_bot_info";
const UPDATE = "/api/playground_api/draftbot/update_draft_bot_info";
const PROMPT_LIMIT_MSG = "invalid agent settings: prompt must be at most 20000 characters";

polyfillFonts();
afterEach(() => vi.unstubAllGlobals());

/** A backend with one agent (100 in space 9) that keeps what update_draft_bot_info sends. */
function backend(info: BotInfo = botInfo(), extra: Parameters<typeof fakeBackend>[0] = {}) {
  let stored = info;
  const b = fakeBackend({
    "/api/passport/account/info/v2/": () => ok(ACCOUNT),
    "/api/playground_api/space/list": () => ok(SPACES),
    "/api/knowledge/list": (body) =>
      (body as { space_id: string }).space_id === "9"
        ? ok({ dataset_list: [dataset("31", "Policies"), dataset("32", "Old notes", 3)], total: 2 })
        : fail(404, 4200, "space not found"),
    "/api/plugin_api/get_playground_plugin_list": () =>
      ok({
        plugin_list: [
          plugin("1", "Built-in tools", [["2", "calculate"]]),
          plugin("70", "Weather", [["71", "get_forecast"], ["72", "get_alerts"]]),
        ],
        total: 2,
      }),
    "/api/bot/get_type_list": () =>
      ok({ model_list: [chatModel("501", "Echo", true), chatModel("502", "Parrot")], voice_list: [], raw_model_list: [] }),
    [GET]: (body) => {
      const { bot_id, space_id } = body as { bot_id: string; space_id: string };
      if (bot_id !== stored.bot_id || space_id !== stored.space_id) return fail(404, 4200, "agent not found");
      return ok({ bot_info: stored, published_versions: {} });
    },
    [UPDATE]: (body) => {
      const u = (body as { bot_info: BotInfoForUpdate }).bot_info;
      if ((u.prompt_info?.prompt.length ?? 0) > 20_000) return fail(400, 4000, PROMPT_LIMIT_MSG);
      stored = {
        ...stored,
        name: u.name ?? stored.name,
        prompt_info: u.prompt_info ?? stored.prompt_info,
        model_info: { ...stored.model_info, ...u.model_info },
        variable_list: u.variable_list ?? stored.variable_list,
        client_tools: u.client_tools ?? stored.client_tools,
        suggest_reply_info: u.suggest_reply_info ?? stored.suggest_reply_info,
        onboarding_info: u.onboarding_info ?? stored.onboarding_info,
        knowledge: u.knowledge ?? stored.knowledge,
        plugin_info_list: u.plugin_info_list ?? stored.plugin_info_list,
      };
      return ok({ has_change: true, check_not_pass: false });
    },
    ...extra,
  });
  vi.stubGlobal("fetch", b.fetch);
  return b;
}

function plugin(id: string, name: string, tools: [string, string][]) {
  return { id, name, desc_for_human: "", plugin_apis: tools.map(([api_id, n]) => ({ api_id, name: n, desc: "" })) };
}

function dataset(id: string, name: string, status = 1) {
  return { dataset_id: id, name, description: "", status, format_type: 0, doc_count: 1, slice_count: 4 };
}

const updates = (b: ReturnType<typeof fakeBackend>) =>
  b.calls.filter((c) => c.path === UPDATE).map((c) => (c.body as { bot_info: BotInfoForUpdate }).bot_info);

describe("agent editor", { timeout: 30_000 }, () => {
  it("edits persona, model and its parameters, onboarding and suggestions, and saves them", async () => {
    const b = backend();
    const user = userEvent.setup();
    renderApp("/spaces/9/agents/100");
    const persona = await screen.findByTestId("persona");
    expect(screen.getByTestId("save-status")).toHaveTextContent("All changes saved");
    expect(screen.getByTestId("save")).toBeDisabled();

    await user.clear(persona);
    fireEvent.change(persona, { target: { value: "Teach {{ subject|default('maths') }}." } });
    expect(screen.getByTestId("save-status")).toHaveTextContent("Unsaved changes");
    // the persona names a variable that is not declared: one click declares it
    await user.click(screen.getByRole("button", { name: "Add subject" }));
    const row = screen.getByTestId("variable-row");
    await user.type(within(row).getByLabelText("Default value"), "maths");

    await user.click(screen.getByTestId("model-select"));
    await user.click(await screen.findByRole("option", { name: "Parrot", hidden: true }));
    const temperature = screen.getByLabelText("Temperature");
    await user.type(temperature, "0.3");
    const rounds = screen.getByTestId("history-rounds");
    await user.clear(rounds);
    await user.type(rounds, "7");
    await user.type(screen.getByTestId("prologue"), "Ready?");
    await user.click(screen.getByTestId("question-add"));
    await user.type(screen.getByTestId("question"), "Fractions");
    await user.click(screen.getByTestId("suggest-toggle"));

    await user.click(screen.getByTestId("save"));
    await waitFor(() => expect(screen.getByTestId("save-status")).toHaveTextContent("All changes saved"));
    const [sent] = updates(b);
    expect(sent).toMatchObject({
      bot_id: "100",
      prompt_info: { prompt: "Teach {{ subject|default('maths') }}." },
      model_info: { model_id: "502", temperature: 0.3, short_memory_policy: { history_round: 7 } },
      onboarding_info: { prologue: "Ready?", suggested_questions: ["Fractions"] },
      suggest_reply_info: { suggest_reply_mode: 0 },
      variable_list: [{ key: "subject", default_value: "maths", prompt_disabled: false, is_disabled: false }],
    });
    expect(sent?.model_info).not.toHaveProperty("top_p"); // untouched settings are not sent
    expect(sent?.model_info).not.toHaveProperty("response_format"); // never chosen: the model's default
  });

  it("keeps a 10 MB paste in the editor and shows the server's size limit message", async () => {
    const b = backend();
    const user = userEvent.setup();
    renderApp("/spaces/9/agents/100");
    const persona = await screen.findByTestId("persona");
    const huge = "x".repeat(10 * 1000 * 1000);
    const started = performance.now();
    fireEvent.change(persona, { target: { value: huge } });
    expect(screen.getByTestId("persona-count")).toHaveTextContent("10,000,000 / 20,000 characters");
    expect(screen.getByText(/Longer than the 20,000 characters the server accepts/)).toBeInTheDocument();
    await user.click(screen.getByTestId("save"));
    expect(await screen.findByTestId("save-error")).toHaveTextContent(PROMPT_LIMIT_MSG);
    expect(screen.getByTestId("save-status")).toHaveTextContent("Not saved");
    expect((screen.getByTestId("persona") as HTMLTextAreaElement).value.length).toBe(huge.length);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(updates(b)).toHaveLength(1);
  });

  it("shows the envelope's message when saving fails and keeps the edits", async () => {
    backend(botInfo(), {
      [UPDATE]: () => fail(400, 4000, "the persona prompt is not a valid template: unexpected '}'"),
    });
    const user = userEvent.setup();
    renderApp("/spaces/9/agents/100");
    const persona = await screen.findByTestId("persona");
    fireEvent.change(persona, { target: { value: "Broken {{ }" } });
    await user.click(screen.getByTestId("save"));
    expect(await screen.findByTestId("save-error")).toHaveTextContent("not a valid template: unexpected '}'");
    expect(screen.getByTestId("persona")).toHaveValue("Broken {{ }");
  });

  it("says not found for another user's agent, not a blank page", async () => {
    backend();
    renderApp("/spaces/9/agents/4242424242");
    expect(await screen.findByText("Not found")).toBeInTheDocument();
    expect(screen.getByTestId("error-message")).toHaveTextContent("agent not found");
    expect(screen.queryByTestId("persona")).not.toBeInTheDocument();
  });

  it("refuses a client tool whose parameters are not JSON before sending anything", async () => {
    const b = backend();
    const user = userEvent.setup();
    renderApp("/spaces/9/agents/100");
    await screen.findByTestId("persona");
    await user.click(screen.getByTestId("tool-add"));
    const tools = screen.getByTestId("client-tools");
    await user.type(within(tools).getByLabelText("Name"), "calculator");
    const params = within(tools).getByLabelText("Parameters (JSON Schema)");
    fireEvent.change(params, { target: { value: "{not json" } });
    expect(within(tools).getByText("Not a JSON object")).toBeInTheDocument();
    await user.click(screen.getByTestId("save"));
    expect(await screen.findByTestId("save-error")).toHaveTextContent("tool “calculator” are not a JSON object");
    expect(updates(b)).toHaveLength(0);
    fireEvent.change(params, { target: { value: '{"type": "object", "properties": {"x": {"type": "number"}}}' } });
    await user.click(screen.getByTestId("save"));
    await waitFor(() => expect(updates(b)).toHaveLength(1));
    expect(updates(b)[0]?.client_tools).toEqual([
      { name: "calculator", description: "", parameters: { type: "object", properties: { x: { type: "number" } } } },
    ]);
  });

  it("binds plugin tools of the space and the built-in ones, and shows the ones no longer offered", async () => {
    const b = backend(botInfo({ plugin_info_list: [{ plugin_id: "80", api_id: "81", api_name: "" }] }));
    const user = userEvent.setup();
    renderApp("/spaces/9/agents/100");
    const section = await screen.findByTestId("plugins-section");
    expect(await within(section).findByTestId("plugin-tools-missing")).toBeInTheDocument();
    await user.click(within(section).getByTestId("plugin-tools-select"));
    await user.click(await screen.findByRole("option", { name: "calculate · Built-in tools", hidden: true }));
    await user.click(screen.getByRole("option", { name: "get_forecast · Weather", hidden: true }));
    await user.click(screen.getByTestId("save"));
    await waitFor(() => expect(updates(b)).toHaveLength(1));
    expect(updates(b)[0]?.plugin_info_list).toEqual([
      { plugin_id: "80", api_id: "81" },
      { plugin_id: "1", api_id: "2" },
      { plugin_id: "70", api_id: "71" },
    ]);
  });

  it("binds knowledge bases of the space and sets how they are searched", async () => {
    const b = backend();
    const user = userEvent.setup();
    renderApp("/spaces/9/agents/100");
    const section = await screen.findByTestId("knowledge-section");
    expect(b.calls.find((c) => c.path === "/api/knowledge/list")?.body).toMatchObject({ space_id: "9" });
    expect(within(section).getByTestId("knowledge-top-k")).toBeDisabled(); // nothing bound yet

    await user.click(within(section).getByTestId("knowledge-select"));
    expect(await screen.findByRole("option", { name: "Old notes (disabled)", hidden: true })).toBeInTheDocument();
    await user.click(screen.getByRole("option", { name: "Policies", hidden: true }));
    const topK = within(section).getByTestId("knowledge-top-k");
    await user.clear(topK);
    await user.type(topK, "5");
    const minScore = within(section).getByTestId("knowledge-min-score");
    await user.clear(minScore);
    await user.type(minScore, "0.3");
    await user.click(within(section).getByTestId("knowledge-show-source"));
    await user.click(within(section).getByTestId("knowledge-no-recall-custom"));
    const reply = within(section).getByTestId("knowledge-no-recall-text");
    expect(reply).toHaveValue("Your question is outside what I know, so I cannot answer it yet.");
    await user.clear(reply);
    expect(within(section).getByText("Write the reply")).toBeInTheDocument();
    await user.type(reply, "Ask HR instead.");
    await user.click(within(section).getByTestId("knowledge-nl2sql"));

    await user.click(screen.getByTestId("save"));
    await waitFor(() => expect(updates(b)).toHaveLength(1));
    expect(updates(b)[0]?.knowledge).toEqual({
      knowledge_info: [{ id: "31" }],
      auto: true,
      search_strategy: 0,
      top_k: 5,
      min_score: 0.3,
      show_source: true,
      no_recall_reply_mode: 1,
      no_recall_reply_customize_prompt: "Ask HR instead.",
      recall_strategy: { use_rewrite: false, use_rerank: false, use_nl2sql: true },
    });
  });

  it("shows a bound knowledge base the space no longer has, so it can be removed", async () => {
    const knowledge = { knowledge_info: [{ id: "31" }, { id: "77" }], auto: true, search_strategy: 20, top_k: 4 };
    const b = backend(botInfo({ knowledge }));
    const user = userEvent.setup();
    renderApp("/spaces/9/agents/100");
    const section = await screen.findByTestId("knowledge-section");
    expect(await within(section).findByTestId("knowledge-missing")).toBeInTheDocument();
    expect(within(section).getByTestId("knowledge-top-k")).toHaveValue("4");
    expect(within(section).getByTestId("knowledge-strategy")).toHaveValue("Full text");
    // the pill's remove button (Mantine hides it from the accessibility tree; Backspace works too)
    const pills = within(section).getAllByText(/Policies|Unavailable knowledge base 77/, { selector: "span" });
    const stale = pills.find((p) => p.textContent === "Unavailable knowledge base 77");
    fireEvent.click(stale?.parentElement?.querySelector("button") ?? section);
    await user.click(screen.getByTestId("save"));
    await waitFor(() => expect(updates(b)).toHaveLength(1));
    expect(updates(b)[0]?.knowledge).toMatchObject({ knowledge_info: [{ id: "31" }], top_k: 4, search_strategy: 20 });
  });

  it("links to the playground and the publish page", async () => {
    backend();
    renderApp("/spaces/9/agents/100");
    expect(await screen.findByTestId("open-playground")).toHaveAttribute("href", "/spaces/9/agents/100/chat");
    expect(screen.getByTestId("open-publish")).toHaveAttribute("href", "/spaces/9/agents/100/publish");
  });
});

describe("placeholdersOf", { timeout: 30_000 }, () => {
  it("finds the variables a persona names, and does not scan a prompt the server would refuse", () => {
    expect(placeholdersOf("Hi {{name}}, {{ topic|default('x') }} {{ name }} {{ 1bad }}")).toEqual(["name", "topic"]);
    expect(placeholdersOf(`{{ a }}${"x".repeat(50_000)}`)).toEqual([]);
  });
});
