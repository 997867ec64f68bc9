// Shapes of the knowledge routes of /api (src/api/knowledge_fields.py, src/api/web/knowledge*.py):
// Coze Studio's Dataset, DocumentInfo, SliceInfo bodies; ids as strings, times in seconds.

/** 0 text, 1 table, 2 image. */
export type FormatType = 0 | 1 | 2;

/** Coze's ChunkType: 0 automatic, 1 custom, 2 hierarchical (by headings). */
export type ChunkType = 0 | 1 | 2;

export interface ChunkStrategy {
  chunk_type: ChunkType | null;
  separator: string | null;
  max_tokens: number | null; // characters, despite the name
  remove_extra_spaces: boolean | null;
  remove_urls_emails: boolean | null;
  overlap: number | null;
  max_level: number | null;
  save_title: boolean | null;
  caption_type?: number | null;
}

export interface Dataset {
  dataset_id: string;
  name: string;
  description: string;
  space_id: string;
  status: number; // 1 enabled, 3 disabled
  format_type: FormatType;
  can_edit: boolean;
  icon_url: string;
  doc_count: number;
  slice_count: number;
  hit_count: number;
  all_file_size: number;
  processing_file_id_list: string[];
  failed_file_list: string[];
  chunk_strategy: ChunkStrategy;
  create_time: number;
  update_time: number;
}

export interface DatasetList {
  dataset_list: Dataset[];
  total: number;
}

/** Coze's DocumentStatus. */
export const DOC_PROCESSING = 0;
export const DOC_READY = 1;
export const DOC_DISABLED = 2;
export const DOC_FAILED = 9;

export interface TableColumn {
  id: string;
  column_name: string;
  sequence: string;
  column_type: number;
}

export interface DocumentInfo {
  document_id: string;
  name: string;
  type: string; // the file type: txt, pdf, html, ...
  size: number;
  char_count: number;
  slice_count: number;
  hit_count: number;
  status: number;
  status_descript: string; // why it failed, for a person
  failure_reason: string; // why it failed, machine-readable (FailureReason)
  progress: number; // percent
  source_type: number; // 0 file, 1 web page, 2 text
  format_type: FormatType;
  web_url: string;
  chunk_strategy: ChunkStrategy;
  table_meta: TableColumn[];
  caption: string;
  dataset_id: string;
  create_time: number;
  update_time: number;
}

export interface DocumentList {
  document_infos: DocumentInfo[];
  total: number;
}

export interface DocumentProgress {
  document_id: string;
  document_name: string;
  progress: number;
  status: number;
  status_descript: string;
  failure_reason: string;
  slices_done: number;
  slices_total: number;
}

export interface SourceInfo {
  file_id?: string;
  file_type?: string;
  custom_content?: string;
  web_url?: string;
  review_id?: string; // a saved review: the document gets its slices as edited
}

export interface DocumentBase {
  name: string;
  source_info: SourceInfo;
  caption?: string;
}

export interface Slice {
  slice_id: string;
  document_id: string;
  sequence: string; // its position in the document, from 0
  content: string;
  char_count: number;
  hit_count: number;
  heading_path: string[];
  page: number | null;
  status: number;
  edited: boolean;
}

export interface SliceList {
  slices: Slice[];
  total: number;
  hasmore: boolean;
}

export interface PreviewSlice {
  id: string; // stays with the slice across saves
  sequence: number;
  content: string;
  heading_path: string[];
  page: number | null;
}

/** A document review (Coze's Review): the segmentation preview, kept for a day so it can be edited. */
export interface Preview {
  review_id: string;
  slices: PreviewSlice[]; // the first 200 at most
  total: number;
  char_count: number;
}

/** Coze's search types. */
export type SearchType = 0 | 1 | 2; // semantic, full text, hybrid

export interface Recalled {
  slice_id: string;
  score: number;
  content: string;
  document_id: string;
  document_name: string;
  dataset_id: string;
  dataset_name: string;
  heading_path: string[];
  page: number | null;
  url: string;
}

export interface RetrievalResult {
  query: string;
  slices: Recalled[];
}

export interface Photo {
  document_id: string;
  name: string;
  caption: string;
  type: string;
  size: number;
  status: number;
  url: string;
  create_time: number;
  update_time: number;
}

export interface PhotoList {
  photo_infos: Photo[];
  total: number;
}

export interface Upload {
  upload_uri: string; // the file's id, which source_info.file_id takes
  file_name: string;
  bytes: number;
}
