import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { fakeBackend, renderApp } from "../../test/render";
import { ACCOUNT, SPACES, botInfo, fail, ok, polyfillFonts } from "./testing";
import type { HistoryInfo } from "./types";

polyfillFonts();
afterEach(() => vi.unstubAllGlobals());

function backend(publish?: () => { status?: number; body: unknown }) {
  const history: HistoryInfo[] = [];
  const names: Record<string, string> = { "1024": "API", "999": "Chat SDK" };
  const b = fakeBackend({
    "/api/passport/account/info/v2/": () => ok(ACCOUNT),
    "/api/playground_api/space/list": () => ok(SPACES),
    "/api/playground_api/draftbot/get_draft_bot_info": () => ok({ bot_info: botInfo(), published_versions: {} }),
    "/api/draftbot/publish/connector/list": () =>
      ok({
        publish_connector_list: Object.entries(names).map(([id, name]) => ({
          id,
          name,
          desc: "",
          icon: "",
          connector_status: 0,
          is_last_published: history.some((h) => h.connector_infos.some((c) => c.id === id)),
          last_publish_version: history.find((h) => h.connector_infos.some((c) => c.id === id))?.version ?? "",
        })),
      }),
    "/api/draftbot/publish": (body) => {
      if (publish) return publish();
      const { connectors, history_info } = body as { connectors: Record<string, object>; history_info: string };
      const version = String(history.length + 1);
      history.unshift({
        version,
        history_type: 1,
        info: history_info,
        create_time: "1765000000",
        connector_infos: Object.keys(connectors).map((id) => ({ id, name: names[id] ?? "" })),
        creator: { id: "42" },
        publish_id: `p${version}`,
      });
      return ok({ version, publish_result: {}, check_not_pass: false });
    },
    "/api/draftbot/list_draft_history": () => ok({ history_infos: history, total: history.length, has_more: false }),
  });
  vi.stubGlobal("fetch", b.fetch);
  return b;
}

describe("publish page", { timeout: 30_000 }, () => {
  it("publishes to the chosen connectors with a version description and lists the version", async () => {
    const b = backend();
    const user = userEvent.setup();
    renderApp("/spaces/9/agents/100/publish");
    expect(await screen.findByTestId("history-empty")).toBeInTheDocument();
    await user.click(screen.getByLabelText("Chat SDK")); // both start chosen: publish to the API only
    await user.type(screen.getByTestId("version-note"), "First release");
    await user.click(screen.getByTestId("publish"));
    const row = await screen.findByTestId("history-row");
    expect(row).toHaveTextContent("Version 1");
    expect(within(row).getByText("API")).toBeInTheDocument();
    expect(within(row).getByTestId("history-note")).toHaveTextContent("First release");
    expect(b.calls.find((c) => c.path === "/api/draftbot/publish")?.body).toEqual({
      bot_id: "100",
      space_id: "9",
      connectors: { "1024": {} },
      history_info: "First release",
    });
    await waitFor(() => expect(screen.getByTestId("version-note")).toHaveValue(""));
  });

  it("asks for a connector, and shows the server's message when publishing fails", async () => {
    const b = backend(() => fail(403, 4101, "only the agent's owner may publish it"));
    const user = userEvent.setup();
    renderApp("/spaces/9/agents/100/publish");
    await screen.findByTestId("history-empty");
    await user.click(screen.getByLabelText("API"));
    await user.click(screen.getByLabelText("Chat SDK"));
    await user.click(screen.getByTestId("publish"));
    expect(screen.getByText("Choose at least one connector")).toBeInTheDocument();
    expect(b.calls.some((c) => c.path === "/api/draftbot/publish")).toBe(false);
    await user.click(screen.getByLabelText("API"));
    await user.click(screen.getByTestId("publish"));
    expect(await screen.findByTestId("publish-error")).toHaveTextContent("only the agent's owner may publish it");
  });
});
