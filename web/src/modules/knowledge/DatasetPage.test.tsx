import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { renderApp } from "../../test/render";
import { dataset, doc, fail, knowledgeBackend, ok, setUp } from "./testing";

setUp();
afterEach(() => vi.unstubAllGlobals());

const PROGRESS = "/api/knowledge/document/progress/get";
const row = (name: string) => screen.getAllByTestId("document-row").find((r) => within(r).queryByRole("link", { name }))!;
const statusOf = (name: string) => within(row(name)).getByTestId("document-status");
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("a knowledge base's documents", { timeout: 30_000 }, () => {
  it("follows processing documents until none is left, then stops asking", async () => {
    const b = knowledgeBackend({
      datasets: [dataset("1", "Policies", { doc_count: 3 })],
      documents: [
        doc("11", "travel.md", { status: 0, progress: 10 }),
        doc("12", "scan.pdf", {
          status: 0,
          progress: 0,
          failure_reason: "broken",
          status_descript: "scan.pdf: the PDF's cross-reference table is damaged",
        }),
        doc("13", "faq.txt", { slice_count: 4 }),
      ],
      stepsToReady: 3,
    });
    renderApp("/spaces/9/knowledge/1");
    expect(await screen.findByRole("heading", { name: "Policies" })).toBeInTheDocument();
    await screen.findAllByTestId("document-row");
    expect(statusOf("faq.txt")).toHaveAttribute("data-status", "ready");
    expect(statusOf("travel.md")).toHaveAttribute("data-status", "processing");
    await waitFor(() => expect(statusOf("travel.md")).toHaveTextContent(/Processing [1-9][0-9]%/));
    await waitFor(() => expect(statusOf("travel.md")).toHaveAttribute("data-status", "ready"));
    await waitFor(() => expect(statusOf("scan.pdf")).toHaveAttribute("data-status", "failed"));
    expect(within(row("scan.pdf")).getByTestId("failure-reason")).toHaveTextContent("The file is damaged");
    expect(within(row("scan.pdf")).getByTestId("failure-detail")).toHaveTextContent("cross-reference table is damaged");
    // only the processing documents were asked about, never the ready one
    const asked = b.bodies(PROGRESS).flatMap((c) => c.document_ids as string[]);
    expect(new Set(asked)).toEqual(new Set(["11", "12"]));
    const calls = b.bodies(PROGRESS).length;
    await pause(300); // ten polling intervals
    expect(b.bodies(PROGRESS)).toHaveLength(calls);
  });

  it("asks for no progress when nothing is processing", async () => {
    const b = knowledgeBackend({ datasets: [dataset("1", "Policies")], documents: [doc("13", "faq.txt")] });
    renderApp("/spaces/9/knowledge/1");
    await screen.findAllByTestId("document-row");
    await pause(150);
    expect(b.bodies(PROGRESS)).toHaveLength(0);
  });

  it("reloads the list, and stops asking, when a processing document was deleted meanwhile", async () => {
    const b = knowledgeBackend(
      {
        datasets: [dataset("1", "Policies")],
        documents: [doc("11", "travel.md", { status: 0, progress: 10 }), doc("13", "faq.txt")],
      },
      {
        // someone else deletes travel.md: the progress route answers 404 for the call
        [PROGRESS]: () => {
          b.world.documents = b.world.documents.filter((d) => d.document_id !== "11");
          return fail(404, 4200, "document not found");
        },
      },
    );
    renderApp("/spaces/9/knowledge/1");
    await screen.findAllByTestId("document-row");
    await waitFor(() => expect(screen.queryByRole("link", { name: "travel.md" })).not.toBeInTheDocument());
    expect(screen.getByRole("link", { name: "faq.txt" })).toBeInTheDocument();
    const calls = b.bodies(PROGRESS).length;
    await pause(300);
    expect(b.bodies(PROGRESS)).toHaveLength(calls);
  });

  it("renames and deletes a document", async () => {
    const b = knowledgeBackend({
      datasets: [dataset("1", "Policies")],
      documents: [doc("13", "faq.txt"), doc("14", "old.txt")],
    });
    const user = userEvent.setup();
    renderApp("/spaces/9/knowledge/1");
    await screen.findAllByTestId("document-row");
    await user.click(screen.getByRole("button", { name: "Rename faq.txt" }));
    const dialog = await screen.findByRole("dialog");
    const name = within(dialog).getByLabelText(/Name/);
    await user.clear(name);
    await user.type(name, "Questions");
    await user.click(within(dialog).getByRole("button", { name: "Save" }));
    expect(await screen.findByRole("link", { name: "Questions" })).toBeInTheDocument();
    expect(b.bodies("/api/knowledge/document/update")).toEqual([{ document_id: "13", document_name: "Questions" }]);

    await user.click(screen.getByRole("button", { name: "Delete old.txt" }));
    const confirm = await screen.findByRole("dialog");
    expect(confirm).toHaveTextContent("Delete “old.txt” and its slices?");
    await user.click(within(confirm).getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(screen.queryByRole("link", { name: "old.txt" })).not.toBeInTheDocument());
    expect(b.bodies("/api/knowledge/document/delete")).toEqual([{ dataset_id: "1", document_ids: ["14"] }]);
  });

  it("re-segments a document with custom settings and follows it again", async () => {
    const b = knowledgeBackend({ datasets: [dataset("1", "Policies")], documents: [doc("13", "faq.txt")] });
    const user = userEvent.setup();
    renderApp("/spaces/9/knowledge/1");
    await screen.findAllByTestId("document-row");
    await user.click(screen.getByRole("button", { name: "Re-segment faq.txt" }));
    const dialog = await screen.findByRole("dialog");
    await user.click(within(dialog).getByRole("radio", { name: /Custom/ }));
    const separator = within(dialog).getByLabelText("Separator");
    expect(separator).toHaveValue("\\n\\n"); // the saved "\n\n", as typed
    await user.clear(separator);
    await user.type(separator, "###");
    const size = within(dialog).getByLabelText("Maximum slice size");
    await user.clear(size);
    await user.type(size, "20");
    expect(within(dialog).getByText("From 50 to 5000")).toBeInTheDocument();
    expect(within(dialog).getByRole("button", { name: "Re-segment" })).toBeDisabled();
    await user.clear(size);
    await user.type(size, "300");
    const overlap = within(dialog).getByLabelText("Overlap");
    await user.clear(overlap);
    await user.type(overlap, "30");
    await user.click(within(dialog).getByRole("checkbox", { name: "Remove all URLs and e-mail addresses" }));
    await user.click(within(dialog).getByRole("button", { name: "Re-segment" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(b.bodies("/api/knowledge/document/resegment")[0]).toEqual({
      dataset_id: "1",
      document_ids: ["13"],
      chunk_strategy: {
        chunk_type: 1,
        separator: "###",
        max_tokens: 300,
        overlap: 30,
        remove_extra_spaces: true,
        remove_urls_emails: true,
        max_level: null,
        save_title: null,
      },
    });
    await waitFor(() => expect(b.bodies(PROGRESS).length).toBeGreaterThan(0));
    await waitFor(() => expect(statusOf("faq.txt")).toHaveAttribute("data-status", "ready"));
  });

  it("says not found for a knowledge base that is not there", async () => {
    knowledgeBackend({ datasets: [] });
    renderApp("/spaces/9/knowledge/77");
    expect(await screen.findByText("Not found")).toBeInTheDocument();
    expect(screen.getByTestId("error-message")).toHaveTextContent("knowledge base not found");
  });
});

describe("the retrieval test", { timeout: 30_000 }, () => {
  it("sends the query with mode, top K and minimum score, and lists the slices with scores", async () => {
    const b = knowledgeBackend(
      { datasets: [dataset("1", "Policies")] },
      {
        "/api/knowledge/retrieval/test": (body) => {
          const { min_score } = body as { min_score: number };
          const slices =
            min_score > 0.9
              ? []
              : [
                  {
                    slice_id: "13-1-0",
                    score: 0.8731,
                    content: "Hotel rooms are reimbursed up to 180 euros a night.",
                    document_id: "13",
                    document_name: "travel.md",
                    dataset_id: "1",
                    dataset_name: "Policies",
                    heading_path: ["Travel policy", "Hotels"],
                    page: null,
                    url: "",
                  },
                ];
          return ok({ query: "hotel", slices });
        },
      },
    );
    const user = userEvent.setup();
    renderApp("/spaces/9/knowledge/1");
    await user.click(await screen.findByRole("tab", { name: "Retrieval test" }));
    expect(screen.getByRole("button", { name: "Test" })).toBeDisabled();
    await user.type(screen.getByLabelText("Query"), "how much is a hotel night");
    await user.click(screen.getByRole("combobox", { name: "Search mode" }));
    await user.click(await screen.findByRole("option", { name: "Semantic", hidden: true }));
    const topK = screen.getByLabelText("Top K");
    await user.clear(topK);
    await user.type(topK, "3");
    await user.click(screen.getByRole("button", { name: "Test" }));
    const hit = await screen.findByTestId("retrieval-hit");
    expect(within(hit).getByTestId("hit-score")).toHaveTextContent("score 0.873");
    expect(within(hit).getByRole("link", { name: "travel.md" })).toHaveAttribute(
      "href",
      "/spaces/9/knowledge/1/documents/13",
    );
    expect(hit).toHaveTextContent("Travel policy › Hotels");
    expect(hit).toHaveTextContent("180 euros a night");
    expect(b.bodies("/api/knowledge/retrieval/test")[0]).toEqual({
      dataset_ids: ["1"],
      query: "how much is a hotel night",
      search_type: 0,
      top_k: 3,
      min_score: 0,
    });

    const min = screen.getByLabelText("Minimum score");
    await user.clear(min);
    await user.type(min, "0.95");
    await user.click(screen.getByRole("button", { name: "Test" }));
    expect(await screen.findByTestId("retrieval-empty")).toHaveTextContent("No slice scored at least the minimum.");
    expect(b.bodies("/api/knowledge/retrieval/test")[1]).toMatchObject({ min_score: 0.95 });
  });

  it("shows the server's message when the test fails", async () => {
    knowledgeBackend(
      { datasets: [dataset("1", "Policies")] },
      { "/api/knowledge/retrieval/test": () => fail(503, 5030, "the embedding model is not reachable") },
    );
    const user = userEvent.setup();
    renderApp("/spaces/9/knowledge/1?tab=retrieval");
    await user.type(await screen.findByLabelText("Query"), "hotel");
    await user.click(screen.getByRole("button", { name: "Test" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("the embedding model is not reachable");
  });
});

describe("image knowledge", { timeout: 30_000 }, () => {
  it("lists the photos and saves an edited caption", async () => {
    const photo = (id: string, name: string, caption: string) => ({
      document_id: id,
      name,
      caption,
      type: "png",
      size: 2048,
      status: 1,
      url: "",
      create_time: 1765000000,
      update_time: 1765000000,
    });
    const b = knowledgeBackend({
      datasets: [dataset("1", "Products", { format_type: 2 })],
      photos: [photo("21", "lamp.png", "A desk lamp"), photo("22", "chair.png", "")],
    });
    const user = userEvent.setup();
    renderApp("/spaces/9/knowledge/1");
    await user.click(await screen.findByRole("tab", { name: "Images" }));
    expect(await screen.findAllByTestId("photo-card")).toHaveLength(2);
    expect(screen.getByLabelText("Caption of lamp.png")).toHaveValue("A desk lamp");
    const chair = screen.getByLabelText("Caption of chair.png");
    const card = screen.getAllByTestId("photo-card")[1]!;
    expect(within(card).getByRole("button", { name: "Save caption" })).toBeDisabled();
    await user.type(chair, "A red wooden chair");
    await user.click(within(card).getByRole("button", { name: "Save caption" }));
    await waitFor(() => expect(within(card).getByRole("button", { name: "Save caption" })).toBeDisabled());
    expect(b.bodies("/api/knowledge/photo/caption")).toEqual([{ document_id: "22", caption: "A red wooden chair" }]);
    expect(b.world.photos[1]!.caption).toBe("A red wooden chair");
    expect(screen.queryByRole("button", { name: "Generate caption" })).toBeNull(); // no vision model
    expect(screen.getByTestId("photos-no-vision")).toHaveTextContent("An admin can turn on image input");
  });

  it("fills a caption from the vision model, saved only when the user saves it", async () => {
    const b = knowledgeBackend({
      datasets: [dataset("1", "Products", { format_type: 2 })],
      photos: [
        { document_id: "22", name: "chair.png", caption: "", type: "png", size: 2048, status: 1, url: "", create_time: 1765000000, update_time: 1765000000 },
      ],
      visionModel: true,
    });
    const user = userEvent.setup();
    renderApp("/spaces/9/knowledge/1");
    await user.click(await screen.findByRole("tab", { name: "Images" }));
    const card = (await screen.findAllByTestId("photo-card"))[0]!;
    expect(screen.queryByTestId("photos-no-vision")).toBeNull();
    await user.click(await within(card).findByRole("button", { name: "Generate caption" }));
    await waitFor(() => expect(screen.getByLabelText("Caption of chair.png")).toHaveValue("A photo named chair.png"));
    expect(b.bodies("/api/knowledge/photo/extract_caption")).toEqual([{ document_id: "22" }]);
    expect(b.bodies("/api/knowledge/photo/caption")).toEqual([]);
    await user.click(within(card).getByRole("button", { name: "Save caption" }));
    await waitFor(() => expect(b.world.photos[0]!.caption).toBe("A photo named chair.png"));
  });
});
