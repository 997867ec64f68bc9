// The knowledge routes these pages call, and their react-query keys.
import { ApiError, apiData, type Envelope } from "../../app/api";
import type {
  ChunkStrategy,
  Dataset,
  DatasetList,
  DocumentBase,
  DocumentInfo,
  DocumentList,
  DocumentProgress,
  FormatType,
  PhotoList,
  Preview,
  RetrievalResult,
  SearchType,
  Slice,
  SliceList,
  TableColumn,
  Upload,
} from "./types";

export const PAGE_SIZE = 20;
export const SLICE_PAGE_SIZE = 20;

// Limits of the backend (src/domain/knowledge/entities.py, values.py, application/knowledge/*).
export const LIMITS = {
  name: 100,
  description: 2000,
  documentName: 255,
  documentsPerCall: 20,
  text: 1_000_000,
  url: 2048,
  separator: 32,
  minChunk: 50,
  maxChunk: 5000,
  maxDepth: 6,
  slice: 10_000,
  query: 4000,
  topK: 20,
  caption: 2000,
};

/** How often the documents page asks for progress while a document is processing (tests lower it). */
export const polling = { intervalMs: 1500 };

export const keys = {
  all: (spaceId: string) => ["knowledge", "list", spaceId] as const,
  list: (spaceId: string, name: string, format: FormatType | null) =>
    ["knowledge", "list", spaceId, name, format] as const,
  dataset: (datasetId: string) => ["knowledge", "dataset", datasetId] as const,
  documents: (datasetId: string) => ["knowledge", "documents", datasetId] as const,
  documentPage: (datasetId: string, page: number) => ["knowledge", "documents", datasetId, page] as const,
  progress: (ids: string[]) => ["knowledge", "progress", ...ids] as const,
  document: (documentId: string) => ["knowledge", "document", documentId] as const,
  columns: (documentId: string) => ["knowledge", "columns", documentId] as const,
  slices: (documentId: string) => ["knowledge", "slices", documentId] as const,
  slicePage: (documentId: string, page: number) => ["knowledge", "slices", documentId, page] as const,
  photos: (datasetId: string, page: number) => ["knowledge", "photos", datasetId, page] as const,
  vision: (spaceId: string) => ["knowledge", "vision", spaceId] as const,
};

export function listDatasets(spaceId: string, name: string, format: FormatType | null, page: number) {
  const filter: Record<string, unknown> = {};
  if (name) filter.name = name;
  if (format !== null) filter.format_type = format;
  return apiData<DatasetList>("/api/knowledge/list", { space_id: spaceId, filter, page, size: PAGE_SIZE });
}

export function createDataset(spaceId: string, name: string, description: string, format: FormatType) {
  return apiData<{ dataset_id: string }>("/api/knowledge/create", {
    space_id: spaceId,
    name,
    description,
    format_type: format,
  });
}

/** One knowledge base; another space's (or one the caller cannot see) is a 404 ApiError. */
export async function getDataset(datasetId: string): Promise<Dataset> {
  const data = await apiData<{ dataset_details: Record<string, Dataset> }>("/api/knowledge/detail", {
    dataset_ids: [datasetId],
  });
  const found = data.dataset_details[datasetId];
  if (!found) throw new ApiError(404, 4200, "");
  return found;
}

export function updateDataset(datasetId: string, name: string, description: string) {
  return apiData<unknown>("/api/knowledge/update", { dataset_id: datasetId, name, description });
}

export function deleteDataset(datasetId: string) {
  return apiData<unknown>("/api/knowledge/delete", { dataset_id: datasetId });
}

export function listDocuments(datasetId: string, page: number) {
  return apiData<DocumentList>("/api/knowledge/document/list", { dataset_id: datasetId, page, size: PAGE_SIZE });
}

/**
 * One document's name and state. The list route ignores `document_ids`, so this reads the progress
 * route, which takes ids; a missing document (or another space's) is a 404 ApiError.
 */
export async function getDocument(datasetId: string, documentId: string): Promise<DocumentProgress> {
  const [found] = await documentProgress(datasetId, [documentId]);
  if (!found) throw new ApiError(404, 4200, "");
  return found;
}

export async function tableColumns(documentId: string): Promise<TableColumn[]> {
  return (await apiData<{ table_meta: TableColumn[] }>("/api/knowledge/table_schema/get", { document_id: documentId }))
    .table_meta;
}

export async function createDocuments(datasetId: string, bases: DocumentBase[], strategy: ChunkStrategy | null) {
  const body: Record<string, unknown> = { dataset_id: datasetId, document_bases: bases };
  if (strategy) body.chunk_strategy = strategy;
  const data = await apiData<{ document_infos: DocumentInfo[] }>("/api/knowledge/document/create", body);
  return data.document_infos;
}

export function renameDocument(documentId: string, name: string) {
  return apiData<unknown>("/api/knowledge/document/update", { document_id: documentId, document_name: name });
}

export function resegmentDocuments(datasetId: string, documentIds: string[], strategy: ChunkStrategy) {
  return apiData<{ document_infos: DocumentInfo[] }>("/api/knowledge/document/resegment", {
    dataset_id: datasetId,
    document_ids: documentIds,
    chunk_strategy: strategy,
  });
}

export function deleteDocuments(datasetId: string, documentIds: string[]) {
  return apiData<unknown>("/api/knowledge/document/delete", { dataset_id: datasetId, document_ids: documentIds });
}

export async function documentProgress(datasetId: string, documentIds: string[]): Promise<DocumentProgress[]> {
  const data = await apiData<{ data: DocumentProgress[] }>("/api/knowledge/document/progress/get", {
    dataset_id: datasetId,
    document_ids: documentIds,
  });
  return data.data;
}

/** The segmentation preview: how one document would be cut, kept as a review for a day (no document yet). */
export async function previewSegmentation(datasetId: string, base: DocumentBase, strategy: ChunkStrategy): Promise<Preview> {
  const data = await apiData<{ reviews: Preview[] }>("/api/knowledge/review/create", {
    dataset_id: datasetId,
    document_base: base,
    chunk_strategy: strategy,
  });
  const first = data.reviews[0];
  if (!first) throw new Error("the review answered no review");
  return first;
}

/** Replace the texts of a review's slices; adding the document with its review_id keeps them. */
export async function saveReviewSlices(datasetId: string, reviewId: string, edits: { id: string; content: string }[]): Promise<Preview> {
  const data = await apiData<{ review: Preview }>("/api/knowledge/review/save", {
    dataset_id: datasetId,
    review_id: reviewId,
    slices: edits,
  });
  return data.review;
}

/** One page of a document's slices; `page` from 1 (the route takes an offset as `sequence`). */
export function listSlices(documentId: string, page: number) {
  return apiData<SliceList>("/api/knowledge/slice/list", {
    document_id: documentId,
    sequence: String((page - 1) * SLICE_PAGE_SIZE),
    page_size: SLICE_PAGE_SIZE,
  });
}

export async function createSlice(documentId: string, text: string): Promise<Slice> {
  return (await apiData<{ slice: Slice }>("/api/knowledge/slice/create", { document_id: documentId, raw_text: text }))
    .slice;
}

export async function updateSlice(sliceId: string, text: string): Promise<Slice> {
  return (await apiData<{ slice: Slice }>("/api/knowledge/slice/update", { slice_id: sliceId, raw_text: text })).slice;
}

export function deleteSlice(sliceId: string) {
  return apiData<unknown>("/api/knowledge/slice/delete", { slice_ids: [sliceId] });
}

export interface RetrievalQuery {
  query: string;
  searchType: SearchType;
  topK: number;
  minScore: number;
}

export function testRetrieval(datasetId: string, q: RetrievalQuery) {
  return apiData<RetrievalResult>("/api/knowledge/retrieval/test", {
    dataset_ids: [datasetId],
    query: q.query,
    search_type: q.searchType,
    top_k: q.topK,
    min_score: q.minScore,
  });
}

export function listPhotos(datasetId: string, page: number) {
  return apiData<PhotoList>("/api/knowledge/photo/list", { dataset_id: datasetId, page, size: PAGE_SIZE });
}

export function updateCaption(documentId: string, caption: string) {
  return apiData<unknown>("/api/knowledge/photo/caption", { document_id: documentId, caption });
}

/**
 * Uploads one file as multipart/form-data (the shared client sends JSON only; the upload route's
 * JSON form is base64 and bounded by the body limit). Failures are ApiErrors like the client's.
 */
export async function uploadFile(file: File, language: string): Promise<Upload> {
  const form = new FormData();
  form.append("file", file, file.name);
  let response: Response;
  try {
    response = await fetch("/api/bot/upload_file", {
      method: "POST",
      body: form,
      credentials: "same-origin",
      headers: { Accept: "application/json", "Accept-Language": language },
    });
  } catch {
    throw new ApiError(0, 0, "");
  }
  let envelope: (Envelope & { data?: Upload }) | null = null;
  try {
    envelope = (await response.json()) as Envelope & { data?: Upload };
  } catch {
    envelope = null;
  }
  if (!envelope || typeof envelope.code !== "number") throw new ApiError(response.status, 0, "");
  if (envelope.code !== 0 || !response.ok || !envelope.data) {
    throw new ApiError(response.status, envelope.code, envelope.msg ?? "", envelope.detail?.logid ?? null);
  }
  return envelope.data;
}

/** Seconds since the epoch in the reader's locale; "" for none. */
export function formatTime(seconds: number, locale: string): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return "";
  return new Date(seconds * 1000).toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" });
}

/** Bytes for people: 1.2 MB. */
export function formatBytes(bytes: number, locale: string): string {
  const units = ["B", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  return `${value.toLocaleString(locale, { maximumFractionDigits: digits })} ${units[unit]}`;
}

/** The vision model's caption of a photo; returned, not saved (the caption route saves it). */
export function extractCaption(documentId: string) {
  return apiData<{ caption: string }>("/api/knowledge/photo/extract_caption", { document_id: documentId });
}

/** Whether a chat model takes images: the backend captions with the default one that does, else
 * the first by name (application/modelmgr/chat_models.py), so any one offered is enough. */
export async function visionModelOffered(spaceId: string): Promise<boolean> {
  const data = await apiData<{ model_list: { model_ability?: { image_understanding?: boolean } }[] }>(
    "/api/bot/get_type_list",
    { space_id: spaceId, model: true },
  );
  return data.model_list.some((m) => m.model_ability?.image_understanding === true);
}
