import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { renderApp } from "../../test/render";
import { messages } from "./messages";
import { fail, plugin, pluginBackend, setUp } from "./testing";

setUp();
afterEach(() => vi.unstubAllGlobals());

const LIST = "/api/plugin_api/get_dev_plugin_list";
const names = () => screen.getAllByTestId("plugins-row").map((r) => within(r).getByRole("link").textContent);

describe("plugins list", { timeout: 30_000 }, () => {
  it("opens from the navigation on the current space's plugins, with a published badge", async () => {
    const b = pluginBackend({
      plugins: [
        plugin("1", "Weather", { version_ts: "1765000000000", version_name: "v1.0.0" }),
        plugin("2", "Calendar"),
        plugin("3", "Elsewhere", { space_id: "7" }),
      ],
    });
    const user = userEvent.setup();
    renderApp("/spaces/9/agents");
    await user.click(await screen.findByRole("link", { name: "Plugins" }));
    expect(await screen.findByRole("heading", { name: "Plugins" })).toBeInTheDocument();
    await screen.findAllByTestId("plugins-row");
    expect(names()).toEqual(["Weather", "Calendar"]);
    const [weather, calendar] = screen.getAllByTestId("plugins-row");
    expect(within(weather!).getByText("Published v1.0.0")).toBeInTheDocument();
    expect(within(calendar!).getByText("Draft")).toBeInTheDocument();
    expect(within(weather!).getByRole("link", { name: "Weather" })).toHaveAttribute("href", "/spaces/9/plugins/1");
    expect(b.bodies(LIST)[0]).toEqual({ space_id: "9", page: 1, size: 20 });
    expect(screen.getByRole("link", { name: "Plugins" })).toHaveAttribute("aria-current", "page");
  });

  it("searches by name on the server once typing pauses", async () => {
    const b = pluginBackend({ plugins: [plugin("1", "Weather now"), plugin("2", "Weather week"), plugin("3", "Calendar")] });
    const user = userEvent.setup();
    renderApp("/spaces/9/plugins");
    await screen.findAllByTestId("plugins-row");
    await user.type(screen.getByLabelText("Search plugins"), "weather");
    await waitFor(() => expect(names()).toEqual(["Weather now", "Weather week"]));
    expect(b.bodies(LIST).filter((c) => c.name).map((c) => c.name)).toEqual(["weather"]);
    await user.clear(screen.getByLabelText("Search plugins"));
    await user.type(screen.getByLabelText("Search plugins"), "maps");
    expect(await screen.findByTestId("plugins-no-match")).toBeInTheDocument();
  });

  it("pages with Load more (total comes as text)", async () => {
    const many = Array.from({ length: 25 }, (_, i) => plugin(String(i + 1), `Plugin ${i + 1}`));
    const b = pluginBackend({ plugins: many });
    const user = userEvent.setup();
    renderApp("/spaces/9/plugins");
    expect(await screen.findAllByTestId("plugins-row")).toHaveLength(20);
    await user.click(screen.getByRole("button", { name: "Load more" }));
    await waitFor(() => expect(screen.getAllByTestId("plugins-row")).toHaveLength(25));
    expect(b.bodies(LIST).map((c) => c.page)).toEqual([1, 2]);
    expect(screen.queryByRole("button", { name: "Load more" })).not.toBeInTheDocument();
  });

  it("offers to register from the empty state", async () => {
    pluginBackend();
    const user = userEvent.setup();
    renderApp("/spaces/9/plugins");
    const empty = await screen.findByTestId("plugins-empty");
    await user.click(within(empty).getByRole("button", { name: "Register plugin" }));
    expect(await screen.findByRole("heading", { name: "Register a plugin" })).toBeInTheDocument();
  });

  it("deletes only after the confirmation", async () => {
    const b = pluginBackend({ plugins: [plugin("1", "Weather"), plugin("2", "Calendar")] });
    const user = userEvent.setup();
    renderApp("/spaces/9/plugins");
    await screen.findAllByTestId("plugins-row");
    await user.click(screen.getByRole("button", { name: "Delete Calendar" }));
    const dialog = await screen.findByRole("dialog");
    expect(dialog).toHaveTextContent("Delete “Calendar” with all its tools?");
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(b.bodies("/api/plugin_api/del_plugin")).toHaveLength(0);
    await user.click(screen.getByRole("button", { name: "Delete Calendar" }));
    await user.click(within(await screen.findByRole("dialog")).getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(names()).toEqual(["Weather"]));
    expect(b.bodies("/api/plugin_api/del_plugin")).toEqual([{ plugin_id: "2" }]);
  });

  it("shows the server's message when deleting fails, and hides delete where the user cannot edit", async () => {
    pluginBackend(
      { plugins: [plugin("1", "Weather"), plugin("2", "Shared", { can_edit: false })] },
      { "/api/plugin_api/del_plugin": () => fail(409, 4090, "the plugin is used by 2 agents") },
    );
    const user = userEvent.setup();
    renderApp("/spaces/9/plugins");
    await screen.findAllByTestId("plugins-row");
    expect(screen.queryByRole("button", { name: "Delete Shared" })).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Delete Weather" }));
    const dialog = await screen.findByRole("dialog");
    await user.click(within(dialog).getByRole("button", { name: "Delete" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("the plugin is used by 2 agents");
  });

  it("shows the envelope's message when the list fails, with a retry", async () => {
    let broken = true;
    pluginBackend(
      {},
      {
        [LIST]: () =>
          broken
            ? fail(500, 5000, "the database is being upgraded")
            : { body: { code: 0, msg: "", plugin_list: [plugin("1", "Weather")], total: "1" } },
      },
    );
    const user = userEvent.setup();
    renderApp("/spaces/9/plugins");
    expect(await screen.findByTestId("error-message")).toHaveTextContent("the database is being upgraded");
    broken = false;
    await user.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByRole("link", { name: "Weather" })).toBeInTheDocument();
  });

  it("says not found for a space the user is not in", async () => {
    pluginBackend();
    renderApp("/spaces/12345/plugins");
    expect(await screen.findByText("Not found")).toBeInTheDocument();
  });

  it("has every text in both languages", () => {
    expect(Object.keys(messages["zh-CN"]).sort()).toEqual(Object.keys(messages["en-US"]).sort());
  });
});
