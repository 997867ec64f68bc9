import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { renderApp } from "../../test/render";
import { messages } from "./messages";
import { dataset, fail, knowledgeBackend, setUp } from "./testing";

setUp();
afterEach(() => vi.unstubAllGlobals());

const LIST = "/api/knowledge/list";
const names = () => screen.getAllByTestId("knowledge-row").map((r) => within(r).getByRole("link").textContent);

describe("knowledge bases list", { timeout: 30_000 }, () => {
  it("opens from the navigation on the current space's knowledge bases", async () => {
    const b = knowledgeBackend({
      datasets: [
        dataset("1", "Policies", { doc_count: 3, slice_count: 12, processing_file_id_list: ["5"] }),
        dataset("2", "Menus", { format_type: 1, failed_file_list: ["6"] }),
      ],
    });
    const user = userEvent.setup();
    renderApp("/spaces/9/agents");
    await user.click(await screen.findByRole("link", { name: "Knowledge" }));
    expect(await screen.findByRole("heading", { name: "Knowledge" })).toBeInTheDocument();
    await screen.findAllByTestId("knowledge-row");
    expect(names()).toEqual(["Policies", "Menus"]);
    const [policies, menus] = screen.getAllByTestId("knowledge-row");
    expect(policies).toHaveTextContent("3 documents · 12 slices");
    expect(within(policies!).getByText("1 processing")).toBeInTheDocument();
    expect(within(menus!).getByText("Table")).toBeInTheDocument();
    expect(within(menus!).getByText("1 failed")).toBeInTheDocument();
    expect(b.bodies(LIST)[0]).toMatchObject({ space_id: "9", page: 1 });
    expect(screen.getByRole("link", { name: "Knowledge" })).toHaveAttribute("aria-current", "page");
  });

  it("searches by name once typing pauses and filters by format, on the server", async () => {
    const b = knowledgeBackend({
      datasets: [dataset("1", "Travel policy"), dataset("2", "HR policy", { format_type: 1 }), dataset("3", "Photos", { format_type: 2 })],
    });
    const user = userEvent.setup();
    renderApp("/spaces/9/knowledge");
    await screen.findAllByTestId("knowledge-row");
    await user.type(screen.getByLabelText("Search knowledge bases"), "policy");
    await waitFor(() => expect(names()).toEqual(["Travel policy", "HR policy"]));
    expect(b.bodies(LIST).filter((c) => (c.filter as { name?: string }).name).map((c) => c.filter)).toEqual([{ name: "policy" }]);
    await user.click(screen.getByRole("combobox", { name: "Format" }));
    await user.click(await screen.findByRole("option", { name: "Table", hidden: true }));
    await waitFor(() => expect(names()).toEqual(["HR policy"]));
    expect(b.bodies(LIST).at(-1)).toMatchObject({ filter: { name: "policy", format_type: 1 } });
    await user.clear(screen.getByLabelText("Search knowledge bases"));
    await user.type(screen.getByLabelText("Search knowledge bases"), "menus");
    expect(await screen.findByTestId("knowledge-no-match")).toBeInTheDocument();
  });

  it("pages with Load more", async () => {
    const many = Array.from({ length: 25 }, (_, i) => dataset(String(i + 1), `Base ${i + 1}`));
    const b = knowledgeBackend({ datasets: many });
    const user = userEvent.setup();
    renderApp("/spaces/9/knowledge");
    expect(await screen.findAllByTestId("knowledge-row")).toHaveLength(20);
    await user.click(screen.getByRole("button", { name: "Load more" }));
    await waitFor(() => expect(screen.getAllByTestId("knowledge-row")).toHaveLength(25));
    expect(b.bodies(LIST).map((c) => c.page)).toEqual([1, 2]);
    expect(screen.queryByRole("button", { name: "Load more" })).not.toBeInTheDocument();
  });

  it("creates a table knowledge base from the empty state and opens it", async () => {
    const b = knowledgeBackend();
    const user = userEvent.setup();
    renderApp("/spaces/9/knowledge");
    const empty = await screen.findByTestId("knowledge-empty");
    await user.click(within(empty).getByRole("button", { name: "Create knowledge base" }));
    const dialog = await screen.findByRole("dialog");
    await user.click(within(dialog).getByRole("button", { name: "Create" }));
    expect(within(dialog).getByText("Give the knowledge base a name")).toBeInTheDocument();
    expect(b.bodies("/api/knowledge/create")).toHaveLength(0);
    await user.type(within(dialog).getByLabelText(/Name/), "Price lists");
    await user.type(within(dialog).getByLabelText("Description"), "Prices per region");
    await user.click(within(dialog).getByRole("radio", { name: /Table/ }));
    await user.click(within(dialog).getByRole("button", { name: "Create" }));
    expect(await screen.findByRole("heading", { name: "Price lists" })).toBeInTheDocument();
    expect(b.bodies("/api/knowledge/create")[0]).toEqual({
      space_id: "9",
      name: "Price lists",
      description: "Prices per region",
      format_type: 1,
    });
    expect(screen.queryByRole("tab", { name: "Images" })).not.toBeInTheDocument();
  });

  it("shows the server's message when creating fails", async () => {
    knowledgeBackend({}, { "/api/knowledge/create": () => fail(400, 4000, "name must be at most 100 characters") });
    const user = userEvent.setup();
    renderApp("/spaces/9/knowledge");
    await user.click(await screen.findByTestId("knowledge-create"));
    const dialog = await screen.findByRole("dialog");
    await user.type(within(dialog).getByLabelText(/Name/), "Policies");
    await user.click(within(dialog).getByRole("button", { name: "Create" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("name must be at most 100 characters");
  });

  it("deletes only after the confirmation", async () => {
    const b = knowledgeBackend({ datasets: [dataset("1", "Policies"), dataset("2", "Menus")] });
    const user = userEvent.setup();
    renderApp("/spaces/9/knowledge");
    await screen.findAllByTestId("knowledge-row");
    await user.click(screen.getByRole("button", { name: "Delete Menus" }));
    const dialog = await screen.findByRole("dialog");
    expect(dialog).toHaveTextContent("Delete “Menus” with all its documents and slices?");
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(b.bodies("/api/knowledge/delete")).toHaveLength(0);
    await user.click(screen.getByRole("button", { name: "Delete Menus" }));
    await user.click(within(await screen.findByRole("dialog")).getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(names()).toEqual(["Policies"]));
    expect(b.bodies("/api/knowledge/delete")).toEqual([{ dataset_id: "2" }]);
  });

  it("hides delete for a knowledge base the user cannot edit", async () => {
    knowledgeBackend({ datasets: [dataset("1", "Shared", { can_edit: false })] });
    renderApp("/spaces/9/knowledge");
    await screen.findAllByTestId("knowledge-row");
    expect(screen.queryByRole("button", { name: "Delete Shared" })).not.toBeInTheDocument();
  });

  it("shows the envelope's message when the list fails, with a retry", async () => {
    let broken = true;
    knowledgeBackend(
      {},
      {
        [LIST]: () => (broken ? fail(500, 5000, "the database is being upgraded") : { body: { code: 0, msg: "", data: { dataset_list: [dataset("1", "Policies")], total: 1 } } }),
      },
    );
    const user = userEvent.setup();
    renderApp("/spaces/9/knowledge");
    expect(await screen.findByTestId("error-message")).toHaveTextContent("the database is being upgraded");
    broken = false;
    await user.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByRole("link", { name: "Policies" })).toBeInTheDocument();
  });

  it("says not found for a space the user is not in", async () => {
    knowledgeBackend();
    renderApp("/spaces/12345/knowledge");
    expect(await screen.findByText("Not found")).toBeInTheDocument();
  });

  it("has every text in both languages", () => {
    expect(Object.keys(messages["zh-CN"]).sort()).toEqual(Object.keys(messages["en-US"]).sort());
  });
});
