// The chunking settings as a form holds them, and as the routes take them (Coze's ChunkStrategy).
import { LIMITS } from "./api";
import type { ChunkStrategy, ChunkType } from "./types";

export type ChunkMode = "auto" | "custom" | "hierarchical";

export interface ChunkSettings {
  mode: ChunkMode;
  /** As typed: "\n" and "\t" stand for a line break and a tab (the backend reads them so). */
  separator: string;
  maxSize: number;
  overlap: number;
  trimSpaces: boolean;
  stripUrls: boolean;
  maxDepth: number;
  keepHeadings: boolean;
}

export const DEFAULT_SETTINGS: ChunkSettings = {
  mode: "auto",
  separator: "\\n\\n",
  maxSize: 800,
  overlap: 0,
  trimSpaces: true,
  stripUrls: false,
  maxDepth: 3,
  keepHeadings: true,
};

const MODE_OF: Record<ChunkType, ChunkMode> = { 0: "auto", 1: "custom", 2: "hierarchical" };
const TYPE_OF: Record<ChunkMode, ChunkType> = { auto: 0, custom: 1, hierarchical: 2 };

function escaped(separator: string): string {
  return separator.replace(/\n/g, "\\n").replace(/\t/g, "\\t");
}

/** A saved strategy (a knowledge base's default, a document's) as form settings. */
export function settingsOf(strategy: ChunkStrategy | null | undefined): ChunkSettings {
  if (!strategy) return DEFAULT_SETTINGS;
  const d = DEFAULT_SETTINGS;
  return {
    mode: MODE_OF[strategy.chunk_type ?? 0] ?? "auto",
    separator: strategy.separator ? escaped(strategy.separator) : d.separator,
    maxSize: strategy.max_tokens || d.maxSize,
    overlap: strategy.overlap ?? d.overlap,
    trimSpaces: strategy.remove_extra_spaces ?? d.trimSpaces,
    stripUrls: strategy.remove_urls_emails ?? d.stripUrls,
    maxDepth: strategy.max_level || d.maxDepth,
    keepHeadings: strategy.save_title ?? d.keepHeadings,
  };
}

/** What the routes take; automatic mode sends only its cleaning options (the server picks sizes). */
export function strategyOf(s: ChunkSettings): ChunkStrategy {
  const base: ChunkStrategy = {
    chunk_type: TYPE_OF[s.mode],
    separator: null,
    max_tokens: null,
    remove_extra_spaces: s.trimSpaces,
    remove_urls_emails: s.stripUrls,
    overlap: null,
    max_level: null,
    save_title: null,
  };
  if (s.mode === "custom") return { ...base, separator: s.separator, max_tokens: s.maxSize, overlap: s.overlap };
  if (s.mode === "hierarchical") {
    return { ...base, max_tokens: s.maxSize, overlap: s.overlap, max_level: s.maxDepth, save_title: s.keepHeadings };
  }
  return base;
}

export type SettingsProblem = "separator" | "maxSize" | "overlap" | "maxDepth";

/** The backend's rules (src/domain/knowledge/values.py), checked before a call is made. */
export function problemsOf(s: ChunkSettings): Set<SettingsProblem> {
  const out = new Set<SettingsProblem>();
  if (s.mode === "auto") return out;
  if (s.mode === "custom" && (s.separator.length < 1 || s.separator.length > LIMITS.separator)) out.add("separator");
  if (!Number.isInteger(s.maxSize) || s.maxSize < LIMITS.minChunk || s.maxSize > LIMITS.maxChunk) out.add("maxSize");
  if (!Number.isInteger(s.overlap) || s.overlap < 0 || s.overlap > Math.floor(s.maxSize / 2)) out.add("overlap");
  if (s.mode === "hierarchical" && (!Number.isInteger(s.maxDepth) || s.maxDepth < 1 || s.maxDepth > LIMITS.maxDepth)) {
    out.add("maxDepth");
  }
  return out;
}
