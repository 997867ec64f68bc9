import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { renderApp } from "../../test/render";
import { dataset, doc, fail, knowledgeBackend, ok, setUp, slice } from "./testing";

setUp();
afterEach(() => vi.unstubAllGlobals());

const PATH = "/spaces/9/knowledge/1/documents/13";
const texts = () => screen.getAllByTestId("slice-content").map((s) => s.textContent);

function world(count: number) {
  return {
    datasets: [dataset("1", "Policies")],
    documents: [doc("13", "travel.md", { slice_count: count })],
    slices: Array.from({ length: count }, (_, i) => slice("13", i, `Paragraph ${i + 1}.`)),
  };
}

describe("a document's slices", { timeout: 30_000 }, () => {
  it("opens from the documents table and pages through the slices", async () => {
    const b = knowledgeBackend(world(45));
    const user = userEvent.setup();
    renderApp("/spaces/9/knowledge/1");
    await user.click(await screen.findByRole("link", { name: "travel.md" }));
    expect(await screen.findByRole("heading", { name: "travel.md" })).toBeInTheDocument();
    await screen.findAllByTestId("slice");
    expect(screen.getByText("45 slices")).toBeInTheDocument();
    expect(texts()).toHaveLength(20);
    expect(texts()[0]).toBe("Paragraph 1.");
    await user.click(screen.getByRole("button", { name: "Page 3" }));
    await waitFor(() => expect(texts()).toEqual(["Paragraph 41.", "Paragraph 42.", "Paragraph 43.", "Paragraph 44.", "Paragraph 45."]));
    expect(b.bodies("/api/knowledge/slice/list").map((c) => c.sequence)).toEqual(["0", "40"]);
    expect(screen.getByTestId("document-status")).toHaveAttribute("data-status", "ready");
  });

  it("edits a slice, adds one at the end and deletes one after confirming", async () => {
    const b = knowledgeBackend(world(2));
    const user = userEvent.setup();
    renderApp(PATH);
    await screen.findAllByTestId("slice");
    await user.click(screen.getByRole("button", { name: "Edit slice 2" }));
    const editor = screen.getByLabelText("Text of slice 2");
    expect(editor).toHaveValue("Paragraph 2.");
    await user.clear(editor);
    expect(screen.getByRole("button", { name: "Save" })).toBeDisabled(); // an empty slice is refused
    await user.type(editor, "Bicycles go to the cellar.");
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(texts()).toEqual(["Paragraph 1.", "Bicycles go to the cellar."]));
    expect(within(screen.getAllByTestId("slice")[1]!).getByText("Edited")).toBeInTheDocument();
    expect(b.bodies("/api/knowledge/slice/update")).toEqual([{ slice_id: "13-1-1", raw_text: "Bicycles go to the cellar." }]);

    await user.click(screen.getByRole("button", { name: "Add slice" }));
    await user.type(screen.getByLabelText("New slice"), "Visitors sign in at reception.");
    await user.click(within(screen.getByTestId("new-slice")).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(texts()).toHaveLength(3));
    expect(texts()[2]).toBe("Visitors sign in at reception.");
    expect(b.bodies("/api/knowledge/slice/create")).toEqual([{ document_id: "13", raw_text: "Visitors sign in at reception." }]);

    await user.click(screen.getByRole("button", { name: "Delete slice 1" }));
    const dialog = await screen.findByRole("dialog");
    expect(dialog).toHaveTextContent("Delete slice 1?");
    await user.click(within(dialog).getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(texts()).toEqual(["Bicycles go to the cellar.", "Visitors sign in at reception."]));
    expect(b.bodies("/api/knowledge/slice/delete")).toEqual([{ slice_ids: ["13-1-0"] }]);
  });

  it("keeps the text and shows the server's message when saving fails", async () => {
    knowledgeBackend(world(1), {
      "/api/knowledge/slice/update": () => fail(400, 4000, "a slice is at most 10000 characters"),
    });
    const user = userEvent.setup();
    renderApp(PATH);
    await user.click(await screen.findByRole("button", { name: "Edit slice 1" }));
    await user.type(screen.getByLabelText("Text of slice 1"), " More.");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("a slice is at most 10000 characters");
    expect(screen.getByLabelText("Text of slice 1")).toHaveValue("Paragraph 1. More.");
  });

  it("follows a document being processed and then shows its new slices", async () => {
    const w = world(0);
    w.documents[0]!.status = 0;
    const b = knowledgeBackend(w, {
      "/api/knowledge/slice/list": () =>
        ok(
          b.world.documents[0]!.status === 1
            ? { slices: [slice("13", 0, "Freshly cut.")], total: 1, hasmore: false }
            : { slices: [], total: 0, hasmore: false },
        ),
    });
    renderApp(PATH);
    expect(await screen.findByTestId("document-status")).toHaveAttribute("data-status", "processing");
    await waitFor(() => expect(screen.getByTestId("document-status")).toHaveAttribute("data-status", "ready"));
    await waitFor(() => expect(texts()).toEqual(["Freshly cut."]));
  });

  it("hides the editing buttons when the knowledge base cannot be edited", async () => {
    const w = world(1);
    w.datasets[0]!.can_edit = false;
    knowledgeBackend(w);
    renderApp(PATH);
    await screen.findAllByTestId("slice");
    expect(screen.queryByRole("button", { name: "Edit slice 1" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Add slice" })).not.toBeInTheDocument();
  });

  it("says not found for a document that is not there", async () => {
    knowledgeBackend(world(0));
    renderApp("/spaces/9/knowledge/1/documents/99");
    expect(await screen.findByText("Not found")).toBeInTheDocument();
  });
});
