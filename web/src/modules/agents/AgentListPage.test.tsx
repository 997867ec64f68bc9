import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { fakeBackend, renderApp } from "../../test/render";
import { messages } from "./messages";
import { ACCOUNT, SPACES, agent, botInfo, fail, ok, polyfillFonts } from "./testing";
import type { Intelligence } from "./types";

const LIST = "/api/intelligence_api/search/get_draft_intelligence_list";

polyfillFonts();
afterEach(() => vi.unstubAllGlobals());

interface ListBody {
  space_id: string;
  name?: string;
  cursor_id?: string;
  size: number;
}

/** A backend holding `agents` in space 9, paging and searching like the real route. */
function backend(agents: Intelligence[], extra: Parameters<typeof fakeBackend>[0] = {}) {
  const store = [...agents];
  const b = fakeBackend({
    "/api/passport/account/info/v2/": () => ok(ACCOUNT),
    "/api/playground_api/space/list": () => ok(SPACES),
    [LIST]: (body) => {
      const { space_id, name, cursor_id, size } = body as ListBody;
      if (space_id !== "9" && space_id !== "7") return fail(404, 4200, "space not found");
      const found = store.filter((a) => !name || a.basic_info.name.toLowerCase().includes(name.toLowerCase()));
      const offset = Number(cursor_id ?? "0");
      const page = found.slice(offset, offset + size);
      return ok({
        intelligences: page,
        total: found.length,
        has_more: offset + page.length < found.length,
        next_cursor_id: String(offset + page.length),
      });
    },
    "/api/draftbot/delete": (body) => {
      const { bot_id } = body as { bot_id: string };
      store.splice(
        store.findIndex((a) => a.basic_info.id === bot_id),
        1,
      );
      return ok({});
    },
    "/api/draftbot/duplicate": (body) => {
      const { bot_id } = body as { bot_id: string };
      const source = store.find((a) => a.basic_info.id === bot_id)!;
      const copy = agent("999", `${source.basic_info.name} (copy)`);
      store.unshift(copy);
      return ok({ bot_id: "999", name: copy.basic_info.name });
    },
    ...extra,
  });
  vi.stubGlobal("fetch", b.fetch);
  return b;
}

const listCalls = (b: ReturnType<typeof fakeBackend>) =>
  b.calls.filter((c) => c.path === LIST).map((c) => c.body as ListBody);

describe("agents list", { timeout: 30_000 }, () => {
  it("lands on the personal space's agents from the studio's start page", async () => {
    const b = backend([agent("1", "Tutor", true), agent("2", "Chef")]);
    renderApp("/");
    expect(await screen.findByRole("heading", { name: "Agents" }, { timeout: 5000 })).toBeInTheDocument();
    const rows = await screen.findAllByTestId("agent-row");
    expect(rows.map((r) => within(r).getByRole("link").textContent)).toEqual(["Tutor", "Chef"]);
    expect(within(rows[0]!).getByText("Published")).toBeInTheDocument();
    expect(within(rows[1]!).getByText("Draft")).toBeInTheDocument();
    expect(listCalls(b)[0]).toMatchObject({ space_id: "9" }); // the personal space, not the first one
    expect(screen.getByText("Showing 2 of 2")).toBeInTheDocument();
  });

  it("searches on the server once typing pauses, and says when nothing matches", async () => {
    const b = backend([agent("1", "Maths tutor"), agent("2", "History tutor"), agent("3", "Chef")]);
    const user = userEvent.setup();
    renderApp("/spaces/9/agents");
    await screen.findAllByTestId("agent-row");
    await user.type(screen.getByLabelText("Search agents"), "tutor");
    await waitFor(() => expect(screen.getAllByTestId("agent-row")).toHaveLength(2));
    const named = listCalls(b).filter((c) => c.name !== undefined);
    expect(named.map((c) => c.name)).toEqual(["tutor"]); // debounced: one call, not one per key
    await user.clear(screen.getByLabelText("Search agents"));
    await user.type(screen.getByLabelText("Search agents"), "pilot");
    expect(await screen.findByTestId("agents-no-match")).toHaveTextContent("No agent's name contains “pilot”.");
  });

  it("pages with the server's cursor", async () => {
    const many = Array.from({ length: 25 }, (_, i) => agent(String(i + 1), `Agent ${i + 1}`));
    const b = backend(many);
    const user = userEvent.setup();
    renderApp("/spaces/9/agents");
    expect(await screen.findAllByTestId("agent-row")).toHaveLength(20);
    await user.click(screen.getByRole("button", { name: "Load more" }));
    await waitFor(() => expect(screen.getAllByTestId("agent-row")).toHaveLength(25));
    expect(listCalls(b).map((c) => c.cursor_id)).toEqual([undefined, "20"]);
    expect(screen.queryByRole("button", { name: "Load more" })).not.toBeInTheDocument();
  });

  it("creates an agent from the empty state and opens it in the editor", async () => {
    const b = backend([], {
      "/api/draftbot/create": () => ok({ bot_id: "100", check_not_pass: false }),
      "/api/playground_api/draftbot/get_draft_bot_info": () =>
        ok({ bot_info: botInfo({ name: "Tutor" }), published_versions: {} }),
      "/api/bot/get_type_list": () => ok({ model_list: [], voice_list: [], raw_model_list: [] }),
    });
    const user = userEvent.setup();
    renderApp("/spaces/9/agents");
    const empty = await screen.findByTestId("agents-empty");
    await user.click(within(empty).getByRole("button", { name: "Create agent" }));
    const dialog = await screen.findByRole("dialog");
    await user.click(within(dialog).getByRole("button", { name: "Create" }));
    expect(within(dialog).getByText("Give the agent a name")).toBeInTheDocument(); // nothing sent
    expect(b.calls.some((c) => c.path === "/api/draftbot/create")).toBe(false);
    await user.type(within(dialog).getByLabelText(/Name/), "Tutor");
    await user.type(within(dialog).getByLabelText("Description"), "Teaches maths");
    await user.click(within(dialog).getByRole("button", { name: "Create" }));
    expect(await screen.findByTestId("persona")).toHaveValue("You teach.");
    expect(b.calls.find((c) => c.path === "/api/draftbot/create")?.body).toEqual({
      space_id: "9",
      name: "Tutor",
      description: "Teaches maths",
    });
  });

  it("shows the server's message when creating fails", async () => {
    backend([], {
      "/api/draftbot/create": () => fail(400, 4000, "invalid agent settings: name must be at most 40 characters"),
    });
    const user = userEvent.setup();
    renderApp("/spaces/9/agents");
    await user.click(await screen.findByTestId("agent-create"));
    const dialog = await screen.findByRole("dialog");
    await user.type(within(dialog).getByLabelText(/Name/), "Tutor");
    await user.click(within(dialog).getByRole("button", { name: "Create" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("name must be at most 40 characters");
    expect(within(dialog).getByLabelText(/Name/)).toHaveValue("Tutor");
  });

  it("deletes only after the confirmation, and duplicates", async () => {
    const b = backend([agent("1", "Tutor"), agent("2", "Chef")]);
    const user = userEvent.setup();
    renderApp("/spaces/9/agents");
    await screen.findAllByTestId("agent-row");

    await user.click(screen.getByRole("button", { name: "Duplicate Tutor" }));
    await waitFor(() => expect(screen.getAllByTestId("agent-row")).toHaveLength(3));
    expect(screen.getByRole("link", { name: "Tutor (copy)" })).toBeInTheDocument();
    expect(b.calls.find((c) => c.path === "/api/draftbot/duplicate")?.body).toEqual({ bot_id: "1", space_id: "9" });

    await user.click(screen.getByRole("button", { name: "Delete Chef" }));
    const dialog = await screen.findByRole("dialog");
    expect(dialog).toHaveTextContent("Delete “Chef”?");
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(b.calls.some((c) => c.path === "/api/draftbot/delete")).toBe(false);

    await user.click(screen.getByRole("button", { name: "Delete Chef" }));
    await user.click(within(await screen.findByRole("dialog")).getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(screen.queryByRole("link", { name: "Chef" })).not.toBeInTheDocument());
    expect(b.calls.find((c) => c.path === "/api/draftbot/delete")?.body).toEqual({ bot_id: "2", space_id: "9" });
  });

  it("shows the envelope's message when the list fails, with a retry", async () => {
    let broken = true;
    backend([agent("1", "Tutor")], {
      [LIST]: () => (broken ? fail(500, 5000, "the database is being upgraded") : ok({ intelligences: [agent("1", "Tutor")], total: 1, has_more: false, next_cursor_id: "1" })),
    });
    const user = userEvent.setup();
    renderApp("/spaces/9/agents");
    expect(await screen.findByTestId("error-message")).toHaveTextContent("the database is being upgraded");
    broken = false;
    await user.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByRole("link", { name: "Tutor" })).toBeInTheDocument();
  });

  it("says not found for a space the user is not in", async () => {
    backend([]);
    renderApp("/spaces/12345/agents");
    expect(await screen.findByText("Not found")).toBeInTheDocument();
    expect(screen.getByTestId("error-message")).toHaveTextContent("space not found");
  });

  it("has every text in both languages", () => {
    expect(Object.keys(messages["zh-CN"]).sort()).toEqual(Object.keys(messages["en-US"]).sort());
  });
});
