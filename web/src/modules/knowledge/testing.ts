// A fake knowledge backend for the pages' component tests: the routes' shapes as
// src/api/web/knowledge*.py answer them, held in memory, paging like the real routes.
import { vi } from "vitest";

import { ACCOUNT, fail, ok, setUpPageTests, spaceList } from "../../test/fixtures";
import { fakeBackend } from "../../test/render";
import { polling } from "./api";
import type { ChunkStrategy, Dataset, DocumentInfo, FormatType, Photo, Slice } from "./types";

export { fail, ok };

export const SPACES = spaceList([
  ["9", "Personal", 1],
  ["7", "Team", 2],
]);

export const AUTO: ChunkStrategy = {
  chunk_type: 0,
  separator: "\n\n",
  max_tokens: 800,
  remove_extra_spaces: true,
  remove_urls_emails: false,
  overlap: 0,
  max_level: 3,
  save_title: true,
};

export function dataset(id: string, name: string, patch: Partial<Dataset> = {}): Dataset {
  return {
    dataset_id: id,
    name,
    description: `About ${name}`,
    space_id: "9",
    status: 1,
    format_type: 0,
    can_edit: true,
    icon_url: "",
    doc_count: 0,
    slice_count: 0,
    hit_count: 0,
    all_file_size: 0,
    processing_file_id_list: [],
    failed_file_list: [],
    chunk_strategy: AUTO,
    create_time: 1765000000,
    update_time: 1765000000,
    ...patch,
  };
}

export function doc(id: string, name: string, patch: Partial<DocumentInfo> = {}): DocumentInfo {
  return {
    document_id: id,
    name,
    type: "txt",
    size: 0,
    char_count: 120,
    slice_count: 2,
    hit_count: 0,
    status: 1,
    status_descript: "",
    failure_reason: "",
    progress: 100,
    source_type: 2,
    format_type: 0,
    web_url: "",
    chunk_strategy: AUTO,
    table_meta: [],
    caption: "",
    dataset_id: "1",
    create_time: 1765000000,
    update_time: 1765000000,
    ...patch,
  };
}

export function slice(documentId: string, position: number, content: string): Slice {
  return {
    slice_id: `${documentId}-1-${position}`,
    document_id: documentId,
    sequence: String(position),
    content,
    char_count: content.length,
    hit_count: 0,
    heading_path: [],
    page: null,
    status: 1,
    edited: false,
  };
}

export interface World {
  datasets: Dataset[];
  documents: DocumentInfo[];
  slices: Slice[];
  photos: Photo[];
  /** Whether a chat model takes images (photo captions from the model); off unless a test says so. */
  visionModel: boolean;
  /** Progress calls a processing document answers before it is ready (then it is ready, or failed). */
  stepsToReady: number;
}

type Routes = Parameters<typeof fakeBackend>[0];
type Body = Record<string, unknown>;

/** A backend over `world` (mutated by the write routes); `extra` replaces or adds routes. */
export function knowledgeBackend(world: Partial<World> = {}, extra: Routes = {}) {
  const w: World = { datasets: [], documents: [], slices: [], photos: [], visionModel: false, stepsToReady: 2, ...world };
  const steps = new Map<string, number>();
  const page = <T,>(items: T[], p: number, size: number) => items.slice((p - 1) * size, p * size);
  const findDoc = (id: unknown) => w.documents.find((d) => d.document_id === id);
  let nextId = 500;
  const b = fakeBackend({
    "/api/passport/account/info/v2/": () => ok(ACCOUNT),
    "/api/playground_api/space/list": () => ok(SPACES),
    "/api/knowledge/list": (body) => {
      const { space_id, filter = {}, page: p = 1, size = 20 } = body as Body & { filter?: Body; page?: number; size?: number };
      if (space_id !== "9" && space_id !== "7") return fail(404, 4200, "space not found");
      const name = String(filter.name ?? "").toLowerCase();
      const found = w.datasets.filter(
        (d) =>
          d.space_id === space_id &&
          d.name.toLowerCase().includes(name) &&
          (filter.format_type === undefined || d.format_type === filter.format_type),
      );
      return ok({ dataset_list: page(found, p, size), total: found.length });
    },
    "/api/knowledge/create": (body) => {
      const { space_id, name, description, format_type } = body as Body;
      const made = dataset(String(nextId++), String(name), {
        space_id: String(space_id),
        description: String(description),
        format_type: format_type as FormatType,
      });
      w.datasets.unshift(made);
      return ok({ dataset_id: made.dataset_id });
    },
    "/api/knowledge/detail": (body) => {
      const ids = (body as { dataset_ids: string[] }).dataset_ids;
      const found = w.datasets.filter((d) => ids.includes(d.dataset_id));
      if (found.length !== ids.length) return fail(404, 4200, "knowledge base not found");
      return ok({ dataset_details: Object.fromEntries(found.map((d) => [d.dataset_id, d])) });
    },
    "/api/knowledge/update": (body) => {
      const { dataset_id, name, description } = body as Body;
      const d = w.datasets.find((x) => x.dataset_id === dataset_id)!;
      Object.assign(d, { name, description });
      return ok({});
    },
    "/api/knowledge/delete": (body) => {
      w.datasets = w.datasets.filter((d) => d.dataset_id !== (body as Body).dataset_id);
      return ok({});
    },
    "/api/knowledge/document/list": (body) => {
      const { dataset_id, page: p = 1, size = 20 } = body as Body & { page?: number; size?: number };
      const found = w.documents.filter((d) => d.dataset_id === dataset_id);
      return ok({ document_infos: page(found, p, size), total: found.length });
    },
    "/api/knowledge/document/progress/get": (body) => {
      const ids = (body as { document_ids: string[] }).document_ids;
      const out = [];
      for (const id of ids) {
        const d = findDoc(id);
        if (!d) return fail(404, 4200, "document not found");
        if (d.status === 0) {
          const n = (steps.get(id) ?? 0) + 1;
          steps.set(id, n);
          d.progress = Math.min(99, Math.round((100 * n) / (w.stepsToReady + 1)));
          if (n > w.stepsToReady) Object.assign(d, d.failure_reason ? { status: 9 } : { status: 1, progress: 100 });
        }
        out.push({
          document_id: d.document_id,
          document_name: d.name,
          progress: d.progress,
          status: d.status,
          status_descript: d.status === 9 ? d.status_descript : "",
          failure_reason: d.status === 9 ? d.failure_reason : "",
          slices_done: 0,
          slices_total: 0,
        });
      }
      return ok({ data: out });
    },
    "/api/knowledge/document/create": (body) => {
      const { dataset_id, document_bases } = body as { dataset_id: string; document_bases: { name: string }[] };
      const made = document_bases.map((base) =>
        doc(String(nextId++), base.name || "web page", { dataset_id, status: 0, progress: 0 }),
      );
      w.documents.unshift(...made);
      return ok({ document_infos: made });
    },
    "/api/knowledge/document/update": (body) => {
      const { document_id, document_name } = body as Body;
      Object.assign(findDoc(document_id)!, { name: document_name });
      return ok({});
    },
    "/api/knowledge/document/resegment": (body) => {
      const { document_ids, chunk_strategy } = body as { document_ids: string[]; chunk_strategy: ChunkStrategy };
      const changed = document_ids.map((id) => Object.assign(findDoc(id)!, { status: 0, progress: 0, chunk_strategy }));
      for (const id of document_ids) steps.delete(id);
      return ok({ document_infos: changed });
    },
    "/api/knowledge/document/delete": (body) => {
      const ids = (body as { document_ids: string[] }).document_ids;
      w.documents = w.documents.filter((d) => !ids.includes(d.document_id));
      return ok({});
    },
    "/api/knowledge/slice/list": (body) => {
      const { document_id, sequence = "0", page_size = 20 } = body as Body & { sequence?: string; page_size?: number };
      const found = w.slices.filter((s) => s.document_id === document_id);
      const offset = Number(sequence);
      const shown = found.slice(offset, offset + page_size);
      return ok({ slices: shown, total: found.length, hasmore: offset + shown.length < found.length });
    },
    "/api/knowledge/slice/create": (body) => {
      const { document_id, raw_text } = body as Body;
      const mine = w.slices.filter((s) => s.document_id === document_id);
      const added = { ...slice(String(document_id), mine.length, String(raw_text)), edited: true };
      w.slices.push(added);
      return ok({ slice: added });
    },
    "/api/knowledge/slice/update": (body) => {
      const { slice_id, raw_text } = body as Body;
      const s = w.slices.find((x) => x.slice_id === slice_id)!;
      Object.assign(s, { content: raw_text, char_count: String(raw_text).length, edited: true });
      return ok({ slice: s });
    },
    "/api/knowledge/slice/delete": (body) => {
      const ids = (body as { slice_ids: string[] }).slice_ids;
      w.slices = w.slices.filter((s) => !ids.includes(s.slice_id));
      return ok({});
    },
    "/api/knowledge/table_schema/get": () => ok({ table_meta: [] }),
    "/api/knowledge/photo/list": (body) => {
      const { page: p = 1, size = 20 } = body as { page?: number; size?: number };
      return ok({ photo_infos: page(w.photos, p, size), total: w.photos.length });
    },
    "/api/knowledge/photo/caption": (body) => {
      const { document_id, caption } = body as Body;
      Object.assign(w.photos.find((x) => x.document_id === document_id)!, { caption });
      return ok({});
    },
    "/api/knowledge/photo/extract_caption": (body) => {
      if (!w.visionModel) return fail(409, 4090, "no chat model that takes images is configured");
      const photo = w.photos.find((x) => x.document_id === (body as Body).document_id)!;
      return ok({ caption: `A photo named ${photo.name}` });
    },
    "/api/bot/get_type_list": () =>
      ok({
        model_list: [{ name: "Eyes", model_type: "3", model_ability: { image_understanding: w.visionModel } }],
        voice_list: [],
        raw_model_list: [],
      }),
    ...extra,
  });
  vi.stubGlobal("fetch", b.fetch);
  return { ...b, world: w, bodies: (path: string) => b.calls.filter((c) => c.path === path).map((c) => c.body as Body) };
}

/** The pages' jsdom set-up, and progress polled quickly. */
export function setUp(): void {
  setUpPageTests();
  polling.intervalMs = 30;
}
