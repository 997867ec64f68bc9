import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { renderApp } from "../../test/render";
import { dataset, fail, knowledgeBackend, ok, setUp } from "./testing";

setUp();
afterEach(() => vi.unstubAllGlobals());

const REVIEW = "/api/knowledge/review/create";
const CREATE = "/api/knowledge/document/create";
const UPLOAD = "/api/bot/upload_file";

/** The preview route cutting at blank lines, like the automatic mode on short paragraphs. */
const review = (body: unknown) => {
  const { document_base } = body as { document_base: { source_info: { custom_content?: string } } };
  const text = document_base.source_info.custom_content ?? "From a file.\n\nSecond part.";
  const parts = text.split(/\n\n+/).filter(Boolean);
  const slices = parts.map((content, i) => ({ id: String(i), sequence: i, content, heading_path: i ? ["Hotels"] : [], page: null }));
  return ok({ dataset_id: "1", reviews: [{ review_id: "70", slices, total: parts.length, char_count: parts.join("").length }] });
};

let uploads = 0;
const upload = () => {
  uploads += 1;
  return ok({ upload_uri: String(900 + uploads), upload_url: "", file_name: "x", content_type: "", bytes: 10 });
};

describe("adding documents", { timeout: 30_000 }, () => {
  it("pastes text, must preview the segmentation first, then adds it and watches it get ready", async () => {
    const b = knowledgeBackend({ datasets: [dataset("1", "Policies")] }, { [REVIEW]: review });
    const user = userEvent.setup();
    renderApp("/spaces/9/knowledge/1");
    await user.click(await screen.findByTestId("add-documents"));
    expect(await screen.findByRole("heading", { name: "Add documents to Policies" })).toBeInTheDocument();
    await user.click(screen.getByRole("radio", { name: "Paste text" }));
    await user.type(screen.getByLabelText(/Document name/), "travel.md");
    await user.type(screen.getByLabelText(/^Text/), "Flights go through the desk.{enter}{enter}Hotels up to 180 euros.");
    const add = screen.getByRole("button", { name: "Add 1 document" });
    expect(add).toBeDisabled(); // not previewed yet
    expect(screen.getByText("Preview the segmentation before adding.")).toBeInTheDocument();

    await user.click(screen.getByRole("radio", { name: /By headings/ }));
    const depth = screen.getByLabelText("Maximum heading depth");
    await user.clear(depth);
    await user.type(depth, "2");
    await user.click(screen.getByRole("button", { name: "Preview segmentation" }));
    expect(await screen.findByTestId("preview-summary")).toHaveTextContent("2 slices, 51 characters.");
    const slices = screen.getAllByTestId("preview-slice");
    expect(slices[1]).toHaveTextContent("Hotels up to 180 euros.");
    expect(slices[1]).toHaveTextContent("Hotels");
    expect(b.bodies(REVIEW)[0]).toEqual({
      dataset_id: "1",
      document_base: { name: "travel.md", source_info: { custom_content: "Flights go through the desk.\n\nHotels up to 180 euros." } },
      chunk_strategy: {
        chunk_type: 2,
        separator: null,
        max_tokens: 800,
        overlap: 0,
        remove_extra_spaces: true,
        remove_urls_emails: false,
        max_level: 2,
        save_title: true,
      },
    });
    expect(b.bodies(CREATE)).toHaveLength(0); // a preview stores nothing

    // a change after the preview makes it stale: preview again before adding
    await user.click(screen.getByRole("checkbox", { name: "Write the headings at the top of each slice" }));
    expect(screen.queryByTestId("preview")).not.toBeInTheDocument();
    expect(add).toBeDisabled();
    await user.click(screen.getByRole("button", { name: "Preview segmentation" }));
    await screen.findByTestId("preview");
    await user.click(add);

    expect(await screen.findByRole("heading", { name: "Policies" })).toBeInTheDocument();
    expect(b.bodies(CREATE)[0]).toMatchObject({
      dataset_id: "1",
      document_bases: [{ name: "travel.md", source_info: { custom_content: expect.stringContaining("180 euros") } }],
      chunk_strategy: { chunk_type: 2, max_level: 2, save_title: false },
    });
    const row = await screen.findByTestId("document-row");
    expect(within(row).getByTestId("document-status")).toHaveAttribute("data-status", "processing");
    await waitFor(() => expect(within(row).getByTestId("document-status")).toHaveAttribute("data-status", "ready"));
  });

  it("uploads several files, refuses a type the format does not take, and previews the one chosen", async () => {
    uploads = 0;
    const b = knowledgeBackend({ datasets: [dataset("1", "Policies")] }, { [REVIEW]: review, [UPLOAD]: upload });
    const user = userEvent.setup({ applyAccept: false });
    renderApp("/spaces/9/knowledge/1/add");
    const input = await screen.findByLabelText("Files");
    await user.upload(input, [
      new File(["# Guide"], "guide.md", { type: "text/markdown" }),
      new File(["%PDF-1.7"], "scan.pdf", { type: "application/pdf" }),
      new File(["a,b"], "prices.csv", { type: "text/csv" }),
    ]);
    const items = await screen.findAllByTestId("file-item");
    expect(items).toHaveLength(3);
    await waitFor(() => expect(items.map((i) => i.getAttribute("data-state"))).toEqual(["uploaded", "uploaded", "refused"]));
    expect(within(items[2]!).getByRole("alert")).toHaveTextContent("This knowledge base takes pdf, docx, md, txt, html, htm files.");
    expect(b.calls.filter((c) => c.path === UPLOAD)).toHaveLength(2); // the refused one is never sent

    await user.click(screen.getByRole("combobox", { name: "Preview of" }));
    await user.click(await screen.findByRole("option", { name: "scan.pdf", hidden: true }));
    await user.click(screen.getByRole("button", { name: "Preview segmentation" }));
    await screen.findByTestId("preview");
    expect(b.bodies(REVIEW)[0]).toMatchObject({ document_base: { name: "scan.pdf", source_info: { file_id: "902" } } });
    await user.click(screen.getByRole("button", { name: "Remove prices.csv" }));
    await user.click(screen.getByRole("button", { name: "Add 2 documents" }));
    await screen.findByRole("heading", { name: "Policies" });
    expect(b.bodies(CREATE)[0]).toMatchObject({
      document_bases: [
        { name: "guide.md", source_info: { file_id: "901" } },
        { name: "scan.pdf", source_info: { file_id: "902" } },
      ],
      chunk_strategy: { chunk_type: 0 },
    });
  });

  it("shows why an upload or a preview was refused", async () => {
    knowledgeBackend(
      { datasets: [dataset("1", "Policies")] },
      {
        [UPLOAD]: () => fail(413, 4013, "the file is larger than 100 MB"),
        [REVIEW]: () => fail(400, 4000, "could not fetch the page: the address is not allowed"),
      },
    );
    const user = userEvent.setup();
    renderApp("/spaces/9/knowledge/1/add");
    await user.upload(await screen.findByLabelText("Files"), new File(["x"], "big.pdf", { type: "application/pdf" }));
    const item = await screen.findByTestId("file-item");
    await waitFor(() => expect(item).toHaveAttribute("data-state", "failed"));
    expect(within(item).getByRole("alert")).toHaveTextContent("the file is larger than 100 MB");

    await user.click(screen.getByRole("radio", { name: "Web page" }));
    await user.type(screen.getByLabelText(/Web page URL/), "ftp://intranet");
    expect(screen.getByText("An http:// or https:// address")).toBeInTheDocument();
    await user.clear(screen.getByLabelText(/Web page URL/));
    await user.type(screen.getByLabelText(/Web page URL/), "http://127.0.0.1/admin");
    await user.click(screen.getByRole("button", { name: "Preview segmentation" }));
    expect(await screen.findByTestId("preview-error")).toHaveTextContent("the address is not allowed");
    expect(screen.getByRole("button", { name: "Add 1 document" })).toBeDisabled();
  });

  it("adds images with captions, without segmentation settings", async () => {
    uploads = 0;
    const b = knowledgeBackend({ datasets: [dataset("1", "Products", { format_type: 2 })] }, { [UPLOAD]: upload });
    const user = userEvent.setup();
    renderApp("/spaces/9/knowledge/1/add");
    await user.upload(await screen.findByLabelText("Files"), new File(["png"], "lamp.png", { type: "image/png" }));
    await user.type(await screen.findByLabelText("Caption of lamp.png"), "A desk lamp");
    expect(screen.queryByRole("radio", { name: "Paste text" })).not.toBeInTheDocument();
    expect(screen.queryByTestId("chunking-form")).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Add 1 document" }));
    await screen.findByRole("heading", { name: "Products" });
    expect(b.bodies(CREATE)[0]).toEqual({
      dataset_id: "1",
      document_bases: [{ name: "lamp.png", source_info: { file_id: "901" }, caption: "A desk lamp" }],
    });
  });
});
